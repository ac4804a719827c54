"""Figures of sequences and of sequence models' results (introduced in ``04_rnn``).

Like :mod:`helpers.plotting`: ``ax=None`` in, ``fig, ax`` out, axes labelled
with units, no ``plt.show()``: chord classes per frame against time
(:func:`plot_chord_frames`) and event times as vertical lines
(:func:`mark_times`). Curves and bars of scores are
:func:`helpers.plotting.plot_curves` and :func:`helpers.plotting.plot_bars`.
"""

from __future__ import annotations

import numpy as np

from .config import HOP_LENGTH, SR
from .plotting import new_axes

__all__ = ["plot_chord_frames", "mark_times"]


def plot_chord_frames(rows, names, *, seconds: float | None = None, ax=None,
                      title=None, sr: int = SR, hop_length: int = HOP_LENGTH):
    """Chord class per frame against time, one colour per row (reference first).

    Introduced in ``04_rnn``. The first row is drawn as large pale dots, the others
    as small dots on top, so a prediction that follows the reference hides it.
    The legend sits beside the axes, where it hides no frame.

    Parameters
    ----------
    rows : dict of str -> array-like [shape=(frames,)], int
        Class ids per frame, by label.
    names : sequence of str
        Label of each class id (the y axis).
    seconds : float or None
        Draw only the first ``seconds``.
    ax : matplotlib.axes.Axes or None
    sr, hop_length : int
        Frame rate of the ids.

    Returns
    -------
    fig, ax
    """
    fig, ax = new_axes(ax, figsize=(12, 5))
    for k, (label, ids) in enumerate(rows.items()):
        ids = np.asarray(ids)
        t = np.arange(len(ids)) * hop_length / sr
        keep = t <= (seconds if seconds is not None else np.inf)
        ax.scatter(t[keep], ids[keep], s=4 if k else 18, label=label, color=f"C{k}",
                   alpha=0.8 if k else 0.35)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set(xlabel="time (s)", ylabel="chord")
    # beside the axes, not over the data; large markers, the dots are tiny
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small",
              markerscale=2)
    if title:
        ax.set_title(title)
    return fig, ax


def mark_times(ax, times, *, color: str = "C3", until: float | None = None,
               **kwargs):
    """Vertical lines at event times (onsets, chord changes), in seconds.

    Introduced in ``04_rnn``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    times : array-like [shape=(n,)]
        Seconds.
    color : str
    until : float or None
        Mark only times before this.
    **kwargs
        Passed to ``ax.axvline`` (default: thin, half transparent).

    Returns
    -------
    fig, ax
    """
    times = np.asarray(times, dtype=float)
    if until is not None:
        times = times[times < until]
    for t in times:
        ax.axvline(t, color=color, **({"lw": 0.6, "alpha": 0.5} | kwargs))
    return ax.figure, ax
