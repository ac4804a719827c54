"""helpers.exercises.cnn: the reference solutions, and the hints wrong answers get."""

import pytest

from helpers.exercises import EXERCISES, check, cnn

COMPUTE = [ex for ex in cnn.EXERCISES if ex.kind == "compute"]


def test_notebook_03_has_four_exercises_two_of_them_experiments():
    names = {ex.name for ex in cnn.EXERCISES}
    assert len(names) >= 4 and names <= set(EXERCISES)
    assert sum(ex.kind == "experiment" for ex in cnn.EXERCISES) >= 2


@pytest.mark.parametrize("ex", COMPUTE, ids=lambda ex: ex.name)
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


@pytest.mark.parametrize("name", [ex.name for ex in COMPUTE])
def test_missing_or_mistyped_answer_gets_a_message(name, capsys):
    assert check(name, ...) is False
    assert capsys.readouterr().out.startswith("No answer yet.")
    assert check(name, "78") is False
    assert capsys.readouterr().out.startswith("Not checked.")


@pytest.mark.parametrize(
    "outcome_of, value, outcome",
    [
        (cnn.tempo_outcome, 0.5, "at chance"),
        (cnn.tempo_outcome, 0.8, "in between"),
        (cnn.tempo_outcome, 1.0, "as high"),
        (cnn.transposed_outcome, 0.45, "at chance"),
        (cnn.transposed_outcome, 0.75, "in between"),
        (cnn.transposed_outcome, 0.95, "as high as global max"),
    ],
)
def test_experiment_outcomes_read_off_a_measurement(outcome_of, value, outcome):
    assert outcome_of(value) == outcome


def test_without_the_change_the_experiments_show_another_outcome(one_torch_thread):
    """The notebook's own settings: the change is what makes the expected outcome."""
    assert cnn.tempo_outcome(cnn.short_wide_kernel(16)) == "as high"
    assert cnn.transposed_outcome(cnn.transposed_copies((0,))) == "at chance"
