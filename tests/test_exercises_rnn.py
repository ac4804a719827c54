"""Exercises of 04_rnn: right answers, and the hints for the likely wrong ones."""

import pytest

from helpers.exercises import EXERCISES, check


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
