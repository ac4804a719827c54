"""helpers.exercises.cnn: the reference solutions, and the hints wrong answers get."""

import pytest

from helpers.exercises import EXERCISES, check, cnn


def test_notebook_03_has_four_exercises():
    names = {ex.name for ex in cnn.EXERCISES}
    assert len(names) >= 4 and names <= set(EXERCISES)


@pytest.mark.parametrize("ex", cnn.EXERCISES, ids=lambda ex: ex.name)
def test_reference_solution_passes(ex, capsys):
    assert check(ex.name, ex.solution()) is True
    assert capsys.readouterr().out.startswith("Right!")


def test_receptive_field_is_the_formula_and_the_measurement():
    assert cnn.receptive_field() == 78
    assert cnn._measured_receptive_field(cnn._STACK) == 78
    assert cnn._measured_receptive_field(cnn._STACK[:7]) == 38  # the notebook's stack


def test_tiny_cnn_parameters_matches_torch():
    assert cnn.tiny_cnn_parameters() == 8 * 12 + 8 + 2 * 8 + 2 == 122


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("receptive_field", 54, "left out the pooling"),
        ("receptive_field", 62, "doubles the jump"),
        ("receptive_field", 40, "too small"),
        ("tiny_cnn_parameters", 112, "biases"),
        ("tiny_cnn_parameters", 1000, "one number per kernel"),
        ("constant_tagger_roc_auc", 0.0, "tie"),
        ("constant_tagger_roc_auc", 0.2, "probability"),
        ("constant_tagger_pr_auc", 0.5, "chance for the ROC-AUC"),
        ("constant_tagger_pr_auc", 1.0, "recall 1"),
    ],
)
def test_wrong_answers_get_a_one_line_hint(name, answer, hint, capsys):
    assert check(name, answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and hint in out and out.count("\n") == 1


@pytest.mark.parametrize("name", [ex.name for ex in cnn.EXERCISES])
def test_missing_or_mistyped_answer_gets_a_message(name, capsys):
    assert check(name, ...) is False
    assert capsys.readouterr().out.startswith("No answer yet.")
    assert check(name, "78") is False
    assert capsys.readouterr().out.startswith("Not checked.")
