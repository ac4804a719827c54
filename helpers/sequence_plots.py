"""Figures of sequences and of sequence models' results (introduced in ``04_rnn``).

Like :mod:`helpers.plotting`: ``ax=None`` in, ``fig, ax`` out, axes labelled
with units, no ``plt.show()``. Curves against frames or lags
(:func:`plot_lines`), grouped bars of scores (:func:`plot_bars`), chord classes
per frame against time (:func:`plot_chord_frames`) and event times as vertical
lines (:func:`mark_times`).
"""

from __future__ import annotations

import numpy as np

from .config import HOP_LENGTH, SR
from .errors import ParameterError
from .plotting import new_axes

__all__ = ["plot_lines", "plot_bars", "plot_chord_frames", "mark_times"]


def plot_lines(curves, *, x=None, ax=None, xlabel: str = "frame", ylabel: str = "",
               title=None, logy: bool = False, floor: float | None = None,
               ylim=None):
    """One line per named curve, with a legend.

    Introduced in ``04_rnn`` (gradients against lag, losses against steps,
    gates against frames).

    Parameters
    ----------
    curves : dict of str -> array-like [shape=(n,)]
        The curves, by label.
    x : array-like [shape=(n,)] or None
        Shared x values; ``None``: 0, 1, 2, ...
    ax : matplotlib.axes.Axes or None
    xlabel, ylabel, title : str
        Labels, with units.
    logy : bool
        Logarithmic y axis.
    floor : float or None
        With ``logy``: values below it (zeros, underflow) are drawn at it.
    ylim : (float, float) or None

    Returns
    -------
    fig, ax
    """
    if not curves:
        raise ParameterError("curves must hold at least one named curve")
    fig, ax = new_axes(ax)
    for label, y in curves.items():
        y = np.asarray(y, dtype=float)
        if floor is not None:
            y = np.maximum(y, floor)
        ax.plot(np.arange(len(y)) if x is None else x, y, label=str(label))
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    return fig, ax


def plot_bars(table, *, ax=None, ylabel: str = "", title=None, ylim=None):
    """Grouped bars: one group per row of ``table``, one colour per column.

    Introduced in ``04_rnn`` (each method's chord accuracy on two test sets).

    Parameters
    ----------
    table : dict of str -> dict of str -> float
        ``table[method][column]``; every method has the same columns.
    ax : matplotlib.axes.Axes or None
    ylabel, title : str
    ylim : (float, float) or None

    Returns
    -------
    fig, ax
    """
    rows = list(table)
    if not rows:
        raise ParameterError("table must hold at least one row")
    columns = list(table[rows[0]])
    fig, ax = new_axes(ax, figsize=(max(6, 1.1 * len(rows)), 3.2))
    width = 0.8 / len(columns)
    for j, column in enumerate(columns):
        values = [table[row][column] for row in rows]
        ax.bar(np.arange(len(rows)) + (j - (len(columns) - 1) / 2) * width, values,
               width, label=column)
    ax.set_xticks(range(len(rows)), rows, rotation=20, ha="right")
    ax.set(ylabel=ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    return fig, ax


def plot_chord_frames(rows, names, *, seconds: float | None = None, ax=None,
                      title=None, sr: int = SR, hop_length: int = HOP_LENGTH):
    """Chord class per frame against time, one colour per row (reference first).

    Introduced in ``04_rnn``. The first row is drawn thick and pale, the others
    as small dots on top, so a prediction that follows the reference hides it.

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
    fig, ax = new_axes(ax, figsize=(12, 3.5))
    for k, (label, ids) in enumerate(rows.items()):
        ids = np.asarray(ids)
        t = np.arange(len(ids)) * hop_length / sr
        keep = t <= (seconds if seconds is not None else np.inf)
        ax.scatter(t[keep], ids[keep], s=4 if k else 18, label=label, color=f"C{k}",
                   alpha=0.8 if k else 0.35)
    ax.set_yticks(range(len(names)), names, fontsize=6)
    ax.set(xlabel="time (s)", ylabel="chord")
    ax.legend(loc="upper right", ncol=len(rows), fontsize="small")
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
