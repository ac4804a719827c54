"""helpers.exercises: every reference solution passes its checker; the messages."""

import inspect
import math
from numbers import Real

import pytest

from helpers import exercises
from helpers.config import HOP_LENGTH, N_FFT, SR
from helpers.errors import ParameterError
from helpers.exercises import EXERCISES, KINDS, Exercise, check, solution

COMPUTE = sorted(n for n, ex in EXERCISES.items() if ex.kind == "compute")
EXPERIMENTS = sorted(n for n, ex in EXERCISES.items() if ex.kind == "experiment")


@pytest.mark.parametrize("name", COMPUTE)
def test_every_reference_solution_passes_its_checker(name, capsys):
    ex = EXERCISES[name]
    answer = ex.solution()
    assert isinstance(answer, ex.expects)
    right, message = ex.checker(answer)
    assert right, f"the reference solution of {name!r} fails its checker: {message}"
    capsys.readouterr()
    assert check(name, answer) is True
    assert capsys.readouterr().out.startswith("Right!")


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_still_shows_its_expected_outcome(name, capsys,
                                                           one_torch_thread):
    ex = EXERCISES[name]
    observed = ex.solution()
    assert isinstance(observed, ex.expects)
    outcome = ex.outcome_of(observed)
    assert outcome == ex.expected, (
        f"the reference run of {name!r} now shows {outcome!r} ({observed!r}), "
        f"not {ex.expected!r}: the exercise's statement is no longer true"
    )
    capsys.readouterr()
    assert check(name, ex.expected, observed=observed) is True
    assert capsys.readouterr().out.startswith("Right!")


def test_there_is_an_experiment_exercise():
    assert EXPERIMENTS and all(
        ex.kind in KINDS for ex in EXERCISES.values()
    )


def test_stft_frames_is_librosa_count():
    n_samples = 3 * SR
    assert EXERCISES["stft_frames"].solution() == 1 + n_samples // HOP_LENGTH == 130


@pytest.mark.parametrize(
    "answer, hint",
    [
        (3 * SR // HOP_LENGTH, "count that frame too"),  # the hops, not the frames
        (1 + (3 * SR - N_FFT) // HOP_LENGTH, "center=False"),
        (1 + N_FFT // 2, "frequency bins"),
        (1000, "too many"),
        (10, "too few"),
    ],
)
def test_wrong_answer_gets_a_hint(answer, hint, capsys):
    assert check("stft_frames", answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and hint in out
    assert out.count("\n") == 1  # one line


@pytest.mark.parametrize("answer", ["130", 130.19, True, [130], None, ...])
def test_wrongly_typed_answer_gets_a_message_not_a_traceback(answer, capsys):
    assert check("stft_frames", answer) is False
    out = capsys.readouterr().out
    assert "whole number of frames" in out and out.count("\n") == 1
    if answer is None or answer is ...:
        assert out.startswith("No answer yet.")
    else:
        assert out.startswith("Not checked.") and type(answer).__name__ in out


def test_numpy_integer_is_an_int():
    import numpy as np

    assert check("stft_frames", np.int64(130)) is True


@pytest.mark.parametrize("function", [check, solution])
def test_unknown_name_lists_the_known_ones(function):
    args = ("stft_frame", 130) if function is check else ("stft_frame",)
    with pytest.raises(ParameterError, match="stft_frames"):
        function(*args)


def test_solution_prints_and_returns_the_source(capsys):
    source = solution("stft_frames")
    expected = inspect.getsource(EXERCISES["stft_frames"].solution)
    assert isinstance(source, str) and source == expected
    assert source.startswith("def stft_frames") and "librosa.stft" in source
    assert capsys.readouterr().out == expected + "\n"


def test_solution_in_jupyter_is_a_highlighted_block(monkeypatch, capsys):
    import IPython
    import IPython.display

    class Kernel:  # what get_ipython() returns in Jupyter: a shell with a kernel
        kernel = object()

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: Kernel())
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append(a))
    source = solution("stft_frames")
    assert len(shown) == 1
    bundle = shown[0][0]
    assert bundle["text/markdown"] == f"```python\n{source}```"
    assert bundle["text/plain"] == source
    assert capsys.readouterr().out == ""
    source._ipython_display_()  # ending a cell with it does not show it twice
    assert len(shown) == 1


def test_a_measured_number_is_checked_with_a_tolerance(monkeypatch, capsys):
    def checker(answer):
        right = math.isclose(answer, 0.5, rel_tol=0.05)
        return right, "about a half" if right else "measure it again"

    toy = Exercise("toy", solution=lambda: 0.51, checker=checker, expects=Real,
                   answer="a number")
    monkeypatch.setitem(exercises.EXERCISES, "toy", toy)
    assert check("toy", 0.49) is True
    assert check("toy", 1) is False
    assert "measure it again" in capsys.readouterr().out


def test_alias_frequency_is_sr_minus_f():
    assert EXERCISES["alias_frequency"].solution() == SR - 15_000 == 7050


@pytest.mark.parametrize(
    "answer, right, hint",
    [
        (7050, True, "folds back"),
        (7052.5, True, "folds back"),  # within 5 Hz of the measured peak
        (15_000, False, "above SR / 2"),
        (15_000 - SR / 2, False, "mirror at SR / 2"),
        (1000, False, "mirror around it"),
    ],
)
def test_alias_frequency_answers(answer, right, hint, capsys):
    assert check("alias_frequency", answer) is right
    assert hint in capsys.readouterr().out


def test_two_tone_window_is_the_shortest_that_resolves():
    assert EXERCISES["two_tone_window"].solution() == 2048


@pytest.mark.parametrize(
    "answer, right, hint",
    [
        (2048, True, "enough for a dip"),
        (4096, False, "shorter window also does"),
        (1024, False, "merge into 1 peak"),
        (256, False, "merge into 1 peak"),
        (3000, False, "choose one of"),
    ],
)
def test_two_tone_window_answers(answer, right, hint, capsys):
    assert check("two_tone_window", answer) is right
    assert hint in capsys.readouterr().out


def test_every_exercise_has_a_name_of_its_own():
    """Two notebooks' exercises with one name would hide one of them."""
    from helpers.exercises import audio_representations, background, cnn, rnn

    names = [ex.name for m in (background, audio_representations, cnn, rnn)
             for ex in m.EXERCISES]
    assert len(names) == len(set(names)) == len(EXERCISES)


# ------------------------------------------------------ experiment exercises


def _toy_experiment(**changes):
    """An experiment whose observation is a number: above 1 is "higher"."""
    fields = dict(
        kind="experiment", outcomes=("higher", "lower", "about the same"),
        outcome_of=lambda x: "higher" if x > 1.1 else "lower" if x < 0.9
        else "about the same",
        expected="higher", expects=Real, answer="the ratio you measured (a number)",
        edit="set width = 2 in the cell above and run it",
        why="a wider window averages more frames.",
        hint="look at how many frames the window spans.",
    )
    return Exercise("toy_experiment", lambda: 1.5, **{**fields, **changes})


@pytest.fixture
def toy(monkeypatch):
    ex = _toy_experiment()
    monkeypatch.setitem(exercises.EXERCISES, ex.name, ex)
    return ex


def _one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return out


def test_experiment_right_prediction_says_why(toy, capsys):
    assert check("toy_experiment", "higher", observed=1.5) is True
    out = _one_line(capsys)
    assert out.startswith("Right! toy_experiment: your run shows 'higher' (1.5)")
    assert toy.why in out


def test_experiment_prediction_is_read_in_any_case(toy, capsys):
    assert check("toy_experiment", " About the Same ", observed=1.5) is False
    assert "you predicted 'about the same'" in capsys.readouterr().out


def test_experiment_wrong_prediction_gets_a_hint(toy, capsys):
    assert check("toy_experiment", "lower", observed=1.5) is False
    out = _one_line(capsys)
    assert out.startswith("Not yet. toy_experiment: you predicted 'lower', but your "
                          "run shows 'higher' (1.5).")
    assert toy.hint in out and toy.why not in out


@pytest.mark.parametrize("prediction, right", [("lower", True), ("higher", False)])
def test_experiment_unusual_run_asks_whether_the_change_was_made(
        toy, prediction, right, capsys):
    assert check("toy_experiment", prediction, observed=0.5) is right
    out = _one_line(capsys)
    assert f"you predicted {prediction!r} and your run shows 'lower' (0.5)" in out
    assert f"did you {toy.edit}?" in out
    assert "'higher'" not in out.replace(f"predicted {prediction!r}", "")  # no spoiler


@pytest.mark.parametrize("prediction", ["up", "Higher!", 1.5, True, ["higher"]])
def test_experiment_prediction_outside_the_outcomes_gets_a_type_message(
        toy, prediction, capsys):
    assert check("toy_experiment", prediction, observed=1.5) is False
    out = _one_line(capsys)
    assert out.startswith("Not checked. toy_experiment: the prediction should be one "
                          "of 'higher', 'lower' or 'about the same' (a str), got ")
    assert type(prediction).__name__ in out


@pytest.mark.parametrize("prediction", [None, ...])
def test_experiment_without_a_prediction_lists_the_outcomes(toy, prediction, capsys):
    assert check("toy_experiment", prediction) is False
    out = _one_line(capsys)
    assert out.startswith("No prediction yet. toy_experiment: replace ")
    assert "'higher', 'lower' or 'about the same'" in out


@pytest.mark.parametrize("observed", ["missing", None, ...])
def test_experiment_without_an_observation_says_how_to_get_one(toy, observed,
                                                               capsys):
    kwargs = {} if observed == "missing" else {"observed": observed}
    assert check("toy_experiment", "higher", **kwargs) is False
    out = _one_line(capsys)
    assert out.startswith("Prediction noted: 'higher'. toy_experiment: now set "
                          "width = 2 in the cell above and run it; then call ")
    assert "observed=" in out and toy.answer in out


@pytest.mark.parametrize("observed", ["1.5", math.nan, True, [1.5]])
def test_experiment_wrongly_typed_observation_gets_a_message(toy, observed, capsys):
    assert check("toy_experiment", "higher", observed=observed) is False
    out = _one_line(capsys)
    assert out.startswith("Not checked. toy_experiment: observed should be the ratio")


def test_observed_is_refused_by_a_compute_exercise():
    with pytest.raises(ParameterError, match="observed is for experiment exercises"):
        check("stft_frames", 130, observed=130)


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"kind": "guess"}, "kind of exercise 'toy_experiment' must be one of"),
        ({"outcomes": ("higher",)}, "needs outcomes"),
        ({"expected": "sideways"}, "expected of 'toy_experiment' must be one of"),
        ({"why": ""}, "needs why"),
        ({"outcome_of": None, "hint": ""}, "needs outcome_of, hint"),
        ({"outcomes": ("Higher", "lower")}, "lower case"),
        ({"answer": ""}, "needs answer"),
    ],
)
def test_an_experiment_exercise_needs_its_fields(changes, match):
    with pytest.raises(ParameterError, match=match):
        _toy_experiment(**changes)


def test_a_compute_exercise_needs_a_checker():
    with pytest.raises(ParameterError, match="needs a checker"):
        Exercise("toy", lambda: 1, expects=Real, answer="a number")
