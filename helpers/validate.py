"""One validator per kind of argument, and one atomic file write.

Every helper checks its arguments at the boundary with these, so that the same
mistake always gives the same message: the argument's name, the value received
and what was expected (:class:`~helpers.errors.ParameterError`). Used by every
module of the package; no notebook imports it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Real
from pathlib import Path

import numpy as np

from .errors import ParameterError

__all__ = ["positive_int", "positive_number", "one_of", "atomic_write"]


def positive_int(value, name: str, *, allow_none: bool = False) -> int | None:
    """``value`` as an ``int`` if it is an integer > 0 (``bool`` is not).

    Raises
    ------
    ParameterError
        Naming ``name``, the value and its type.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        none = " or None" if allow_none else ""
        raise ParameterError(
            f"{name} must be a positive int{none}, got {value!r} "
            f"of type {type(value).__name__}"
        )
    if value <= 0:
        raise ParameterError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def positive_number(value, name: str, *, unit: str = "") -> float:
    """``value`` as a ``float`` if it is a finite real number > 0.

    ``unit`` (``"Hz"``, ``"seconds"``) only words the message.
    """
    what = f"a positive number of {unit}" if unit else "a positive number"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(
            f"{name} must be {what}, got {value!r} of type {type(value).__name__}"
        )
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name} must be {what}, got {value!r}")
    return float(value)


def one_of(value, name: str, choices):
    """``value`` if it is one of ``choices``, else a message listing them."""
    if value not in choices:
        raise ParameterError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


@contextmanager
def atomic_write(path) -> Iterator[Path]:
    """Write a file so that readers see the old file or the new one, never half.

    Yields a temporary path next to ``path`` (``.NAME.PID.tmp``, in the same
    folder so the final rename is atomic); write the whole file there. When the
    block ends without an error, the file is flushed to disk and renamed over
    ``path``; on an error (or a ``KeyboardInterrupt``) the temporary file is
    removed and ``path`` is untouched. Writers that infer the format from the
    extension (``soundfile``, ``np.save``) must be given it explicitly or a
    file object.

    Examples
    --------
    >>> with atomic_write("data/x.json") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
