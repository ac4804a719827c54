"""One validator per kind of argument, and one atomic file write.

Every helper checks its arguments at the boundary with these, so that the same
mistake always gives the same message: the argument's name, the value received
and what was expected (:class:`~helpers.errors.ParameterError`). Used by every
module of the package; no notebook imports it.

- :func:`positive_int`, :func:`integer`, :func:`integers`,
  :func:`positive_number`, :func:`number_in`, :func:`one_of`: numbers and
  choices;
- :func:`sample_rate`: a sample rate in Hz (the one validator of ``sr``);
- :func:`audio_signal`: a floating-point signal without NaN;
- :func:`frame_args`: ``n_fft`` and ``hop_length`` for a signal of ``n`` samples.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from .errors import ParameterError

__all__ = [
    "positive_int", "integer", "integers", "positive_number", "number_in", "one_of",
    "sample_rate", "audio_signal", "frame_args", "atomic_write",
]  # fmt: skip


def _is_int(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def positive_int(value, name: str, *, allow_none: bool = False) -> int | None:
    """``value`` as an ``int`` if it is an integer > 0 (``bool`` is not).

    Raises
    ------
    ParameterError
        Naming ``name``, the value and its type.
    """
    if value is None and allow_none:
        return None
    if not _is_int(value):
        none = " or None" if allow_none else ""
        raise ParameterError(
            f"{name} must be a positive int{none}, got {value!r} "
            f"of type {type(value).__name__}"
        )
    if value <= 0:
        raise ParameterError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _bounds(low, high) -> str:
    """``" in [low, high]"``, ``" >= low"``, ``" <= high"`` or ``""``, for messages."""
    return (f" in [{low}, {high}]" if low is not None and high is not None
            else f" >= {low}" if low is not None
            else f" <= {high}" if high is not None else "")


def integer(value, name: str, *, low: int | None = None, high: int | None = None,
            what: str = "an int") -> int:
    """``value`` as an ``int`` if it is an integer in ``[low, high]`` (either end
    open when ``None``); a float such as ``1.5``, or ``1.0``, is refused.

    ``what`` words the message (``"a MIDI program"``).
    """
    bounds = _bounds(low, high)
    if not _is_int(value):
        raise ParameterError(
            f"{name} must be {what}{bounds}, got {value!r} of type "
            f"{type(value).__name__}"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ParameterError(f"{name} must be {what}{bounds}, got {value!r}")
    return int(value)


def integers(values, name: str, *, low: int | None = None, high: int | None = None,
             what: str = "an int") -> list[int]:
    """``values`` as a non-empty ``list`` of ``int``, each checked by :func:`integer`
    (``programs=[4, 11]``); a single number, a str or a mapping is refused.

    ``what`` words the message, for one element (``"a General MIDI program"``);
    a bad element is named by its position (``programs[1] must be ...``).
    """
    expected = f"{name} must be a non-empty list, each {what}{_bounds(low, high)}"
    if isinstance(values, (str, bytes, Mapping)):
        raise ParameterError(f"{expected}, got {values!r}")
    try:
        items = list(values)
    except TypeError:  # a number, or a 0-d array
        raise ParameterError(f"{expected}, got {values!r}") from None
    if not items:
        raise ParameterError(f"{expected}, got an empty {type(values).__name__}")
    return [integer(v, f"{name}[{k}]", low=low, high=high, what=what)
            for k, v in enumerate(items)]


def positive_number(value, name: str, *, unit: str = "") -> float:
    """``value`` as a ``float`` if it is a finite real number > 0.

    ``unit`` (``"Hz"``, ``"seconds"``) only words the message.
    """
    what = f"a positive number of {unit}" if unit else "a positive number"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ParameterError(
            f"{name} must be {what}, got {value!r} of type {type(value).__name__}"
        )
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name} must be {what}, got {value!r}")
    return float(value)


def number_in(value, name: str, low: float, high: float, *, what: str = "a number"
              ) -> float:
    """``value`` as a ``float`` if it is a real number in ``[low, high]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ParameterError(
            f"{name} must be {what} in [{low}, {high}], got {value!r} of type "
            f"{type(value).__name__}"
        )
    if not low <= value <= high:  # NaN fails too
        raise ParameterError(f"{name} must be {what} in [{low}, {high}], got {value!r}")
    return float(value)


def one_of(value, name: str, choices):
    """``value`` if it is one of ``choices``, else a message listing them."""
    if isinstance(value, (bool, np.bool_)) and not any(
        isinstance(c, (bool, np.bool_)) for c in choices
    ):  # True == 1: a bool never stands in for a choice that is not one
        raise ParameterError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    try:
        found = value in choices
    except TypeError:  # an unhashable value looked up in a dict or a set
        found = False
    if not found:
        raise ParameterError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def sample_rate(sr, name: str = "sr") -> int:
    """``sr`` as an ``int`` if it is a positive whole number of Hz.

    The one validator of a sample rate: ``22050`` and ``22050.0`` both give
    ``22050`` (librosa returns rates as either); ``22050.5``, ``0``, ``-1``,
    ``True`` and ``"22050"`` are refused.
    """
    value = positive_number(sr, name, unit="Hz")
    if value != int(value):
        raise ParameterError(f"{name} must be a whole number of Hz, got {sr!r}")
    return int(value)


def audio_signal(y, *, mono: bool = True, min_samples: int = 1,
                 name: str = "y") -> np.ndarray:
    """Check that ``y`` is a usable audio signal and return it unchanged.

    Every helper that takes audio calls this first, so that bad input
    (integers, NaN, empty or stereo signals) fails early with a message that
    says what was expected, not deep inside librosa.

    Parameters
    ----------
    y : np.ndarray [shape=(n,) or (..., n)], floating point
        The signal, with samples in the last axis.
    mono : bool
        Require a one-dimensional signal.
    min_samples : int
        The fewest samples accepted (e.g. ``n_fft`` for a spectrogram).
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    y : np.ndarray
        The same array.

    Raises
    ------
    ParameterError
        If ``y`` is not a floating-point NumPy array, has the wrong number of
        dimensions, is shorter than ``min_samples`` or holds NaN or infinity.
    """
    if not isinstance(y, np.ndarray):
        kind = type(y).__name__
        hint = " (call .cpu().numpy() on a tensor)" if kind == "Tensor" else ""
        raise ParameterError(f"{name} must be a numpy.ndarray, got {kind}{hint}")
    if not np.issubdtype(y.dtype, np.floating):
        raise ParameterError(
            f"{name} must hold floating-point samples in [-1, 1], got dtype "
            f"{y.dtype}; convert integer PCM with y.astype(np.float32) / 32768"
        )
    if mono and y.ndim != 1:
        hint = " (average the channels: y.mean(axis=0))" if y.ndim == 2 else ""
        raise ParameterError(
            f"{name} must be mono, shape (n_samples,), got shape {y.shape}{hint}"
        )
    if y.ndim == 0:
        raise ParameterError(f"{name} must have at least one dimension, got a scalar")
    if y.shape[-1] == 0:
        raise ParameterError(f"{name} is empty: shape {y.shape}, expected samples")
    if y.shape[-1] < min_samples:
        raise ParameterError(
            f"{name} is too short: {y.shape[-1]} samples, expected at least "
            f"{min_samples}"
        )
    if not np.all(np.isfinite(y)):
        bad = int(np.size(y) - np.count_nonzero(np.isfinite(y)))
        raise ParameterError(
            f"{name} holds {bad} NaN or infinite samples; expected finite samples "
            "(check where the signal comes from, or clean it with np.nan_to_num)"
        )
    return y


def frame_args(n_samples: int, n_fft, hop_length) -> tuple[int, int]:
    """``(n_fft, hop_length)`` as ints if they frame a signal of ``n_samples``.

    Used by the librosa reference (:mod:`helpers.features`) and the PyTorch
    path (:mod:`helpers.torch_features`) alike.

    Raises
    ------
    ParameterError
        If either is not a positive int, or ``n_fft`` exceeds the signal.
    """
    n_fft = positive_int(n_fft, "n_fft")
    hop_length = positive_int(hop_length, "hop_length")
    if n_fft > n_samples:
        raise ParameterError(
            f"n_fft={n_fft} is larger than the signal ({n_samples} samples); "
            f"use a smaller n_fft or a signal of at least {n_fft} samples"
        )
    return n_fft, hop_length


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
