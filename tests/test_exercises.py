"""helpers.exercises: every reference solution passes its checker; the messages."""

import inspect
import math
from numbers import Real

import pytest

from helpers import exercises
from helpers.config import HOP_LENGTH, N_FFT, SR
from helpers.errors import ParameterError
from helpers.exercises import EXERCISES, Exercise, check, solution


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_reference_solution_passes_its_checker(name, capsys):
    ex = EXERCISES[name]
    answer = ex.solution()
    assert isinstance(answer, ex.expects)
    right, message = ex.checker(answer)
    assert right, f"the reference solution of {name!r} fails its checker: {message}"
    capsys.readouterr()
    assert check(name, answer) is True
    assert capsys.readouterr().out.startswith("Right!")


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
