"""Exercises with a checker and a reference solution you can reveal.

A notebook section may end with an exercise: the reader predicts, computes and
calls :func:`check`; :func:`solution` shows the reference solution's code.

>>> from helpers import exercises
>>> correct = exercises.check("stft_frames", 129)  # doctest: +SKIP
Not yet. stft_frames: that counts the hops in 3 s. With center=True ...
>>> exercises.solution("stft_frames")  # doctest: +SKIP

An experiment exercise (``kind="experiment"``) asks the reader to change one
value in a cell, predict one of a few named outcomes, run it, and pass what the
run measured:

>>> correct = exercises.check("forget_gate_default", "at chance",
...                           observed=0.27)  # doctest: +SKIP
Right! forget_gate_default: your run shows 'at chance' (0.27), as you ...

Each notebook's exercises live in a module named like it
(:mod:`helpers.exercises.audio_representations`): a reference solution (a plain
function), a checker (or, for an experiment, the outcomes and a function that
reads the outcome off a measurement) and an
:class:`~helpers.exercises.exercise.Exercise` entry in that module's
``EXERCISES``, collected below. ``tests/test_exercises.py`` runs every reference
solution through its checker, and every experiment's reference run checking
that it still shows the expected outcome, so an exercise that stops being
solvable fails CI. Introduced in ``01_background``.
"""

from __future__ import annotations

import inspect
import math
from numbers import Integral, Real

from ..errors import ParameterError
from ..validate import one_of
from . import audio_representations, background, cnn, rnn
from .exercise import KINDS, Exercise

__all__ = ["EXERCISES", "Exercise", "KINDS", "check", "solution"]

#: Every exercise by name, from every notebook's module.
EXERCISES: dict[str, Exercise] = {
    ex.name: ex
    for module in (background, audio_representations, cnn, rnn)
    for ex in module.EXERCISES
}


_NOT_GIVEN = object()


def check(name: str, answer, *, observed=_NOT_GIVEN) -> bool:
    """Say whether ``answer`` is right, and if not, give a hint.

    Prints a one-line verdict. A missing answer (``...`` or ``None``) or one of
    the wrong type gets a message saying what is expected, not a traceback.
    Introduced in ``01_background``.

    For an experiment exercise (``kind="experiment"``, first in ``01_background``),
    ``answer`` is the reader's prediction, one of the exercise's named
    outcomes, and ``observed`` what the reader's own changed run measured:
    ``exercises.check("forget_gate_default", "at chance", observed=0.27)``.
    Without ``observed`` it says which change to make and what to pass; a
    prediction that is not one of the outcomes gets a message listing them; a
    wrong prediction gets a hint of what to look at.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"stft_frames"``.
    answer : object
        The reader's answer, or prediction (a ``str``) for an experiment; what
        each exercise expects is in its message.
    observed : object, optional
        Experiments only: the measurement of the changed run (what type, the
        exercise's message says).

    Returns
    -------
    bool
        True if the answer is right, or the prediction held.

    Raises
    ------
    ParameterError
        If ``name`` is not an exercise (the message lists those there are), or
        ``observed`` is passed to a compute exercise.
    """
    ex = EXERCISES[one_of(name, "name", tuple(EXERCISES))]
    if ex.kind == "experiment":
        return _check_experiment(ex, answer, observed)
    if observed is not _NOT_GIVEN:
        raise ParameterError(
            f"observed is for experiment exercises; {name!r} is a compute exercise: "
            f"call exercises.check({name!r}, answer)"
        )
    if answer is None or answer is Ellipsis:
        missing = "..." if answer is Ellipsis else "None"
        print(f"No answer yet. {name}: replace {missing} with {ex.answer}.")
        return False
    if not _is_a(answer, ex.expects):
        print(
            f"Not checked. {name}: the answer should be {ex.answer}, got "
            f"{answer!r} of type {type(answer).__name__}."
        )
        return False
    right, message = ex.checker(answer)
    print(f"{'Right!' if right else 'Not yet.'} {name}: {message}")
    return right


def _is_a(value, expects) -> bool:
    """``isinstance``, except that ``bool`` is not a number here."""
    return isinstance(value, expects) and (
        not isinstance(value, bool) or expects is bool
    )


def _listed(outcomes) -> str:
    quoted = [repr(o) for o in outcomes]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _shown(value) -> str:
    return f"{value:.3g}" if isinstance(value, Real) and not isinstance(
        value, Integral) else repr(value)


def _check_experiment(ex: Exercise, prediction, observed) -> bool:
    """The verdict of an experiment exercise (see :func:`check`)."""
    name, choices = ex.name, _listed(ex.outcomes)
    if prediction is None or prediction is Ellipsis:
        missing = "..." if prediction is Ellipsis else "None"
        print(f"No prediction yet. {name}: replace {missing} with {choices}, "
              "before you run the changed experiment.")
        return False
    if not isinstance(prediction, str) or (
        prediction.strip().lower() not in ex.outcomes
    ):
        print(f"Not checked. {name}: the prediction should be one of {choices} "
              f"(a str), got {prediction!r} of type {type(prediction).__name__}.")
        return False
    prediction = prediction.strip().lower()
    if observed is _NOT_GIVEN or observed is None or observed is Ellipsis:
        print(f"Prediction noted: {prediction!r}. {name}: now {ex.edit}; then call "
              f"exercises.check({name!r}, prediction, observed=...) with "
              f"{ex.answer}.")
        return False
    if not _is_a(observed, ex.expects) or (
        isinstance(observed, Real) and not math.isfinite(observed)
    ):
        print(f"Not checked. {name}: observed should be {ex.answer}, got "
              f"{observed!r} of type {type(observed).__name__}.")
        return False
    outcome = ex.outcome_of(observed)
    shows = f"your run shows {outcome!r} ({_shown(observed)})"
    if outcome != ex.expected:  # unusual for the changed run: was the change made?
        verdict = "Right about your run, but" if prediction == outcome else "Not yet."
        print(f"{verdict} {name}: you predicted {prediction!r} and {shows}, which "
              f"runs with the change rarely show: did you {ex.edit}? If you did, "
              "try another seed.")
        return prediction == outcome
    if prediction != outcome:
        print(f"Not yet. {name}: you predicted {prediction!r}, but {shows}. "
              f"{ex.hint}")
        return False
    print(f"Right! {name}: {shows}, as you predicted. {ex.why}")
    return True


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
