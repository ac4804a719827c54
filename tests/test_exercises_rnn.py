"""Exercises of 04_rnn: right answers, and the hints for the likely wrong ones."""

import pytest

from helpers.exercises import EXERCISES, check
from helpers.exercises.rnn import (
    forget_gate_default,
    median_width,
    memory_outcome,
    width_outcome,
)


@pytest.mark.parametrize("name", ["gru_parameters", "memory_bias", "conv_stack_frames",
                                  "median_survival"])
def test_registered_and_solvable(name, capsys):
    ex = EXERCISES[name]
    assert ex.checker(ex.solution())[0]
    assert "predicted" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, answer, right, hint",
    [
        ("gru_parameters", 2 * 3 * (48 * 84 + 48 * 48 + 2 * 48), True, "2 directions"),
        ("gru_parameters", 3 * (48 * 84 + 48 * 48 + 2 * 48), False, "one direction"),
        ("gru_parameters", 2 * 3 * (48 * 84 + 48 * 48 + 48), False, "two bias"),
        ("gru_parameters", 2 * 4 * (48 * 84 + 48 * 48 + 2 * 48), False, "LSTM"),
        ("gru_parameters", 1000, False, "3 gate blocks"),
        ("memory_bias", 5.66, True, "99.65 %"),
        ("memory_bias", 5.0, False, "larger bias"),
        ("memory_bias", 9, False, "smaller bias"),
        ("conv_stack_frames", 13, True, "adds 4 frames"),
        ("conv_stack_frames", 15, False, "centre frame three times"),
        ("conv_stack_frames", 5, False, "distinct frames"),
        ("median_survival", 8, True, "majority"),
        ("median_survival", 15, False, "shorter run"),
        ("median_survival", 3, False, "longer run"),
    ],
)
def test_answers_and_hints(name, answer, right, hint, capsys):
    assert check(name, answer) is right
    out = capsys.readouterr().out
    assert hint in out and out.count("\n") == 1


def test_wrong_type_gets_a_message(capsys):
    assert check("memory_bias", "5.7") is False
    assert "forget-gate bias" in capsys.readouterr().out


def test_forget_gate_default_is_an_experiment():
    ex = EXERCISES["forget_gate_default"]
    assert ex.kind == "experiment" and ex.expected == "at chance"
    assert ex.outcomes == ("as high", "lower", "at chance")


def test_the_open_forget_gate_learns_on_the_same_small_data(one_torch_thread):
    """The control: the reference run is at chance because of the bias alone."""
    assert memory_outcome(forget_gate_default(forget_bias=5.0)) == "as high"


@pytest.mark.parametrize(
    "accuracy, outcome",
    [(1.0, "as high"), (0.9, "as high"), (0.6, "lower"), (0.45, "at chance"),
     (0.25, "at chance")],
)
def test_memory_outcome_uses_the_thresholds_of_the_notebook(accuracy, outcome):
    assert memory_outcome(accuracy) == outcome


@pytest.mark.parametrize(
    "prediction, observed, right, words",
    [
        ("at chance", 0.27, True, "0.5 ** T"),
        ("as high", 0.27, False, "gradient plot"),
        ("lower", 0.27, False, "gradient plot"),
        ("as high", 0.99, True, "did you set forget_bias = 0.0"),
        ("at chance", 0.99, False, "did you set forget_bias = 0.0"),
    ],
)
def test_forget_gate_default_verdicts(prediction, observed, right, words, capsys):
    assert check("forget_gate_default", prediction, observed=observed) is right
    out = capsys.readouterr().out
    assert words in out and out.count("\n") == 1


def test_median_width_is_an_experiment_whose_control_changes_nothing(capsys):
    ex = EXERCISES["median_width"]
    assert ex.kind == "experiment" and ex.expected == "lower"
    assert width_outcome(median_width(61)) == "lower"
    assert median_width(15) == 0.0  # the control: the notebook's own width
    assert "flickering frames" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change, outcome",
    [(0.05, "higher"), (0.011, "higher"), (0.01, "about the same"),
     (0.0, "about the same"), (-0.01, "about the same"), (-0.011, "lower"),
     (-0.2, "lower")],
)
def test_width_outcome_uses_the_thresholds_of_the_exercise(change, outcome):
    assert width_outcome(change) == outcome


@pytest.mark.parametrize("prediction, right", [("lower", True), ("higher", False),
                                               ("about the same", False)])
def test_median_width_verdicts(prediction, right, capsys):
    assert check("median_width", prediction, observed=-0.05) is right
    assert capsys.readouterr().out.count("\n") == 1
