"""helpers.exercises.audio_representations: notebook 02's exercises, their hints
and outcomes. The reference runs of the experiments are also run, with the other
notebooks', by tests/test_exercises.py; here each experiment is also run
unchanged, to show that the change is what makes its outcome."""

import pytest

from helpers.exercises import EXERCISES, check
from helpers.exercises import audio_representations as ex

NAMES = ["stft_frames", "alias_frequency", "two_tone_window", "equal_loudness",
         "raw_db_learning_rate", "more_mfccs"]
EXPERIMENTS = NAMES[3:]


def test_every_exercise_of_notebook_02_is_registered():
    assert [e.name for e in ex.EXERCISES] == NAMES
    for name, exercise in zip(NAMES, ex.EXERCISES, strict=True):
        assert EXERCISES[name] is exercise
    assert [e.name for e in ex.EXERCISES if e.kind == "experiment"] == EXPERIMENTS


@pytest.mark.parametrize(
    "name, answer, hint",
    [
        ("alias_frequency", 15_000, "above SR / 2"),
        ("alias_frequency", 15_000 - 11_025, "mirror at SR / 2"),
        ("alias_frequency", 5000, "mirror around it"),
        ("two_tone_window", 1024, "less than the 2 bins"),
        ("two_tone_window", 4096, "shorter window also does"),
        ("two_tone_window", 300, "choose one of"),
    ],
)
def test_wrong_answer_gets_a_hint(name, answer, hint, capsys):
    assert check(name, answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and hint in out
    assert out.count("\n") == 1


def test_the_two_tone_hint_leads_to_the_answer():
    """The markdown's rule (more than about 2 bins apart) gives the checker's answer."""
    gap, windows = 466.16 - 440, ex.WINDOWS
    by_rule = min(n for n in windows if gap * n / ex.SR > 2)
    assert by_rule == ex.two_tone_window() == 2048


@pytest.mark.parametrize(
    "outcome_of, value, outcome",
    [
        (ex.loudness_outcome, 0.21, "decibels ahead"),
        (ex.loudness_outcome, 0.05, "about the same"),
        (ex.loudness_outcome, -0.02, "about the same"),
        (ex.loudness_outcome, -0.1, "linear power ahead"),
        (ex.raw_db_outcome, 0.5, "at chance"),
        (ex.raw_db_outcome, 0.7, "learns, below per band"),
        (ex.raw_db_outcome, 0.85, "as good as per band"),
        (ex.reconstruction_outcome, 0.75, "lower"),
        (ex.reconstruction_outcome, 0.95, "about the same"),
        (ex.reconstruction_outcome, 1.1, "higher"),
    ],
)
def test_outcome_thresholds(outcome_of, value, outcome):
    assert outcome_of(value) == outcome


@pytest.mark.parametrize(
    "name, unchanged, outcome",
    [
        ("equal_loudness", {"loudness_db": 40.0}, "decibels ahead"),
        ("raw_db_learning_rate", {"lr": 0.05}, "at chance"),
        ("more_mfccs", {"n_mfcc": 20}, "about the same"),
    ],
)
def test_without_the_change_the_experiment_shows_another_outcome(
        name, unchanged, outcome, one_torch_thread):
    exercise = EXERCISES[name]
    assert outcome != exercise.expected
    assert exercise.outcome_of(exercise.solution(**unchanged)) == outcome


def test_experiment_without_observation_says_what_to_run(capsys):
    assert check("equal_loudness", "about the same") is False
    out = capsys.readouterr().out
    assert out.startswith("Prediction noted") and "loudness_db=0" in out


def test_experiment_wrong_prediction_gets_the_hint(capsys):
    assert check("more_mfccs", "higher", observed=0.75) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet.") and EXERCISES["more_mfccs"].hint in out
