"""What an exercise is: a reference solution and a checker, under a name.

Two kinds (both introduced in ``01_background``):

- ``"compute"``: the reader computes a number (frames, parameters, a
  frequency); a checker says whether it is right.
- ``"experiment"``: the reader changes one value in a cell, predicts which of a
  few named outcomes the changed run will show, runs it, and passes the
  prediction and what the run measured; the exercise turns the measurement into
  an outcome and says whether the prediction held, and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError

__all__ = ["Exercise", "KINDS"]

#: The kinds of exercise.
KINDS = ("compute", "experiment")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook.

    Introduced in ``01_background``.

    Parameters
    ----------
    name : str
        What the reader passes to :func:`helpers.exercises.check`, e.g.
        ``"stft_frames"``.
    solution : callable, () -> answer or observation
        The reference solution: a plain function a reader can read, fast (a
        second or two), offline. For a compute exercise it returns the right
        answer, and CI runs it through ``checker``. For an experiment it runs
        the changed experiment on small data and returns what it measured, and
        CI checks that ``outcome_of`` of it is still ``expected``.
    checker : callable, (answer) -> (bool, str)
        Compute exercises: decides whether an answer (already of type
        ``expects``) is right, with a tolerance where the answer is a measured
        number (``math.isclose(answer, measured, rel_tol=0.05)``). Returns
        ``(True, why)`` or ``(False, hint)``; the message is one sentence or
        two. ``None`` for an experiment.
    expects : type or tuple of types
        What an answer (compute) or an observation (experiment) must be an
        instance of (``numbers.Integral``, ``numbers.Real``, ``str`` ...).
        ``bool`` is refused unless it is ``bool`` itself.
    answer : str
        ``expects`` in words, for the message a wrongly typed answer or
        observation gets: ``"a whole number of frames (an int)"``, ``"the
        best validation accuracy of the 4 epochs (a number)"``.
    kind : {"compute", "experiment"}
        See the module's docstring.
    outcomes : tuple of str
        Experiments: the outcomes a prediction chooses from, e.g. ``("as
        high", "lower", "at chance")``; lower case, each named in the
        exercise's markdown with what it means in numbers.
    outcome_of : callable, (observation) -> str
        Experiments: which of ``outcomes`` a measured observation shows.
    expected : str
        Experiments: the outcome the changed experiment shows (the reference
        solution's, in every mode and on every seed tried).
    edit : str
        Experiments: the change to make and how to run it, as an instruction
        that completes "Now ...": ``"set forget_bias = 0.0 in the cell below
        and run it"``.
    why : str
        Experiments: why the expected outcome happens, shown when the
        prediction held.
    hint : str
        Experiments: what to look at when the prediction did not hold (without
        giving the reason away).

    Raises
    ------
    ParameterError
        If ``kind`` is unknown, or the fields that kind needs are missing.
    """

    name: str
    solution: Callable[[], Any]
    checker: Callable[[Any], tuple[bool, str]] | None = None
    expects: type | tuple[type, ...] = object
    answer: str = ""
    kind: str = "compute"
    outcomes: tuple[str, ...] = ()
    outcome_of: Callable[[Any], str] | None = None
    expected: str = ""
    edit: str = ""
    why: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ParameterError(
                f"kind of exercise {self.name!r} must be one of {KINDS}, got "
                f"{self.kind!r}"
            )
        if not self.answer:
            raise ParameterError(
                f"exercise {self.name!r} needs answer: what the reader passes, in "
                "words"
            )
        if self.kind == "compute":
            if self.checker is None:
                raise ParameterError(
                    f"compute exercise {self.name!r} needs a checker: (answer) -> "
                    "(bool, str)"
                )
            return
        missing = [f for f in ("outcome_of", "expected", "edit", "why", "hint")
                   if not getattr(self, f)]
        if missing or len(self.outcomes) < 2:
            missing += ["outcomes (two or more)"] if len(self.outcomes) < 2 else []
            raise ParameterError(
                f"experiment exercise {self.name!r} needs {', '.join(missing)}"
            )
        if any(o != o.strip().lower() for o in self.outcomes):
            raise ParameterError(
                f"outcomes of {self.name!r} must be lower case without surrounding "
                f"spaces, got {self.outcomes}"
            )
        if self.expected not in self.outcomes:
            raise ParameterError(
                f"expected of {self.name!r} must be one of its outcomes "
                f"{self.outcomes}, got {self.expected!r}"
            )
