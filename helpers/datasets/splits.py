"""Leakage-safe splits: every member of a group lands on the same side.

Segments of one recording, renderings of one piece, or recordings of one
singer are a *group*; splitting items at random puts near-copies on both sides
and inflates test scores. :func:`group_split` makes the splits of every
embedded dataset and of :meth:`~helpers.datasets.AudioFolder.split`;
``03_cnn`` points the reader to :func:`check_group_split` for their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..errors import ParameterError

__all__ = ["group_split", "check_group_split"]


def group_split(
    groups: Sequence,
    *,
    fractions=(0.7, 0.15, 0.15),
    names=("train", "valid", "test"),
    seed: int = 0,
) -> list[str]:
    """Assign each item to a split so that no group spans two splits.

    Groups are shuffled with ``seed``, then each goes to the split furthest
    below its target share of items, so that the shares come close to
    ``fractions`` even with few, unequal groups.

    Parameters
    ----------
    groups : sequence of hashable [length=n_items]
        The group key of every item (a piece, a source file, a speaker).
    fractions : sequence of float
        Target share of items per split; positive, summing to 1.
    names : sequence of str
        Split names, as many as ``fractions``.
    seed : int
        Seed of the shuffle.

    Returns
    -------
    splits : list of str [length=n_items]
        The split name of every item.

    Raises
    ------
    ParameterError
        If ``fractions`` and ``names`` differ in length, a fraction is not
        positive, they do not sum to 1, or there are fewer groups than splits.

    Examples
    --------
    >>> group_split(["a", "a", "b", "c"], fractions=(0.5, 0.5), names=("x", "y"))
    ['y', 'y', 'x', 'x']
    """
    fractions = [float(f) for f in fractions]
    names = list(names)
    if len(fractions) != len(names):
        raise ParameterError(
            f"fractions and names must have the same length, got {len(fractions)} "
            f"fractions and {len(names)} names"
        )
    if any(f <= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-6:
        raise ParameterError(
            f"fractions must be positive and sum to 1, got {tuple(fractions)}"
        )
    groups = list(groups)
    sizes = Counter(groups)
    if len(sizes) < len(names):
        raise ParameterError(
            f"groups holds {len(sizes)} distinct groups, expected at least "
            f"{len(names)} (one per split)"
        )
    unique = sorted(sizes, key=repr)
    order = np.random.default_rng(seed).permutation(len(unique))
    filled = np.zeros(len(names))
    target = np.array(fractions) * len(groups)
    assign = {}
    for rank, i in enumerate(order):
        g = unique[i]
        if rank < len(names):  # every split gets at least one group
            k = rank
        else:
            k = int(np.argmax(target - filled))
        assign[g] = names[k]
        filled[k] += sizes[g]
    return [assign[g] for g in groups]


def check_group_split(groups: Sequence, splits: Sequence) -> None:
    """Raise ``ParameterError`` if any group appears in more than one split.

    The check behind the "leakage-safe" guarantee of ``docs/datasets.md``: the
    tests run it on every dataset; run it on splits of your own data. Introduced
    in ``02_audio_representations``."""
    seen: dict = {}
    for g, s in zip(groups, splits, strict=False):
        if seen.setdefault(g, s) != s:
            raise ParameterError(f"group {g!r} is in both split {seen[g]!r} and {s!r}")
