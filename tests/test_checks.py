"""helpers.checks: claim sentences, and comparisons that keep their promise.

The coverage tests repeat an experiment many times on scores whose true
difference is known, and count how often the interval of :func:`compare`
contains it, and how often :func:`check_better` passes when there is nothing
to find. They are seeded, so they do not flake, and take a few seconds.
"""

import math

import numpy as np
import pytest

from helpers.checks import (
    BOOTSTRAP_FROM,
    CHECK_MARK,
    Comparison,
    check,
    check_better,
    check_greater,
    check_range,
    check_similar,
    compare,
    scores_over_seeds,
)
from helpers.errors import ClaimError, ParameterError


def test_check_prints_the_claim(capsys):
    assert check("log beats linear", True, "0.9 vs 0.7")
    assert capsys.readouterr().out == f"{CHECK_MARK} log beats linear (0.9 vs 0.7)\n"


def test_check_fails_loudly():
    with pytest.raises(ClaimError, match="claim failed: relu is faster"):
        check("relu is faster", False)


def test_check_range_bounds():
    assert check_range("accuracy", 0.8, low=0.5, high=1.0) == 0.8
    with pytest.raises(ClaimError):
        check_range("accuracy", 0.4, low=0.5)
    with pytest.raises(ClaimError):
        check_range("error", 2.0, high=1.0)
    with pytest.raises(ClaimError):
        check_range("loss", math.nan, low=0)


@pytest.mark.parametrize(
    "args, kwargs, line",
    [
        (("largest log-mel difference, torch vs librosa", 0.001286), {"high": 0.01,
         "unit": "dB"}, "largest log-mel difference, torch vs librosa: 0.00129 dB, "
         "at most 0.01 dB"),
        (("test accuracy", 0.93), {"low": 0.8}, "test accuracy: 0.93, at least 0.8"),
        (("ratio", 1.2, 0.5, 2), {}, "ratio: 1.2, between 0.5 and 2"),
        # a value just above its bound is not rounded onto it
        (("accuracy", 0.80004, 0.8), {}, "accuracy: 0.80004, at least 0.8"),
    ],
)
def test_check_range_reads_as_a_sentence(args, kwargs, line, capsys):
    check_range(*args, **kwargs)
    assert capsys.readouterr().out == f"{CHECK_MARK} {line}\n"


def test_check_range_failure_says_what_was_expected():
    with pytest.raises(ClaimError, match=r"accuracy: 0.4, expected at least 0.5$"):
        check_range("accuracy", 0.4, low=0.5)


def test_check_greater_with_margin(capsys):
    check_greater("notes as trained", 0.92, "delayed", 0.41, margin=0.15)
    assert capsys.readouterr().out == (
        f"{CHECK_MARK} notes as trained above delayed: 0.92 against 0.41, a gap of "
        "0.51, more than 0.15\n"
    )
    with pytest.raises(ClaimError, match="a above b: 0.75 against 0.7"):
        check_greater("a", 0.75, "b", 0.7, margin=0.1)


def test_check_greater_does_not_round_two_numbers_into_one(capsys):
    check_greater("tanh time", 0.0031, "relu time", 0.003099, unit="s")
    assert capsys.readouterr().out == (
        f"{CHECK_MARK} tanh time above relu time: 0.0031 s against 0.003099 s\n"
    )


# ---------------------------------------------------------------- compare


def test_compare_reads_as_the_notebooks_print_it():
    result = compare([0.98, 0.97, 0.99], [0.25, 0.27, 0.26], paired=True)
    assert isinstance(result, Comparison)
    assert str(result) == (
        "difference +0.72, 95% interval +0.68 to +0.76, 3 seeds, paired t"
    )
    assert result.means() == "0.98 against 0.26"
    assert (result.n_a, result.n_b, result.paired, result.method) == (
        3, 3, True, "paired t")
    assert result.mean_a - result.mean_b == pytest.approx(result.difference)
    with pytest.raises(AttributeError):  # frozen
        result.low = 0


def test_compare_chooses_t_below_the_threshold_and_bootstrap_from_it():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=BOOTSTRAP_FROM), rng.normal(size=BOOTSTRAP_FROM)
    n = BOOTSTRAP_FROM - 1
    assert compare(a[:n], b[:n]).method == "Welch's t"
    assert compare(a[:n], b[:n], paired=True).method == "paired t"
    assert compare(a, b).method == "bootstrap"
    result = compare(a, b, paired=True, over="pieces")
    assert result.method == "paired bootstrap"
    assert f"{BOOTSTRAP_FROM} pieces, paired bootstrap" in str(result)
    assert compare(a[:3], b).sizes == f"3 and {BOOTSTRAP_FROM} seeds"  # the smaller n
    assert compare(a[:3], b).method == "Welch's t"


def test_compare_bootstrap_is_reproducible_with_its_seed():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=40), rng.normal(size=40)
    assert compare(a, b, seed=3) == compare(a, b, seed=3)
    assert compare(a, b, seed=3).low != compare(a, b, seed=4).low


def test_scores_without_spread_give_an_interval_of_width_zero():
    result = compare([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])
    assert result.low == result.high == result.difference == 0.25
    assert compare(np.ones(30), np.ones(30), paired=True).low == 0


def test_paired_and_unpaired_differ_where_they_should():
    # Each seed moves both models a lot (an easy or a hard split); model a is
    # always 0.02 better. Only pairing the seeds sees it.
    rng = np.random.default_rng(2)
    seed_effect = rng.normal(0, 0.1, 5)
    a = 0.8 + seed_effect + rng.normal(0, 0.005, 5)
    b = 0.78 + seed_effect + rng.normal(0, 0.005, 5)
    paired, unpaired = compare(a, b, paired=True), compare(a, b)
    assert paired.low > 0 > unpaired.low
    assert paired.difference == pytest.approx(unpaired.difference)
    check_better("a", a, "b", b, paired=True)
    with pytest.raises(ClaimError):
        check_better("a", a, "b", b)


def _repeat(n, *, paired, method="auto", reps, shift=0.0, seed=0):
    """Coverage and false passes of ``compare`` over ``reps`` experiments.

    Scores of ``b`` are normal; ``a`` is ``b``'s distribution shifted by
    ``shift``. Paired scores share a per-seed effect.
    """
    rng = np.random.default_rng(seed)
    covered = passed = 0
    for _ in range(reps):
        if paired:
            common = rng.normal(0, 1, n)
            a = common + rng.normal(shift, 0.5, n)
            b = common + rng.normal(0, 0.5, n)
        else:
            a, b = rng.normal(shift, 1, n), rng.normal(0, 1, n)
        r = compare(a, b, paired=paired, method=method, n_resamples=999)
        covered += r.low < shift < r.high
        passed += r.low > 0
    return covered / reps, passed / reps


@pytest.mark.parametrize("paired", [True, False])
def test_t_keeps_its_promise_at_three_seeds(paired):
    coverage, false_passes = _repeat(3, paired=paired, reps=600)
    assert 0.93 <= coverage <= 0.99  # Welch's t is a little conservative at n = 3
    assert false_passes <= 0.05  # check_better passes by chance at most 5%


@pytest.mark.parametrize("paired", [True, False])
def test_bootstrap_keeps_its_promise_at_thirty_pieces(paired):
    coverage, false_passes = _repeat(30, paired=paired, reps=250)
    assert 0.92 <= coverage <= 0.98
    assert false_passes <= 0.05


def test_a_bootstrap_at_three_seeds_would_be_far_too_narrow():
    """Why compare uses t below BOOTSTRAP_FROM: the bootstrap misses a lot."""
    coverage, false_passes = _repeat(3, paired=False, method="bootstrap", reps=250)
    assert coverage < 0.85 and false_passes > 0.05


def test_a_real_difference_passes():
    rng = np.random.default_rng(3)
    seeds = check_better("the LSTM", rng.normal(0.98, 0.01, 3), "the plain RNN",
                         rng.normal(0.26, 0.03, 3))
    assert seeds.method == "Welch's t" and seeds.low > 0.6
    b = rng.uniform(0.5, 0.9, 30)
    pieces = check_better("the CRNN", b + rng.normal(0.05, 0.03, 30), "the CNN", b,
                          paired=True, over="pieces", margin=0.02)
    assert pieces.method == "paired bootstrap" and pieces.low > 0.02


def test_check_better_prints_its_evidence(capsys):
    result = check_better("the LSTM", [0.98, 0.97, 0.99], "the plain RNN",
                          [0.25, 0.27, 0.26], paired=True)
    assert capsys.readouterr().out == (
        f"{CHECK_MARK} the LSTM beats the plain RNN: 0.98 against 0.26 ({result})\n"
    )


def test_check_better_fails_with_the_same_evidence():
    a, b = [0.90, 0.80, 0.86], [0.84, 0.83, 0.85]  # a is higher on average only
    result = compare(a, b)
    with pytest.raises(ClaimError) as error:
        check_better("the GRU", a, "the key profiles", b)
    message = str(error.value)
    assert message.startswith("claim failed: the GRU beats the key profiles: ")
    assert str(result) in message and "do not tell" in message
    with pytest.raises(ClaimError, match="does not score higher by more than 0.5$"):
        check_better("the GRU", a, "the key profiles", b, margin=0.5)


def test_check_similar_passes_only_for_a_narrow_interval(capsys):
    a = [0.820, 0.830, 0.810, 0.820, 0.825]
    b = [0.815, 0.830, 0.815, 0.820, 0.820]
    result = check_similar("the CNN", a, "the CRNN", b, within=0.02, paired=True)
    assert -0.02 < result.low and result.high < 0.02
    assert capsys.readouterr().out.startswith(
        f"{CHECK_MARK} the CNN and the CRNN score about the same, within ±0.02: "
    )
    # The same means from scores that scatter: the interval is too wide to say.
    with pytest.raises(ClaimError, match="not ruled out"):
        check_similar("the CNN", [0.72, 0.92, 0.82], "the CRNN", [0.80, 0.84, 0.82],
                      within=0.02)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"a": [0.9], "b": [0.8, 0.7]}, "a has 1 score"),
        ({"a": [0.9, 0.8], "b": []}, "b has 0 score"),
        ({"a": [0.9, math.nan], "b": [0.8, 0.7]}, "a has 1 score.* NaN"),
        ({"a": [0.9, 0.8], "b": [0.8, math.inf]}, "b has 1 score.* infinite"),
        ({"a": [0.9, 0.8, 0.7], "b": [0.8, 0.7], "paired": True},
         "paired=True needs .* 3 scores in a and 2 in b"),
        ({"a": [0.9, 0.8], "b": [0.8, 0.7], "confidence": 95}, "confidence must be"),
        ({"a": [0.9, 0.8], "b": [0.8, 0.7], "confidence": 0}, "confidence must be"),
        ({"a": [[0.9, 0.8]], "b": [0.8, 0.7]}, "a must be a flat sequence"),
        ({"a": "0.9 0.8", "b": [0.8, 0.7]}, "a must be a sequence of scores"),
        ({"a": [0.9, 0.8], "b": [0.8, 0.7], "method": "z"}, "method must be one of"),
    ],
)
def test_compare_refuses_what_it_cannot_compare(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        compare(**kwargs)


@pytest.mark.parametrize("within", [0, -0.1, math.nan, "0.1"])
def test_check_similar_needs_a_positive_within(within):
    with pytest.raises(ParameterError, match="within must be"):
        check_similar("a", [1, 2], "b", [1, 2], within=within)


def test_check_better_checks_its_arguments_like_compare():
    with pytest.raises(ParameterError, match="a has 1 score"):
        check_better("a", [1.0], "b", [1.0, 2.0])
    with pytest.raises(ParameterError, match="margin must be"):
        check_better("a", [1.0, 2.0], "b", [1.0, 2.0], margin=math.nan)


# ---------------------------------------------------------- scores_over_seeds


def test_scores_over_seeds_seeds_every_run():
    import torch

    def run(seed):
        return float(np.random.rand() + torch.rand(1).item())

    first, second = scores_over_seeds(run, range(3)), scores_over_seeds(run, range(3))
    assert first.shape == (3,) and first.dtype == float
    np.testing.assert_array_equal(first, second)
    assert len(set(first)) == 3


def test_scores_over_seeds_keeps_the_names_of_a_dict():
    scores = scores_over_seeds(lambda seed: {"LSTM": 0.9 + seed / 100, "RNN": 0.3},
                               [0, 1, 2])
    assert list(scores) == ["LSTM", "RNN"]
    np.testing.assert_allclose(scores["LSTM"], [0.90, 0.91, 0.92])
    assert scores["RNN"].shape == (3,)


@pytest.mark.parametrize(
    "run, seeds, match",
    [
        (lambda s: 0.5, [], "seeds must be"),
        (lambda s: 0.5, [0.5, 1.5], "seeds must be"),
        (lambda s: "high", range(2), "run must return a number"),
        (lambda s: [0.5, 0.6], range(2), "run must return a number"),
        (lambda s: {"a": 0.5} if s == 0 else {"b": 0.5}, range(2), "same names"),
        (0.5, range(2), "run must be a function"),
    ],
)
def test_scores_over_seeds_refuses_what_it_cannot_collect(run, seeds, match):
    with pytest.raises(ParameterError, match=match):
        scores_over_seeds(run, seeds)


def test_check_range_writes_plain_numbers_and_keeps_tight_bounds_apart(capsys):
    check_range("frames", 1292, 1000, 2000)
    check_range("floor", -100.0, -100.01, -99.99, unit="dB")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("frames: 1292, between 1000 and 2000")  # no 1e+03
    assert lines[1].endswith("floor: -100 dB, between -100.01 and -99.99 dB")
