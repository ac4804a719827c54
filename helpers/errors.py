"""The project's exception types (introduced in ``03_cnn``, which catches one).

Every helper validates its input at the boundary and raises one of these with a
message that names the argument, the value received and what was expected.
"""

from __future__ import annotations

__all__ = [
    "ParameterError",
    "AudioFileError",
    "DatasetError",
    "TrainingError",
    "ClaimError",
]


class ParameterError(ValueError):
    """An argument has the wrong type, shape, dtype or value.

    Subclasses :class:`ValueError` so that generic ``except ValueError`` code
    still catches it.
    """


class AudioFileError(ParameterError):
    """An audio file is missing, unreadable or corrupt."""


class DatasetError(RuntimeError):
    """A dataset is missing, incomplete or fails its integrity check."""


class TrainingError(RuntimeError):
    """Training cannot go on: a NaN loss, out of memory, tensors on two devices."""


class ClaimError(AssertionError):
    """A claim that a notebook makes did not hold when checked."""
