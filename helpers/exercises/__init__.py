"""Exercises with a checker and a reference solution you can reveal.

A notebook section may end with an exercise: the reader predicts, computes and
calls :func:`check`; :func:`solution` shows the reference solution's code.

>>> from helpers import exercises
>>> correct = exercises.check("stft_frames", 129)  # doctest: +SKIP
Not yet. stft_frames: that counts the hops in 3 s. With center=True ...
>>> exercises.solution("stft_frames")  # doctest: +SKIP

Each notebook's exercises live in a module named like it
(:mod:`helpers.exercises.audio_representations`): a reference solution (a plain
function), a checker and an :class:`~helpers.exercises.exercise.Exercise`
entry in that module's ``EXERCISES``, collected below. ``tests/test_exercises.py``
runs every reference solution through its checker, so an exercise that stops
being solvable fails CI. Introduced in ``01_background``.
"""

from __future__ import annotations

import inspect

from ..validate import one_of
from . import audio_representations, background, cnn, rnn
from .exercise import Exercise

__all__ = ["EXERCISES", "Exercise", "check", "solution"]

#: Every exercise by name, from every notebook's module.
EXERCISES: dict[str, Exercise] = {
    ex.name: ex
    for module in (background, audio_representations, cnn, rnn)
    for ex in module.EXERCISES
}


def check(name: str, answer) -> bool:
    """Say whether ``answer`` is right, and if not, give a hint.

    Prints a one-line verdict. A missing answer (``...`` or ``None``) or one of
    the wrong type gets a message saying what is expected, not a traceback.
    Introduced in ``01_background``.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"stft_frames"``.
    answer : object
        The reader's answer; what type each exercise expects is in its message.

    Returns
    -------
    bool
        True if the answer is right.

    Raises
    ------
    ParameterError
        If ``name`` is not an exercise (the message lists those there are).
    """
    ex = EXERCISES[one_of(name, "name", tuple(EXERCISES))]
    if answer is None or answer is Ellipsis:
        missing = "..." if answer is Ellipsis else "None"
        print(f"No answer yet. {name}: replace {missing} with {ex.answer}.")
        return False
    if not isinstance(answer, ex.expects) or (
        isinstance(answer, bool) and ex.expects is not bool
    ):
        print(
            f"Not checked. {name}: the answer should be {ex.answer}, got "
            f"{answer!r} of type {type(answer).__name__}."
        )
        return False
    right, message = ex.checker(answer)
    print(f"{'Right!' if right else 'Not yet.'} {name}: {message}")
    return right


class _Shown(str):
    """The source, already shown by :func:`solution`: Jupyter does not echo it."""

    def _ipython_display_(self) -> None:
        pass


def solution(name: str) -> str:
    """Show the reference solution's code, and return it.

    In Jupyter the code is shown as a syntax-highlighted block (plain text in a
    static viewer that cannot render Markdown); elsewhere it is printed.
    Introduced in ``01_background``.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"stft_frames"``.

    Returns
    -------
    str
        The source code of the reference solution (a ``str`` that Jupyter does
        not echo a second time when it ends a cell).

    Raises
    ------
    ParameterError
        If ``name`` is not an exercise (the message lists those there are).
    """
    ex = EXERCISES[one_of(name, "name", tuple(EXERCISES))]
    source = inspect.getsource(ex.solution)
    from IPython import get_ipython  # None outside IPython

    if hasattr(get_ipython(), "kernel"):  # Jupyter (IPython in a terminal has none)
        from IPython.display import display

        bundle = {"text/markdown": f"```python\n{source}```", "text/plain": source}
        display(bundle, raw=True)
    else:
        print(source)
    return _Shown(source)
