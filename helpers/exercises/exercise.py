"""What an exercise is: a reference solution and a checker, under a name.

Introduced in ``01_background``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Exercise"]


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook.

    Introduced in ``01_background``.

    Parameters
    ----------
    name : str
        What the reader passes to :func:`helpers.exercises.check`, e.g.
        ``"stft_frames"``.
    solution : callable, () -> answer
        The reference solution: a plain function a reader can read, fast (about
        a second), offline, returning the right answer. CI runs it through
        ``checker``.
    checker : callable, (answer) -> (bool, str)
        Decides whether an answer (already of type ``expects``) is right, with
        a tolerance where the answer is a measured number
        (``math.isclose(answer, measured, rel_tol=0.05)``). Returns ``(True,
        why)`` or ``(False, hint)``; the message is one sentence or two.
    expects : type or tuple of types
        What an answer must be an instance of (``numbers.Integral``,
        ``numbers.Real``, ``str`` ...). ``bool`` is refused unless it is
        ``bool`` itself.
    answer : str
        ``expects`` in words, for the message a wrongly typed answer gets:
        ``"a whole number of frames (an int)"``.
    """

    name: str
    solution: Callable[[], Any]
    checker: Callable[[Any], tuple[bool, str]]
    expects: type | tuple[type, ...]
    answer: str
