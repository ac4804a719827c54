"""Assertions for the claims a notebook makes (introduced in ``01_background``).

When the prose says "ReLU trains faster than sigmoid", the cell below it runs
the experiment and calls one of these. A claim that stops holding raises
:class:`~helpers.errors.ClaimError`, so the headless run and CI fail. A claim
that holds prints one line starting with ``CHECK_MARK``; the notebook runner
collects those lines into its summary.

Checks take ranges and orderings, never exact floats.
"""

from __future__ import annotations

import math

from .errors import ClaimError

__all__ = ["CHECK_MARK", "check", "check_range", "check_greater"]

#: Prefix of the line printed by a claim that holds.
CHECK_MARK = "✔ check:"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def check(claim: str, ok: bool, detail: str = "") -> bool:
    """Assert that ``ok`` holds for the sentence ``claim``, and print it.

    Introduced in ``01_background``, like :func:`check_range` and
    :func:`check_greater`, which call it.

    Parameters
    ----------
    claim : str
        The claim in words, e.g. ``"log compression beats linear magnitude"``.
    ok : bool
        Whether the claim held.
    detail : str
        The measured numbers behind it, shown on success and failure.
    """
    suffix = f" ({detail})" if detail else ""
    if not bool(ok):
        raise ClaimError(f"claim failed: {claim}{suffix}")
    print(f"{CHECK_MARK} {claim}{suffix}")
    return True


def check_range(name: str, value, low=None, high=None) -> float:
    """Assert ``low <= value <= high`` (either bound may be ``None``).

    Introduced in ``01_background``. Returns the value, so a notebook can write
    ``acc = check_range("test accuracy", acc, low=0.8)``.
    """
    v = float(value)
    ok = not math.isnan(v)
    ok = ok and (low is None or v >= low) and (high is None or v <= high)
    bounds = f"[{'-inf' if low is None else _fmt(low)}, "
    bounds += f"{'inf' if high is None else _fmt(high)}]"
    check(f"{name} = {_fmt(v)} in {bounds}", ok)
    return value


def check_greater(name_a: str, a, name_b: str, b, margin: float = 0.0) -> bool:
    """Assert ``a > b + margin``: an ordering between two measured numbers.

    Introduced in ``01_background``."""
    a, b = float(a), float(b)
    claim = f"{name_a} > {name_b}" + (f" + {_fmt(margin)}" if margin else "")
    return check(claim, a > b + margin, f"{_fmt(a)} vs {_fmt(b)}")
