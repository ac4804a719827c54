"""helpers.exercises.background: notebook 01's exercises, their checkers and hints."""

import math

import pytest

from helpers.exercises import EXERCISES, check
from helpers.exercises import background as ex

NAMES = ["larger_batch_rate", "constant_scores_loss", "dead_relus_smaller_rate",
         "softmax_second_class", "pitch_class_after_shift"]
COMPUTE = [n for n in NAMES if EXERCISES[n].kind == "compute"]
EXPERIMENTS = [n for n in NAMES if EXERCISES[n].kind == "experiment"]


def test_every_exercise_of_notebook_01_is_registered():
    assert [e.name for e in ex.EXERCISES] == NAMES
    for name, exercise in zip(NAMES, ex.EXERCISES, strict=True):
        assert EXERCISES[name] is exercise
    assert len(EXPERIMENTS) >= 2


@pytest.mark.parametrize("name", COMPUTE)
def test_reference_solution_passes_its_checker(name, capsys):
    exercise = EXERCISES[name]
    answer = exercise.solution()
    assert isinstance(answer, exercise.expects)
    right, message = exercise.checker(answer)
    assert right, message
    capsys.readouterr()
    assert check(name, answer) is True
    assert capsys.readouterr().out.startswith("Right!")


def test_known_values():
    assert math.isclose(ex.constant_scores_loss(), math.log(10))
    assert ex.softmax_second_class() == 0.5
    assert ex.pitch_class_after_shift() == 2


def test_larger_batch_needs_a_larger_rate_and_32_reproduces_the_sweep(one_torch_thread):
    assert ex.batch_rate_outcome(ex.larger_batch_rate(256)) == "higher"
    assert ex.larger_batch_rate(32) == 1.0


def test_units_die_at_the_section_rate_not_at_a_tenth(one_torch_thread):
    outcome = ex.dead_units_outcome
    assert outcome(ex.dead_relus_smaller_rate(0.003)) == "fewer dead units"
    assert outcome(ex.dead_relus_smaller_rate(0.03)) == "about as many"


@pytest.mark.parametrize(
    "outcome_of, value, outcome",
    [
        (ex.batch_rate_outcome, 10.0, "higher"),
        (ex.batch_rate_outcome, 1.0, "about the same"),
        (ex.batch_rate_outcome, 0.1, "lower"),
        (ex.dead_units_outcome, 0.02, "fewer dead units"),
        (ex.dead_units_outcome, 0.3, "about as many"),
        (ex.dead_units_outcome, 0.8, "more dead units"),
    ],
)
def test_outcomes_follow_the_thresholds_of_the_statements(outcome_of, value, outcome):
    assert outcome_of(value) == outcome


@pytest.mark.parametrize(
    "name, prediction, observed, right, words",
    [
        ("larger_batch_rate", "higher", 10.0, True, "more reliable direction"),
        ("larger_batch_rate", "lower", 10.0, False, "which direction"),
        ("dead_relus_smaller_rate", "fewer dead units", 0.02, True, "the rate, not"),
        ("dead_relus_smaller_rate", "about as many", 0.02, False, "step size"),
        ("dead_relus_smaller_rate", "about as many", 0.3, True, "set lr_dying"),
    ],
)
def test_experiment_verdicts(name, prediction, observed, right, words, capsys):
    assert check(name, prediction, observed=observed) is right
    assert words in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("constant_scores_loss", 1.0, "natural"),
        ("constant_scores_loss", 0.1, "equally frequent"),
        ("softmax_second_class", 0.25, "all four scores are equal"),
        ("softmax_second_class", 0.9, "too high"),
        ("softmax_second_class", 0.4, "too low"),
        ("pitch_class_after_shift", 11, "old label"),
        ("pitch_class_after_shift", 14, "wrap"),
        ("pitch_class_after_shift", 5, "count up"),
    ],
)
def test_wrong_answer_gets_a_hint(name, answer, hint, capsys):
    assert check(name, answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and hint in out
    assert out.count("\n") == 1


@pytest.mark.parametrize("name", NAMES)
def test_missing_answer_says_what_is_expected(name, capsys):
    assert check(name, ...) is False
    assert capsys.readouterr().out.startswith(("No answer yet.", "No prediction yet."))
