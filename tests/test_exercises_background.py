"""helpers.exercises.background: notebook 01's exercises, their checkers and hints."""

import math

import pytest

from helpers.exercises import EXERCISES, check
from helpers.exercises import background as ex

NAMES = ["dense_weights", "constant_scores_loss", "softmax_second_class",
         "pitch_class_after_shift"]


def test_every_exercise_of_notebook_01_is_registered():
    assert [e.name for e in ex.EXERCISES] == NAMES
    for name, exercise in zip(NAMES, ex.EXERCISES, strict=True):
        assert EXERCISES[name] is exercise


@pytest.mark.parametrize("name", NAMES)
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
    assert ex.dense_weights() == 128 * 11 * 256 + 256
    assert math.isclose(ex.constant_scores_loss(), math.log(10))
    assert ex.softmax_second_class() == 0.5
    assert ex.pitch_class_after_shift() == 2


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("dense_weights", 128 * 11 * 256, "bias"),
        ("dense_weights", 128 * 44 * 256 + 256, "pooling"),
        ("dense_weights", 7, "count the inputs"),
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
    assert capsys.readouterr().out.startswith("No answer yet.")
