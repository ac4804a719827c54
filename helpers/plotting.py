"""Figures that compose: ``ax=None`` in, ``fig, ax`` out, axes labelled with units.

Introduced in ``01_background`` (spectrograms, training curves); waveforms in
``02_audio_representations``, confusion matrices in ``03_cnn``. No function here
calls ``plt.show()``: the notebook decides when a figure is shown.
"""

from __future__ import annotations

import numpy as np

from .config import BINS_PER_OCTAVE, FMIN, HOP_LENGTH, SR
from .errors import ParameterError
from .validate import audio_signal, one_of, sample_rate

__all__ = [
    "new_axes", "plot_waveform", "plot_spectrogram", "plot_history",
    "plot_confusion_matrix", "plot_bars", "plot_curves",
]  # fmt: skip

#: Frequency-axis kinds accepted by :func:`plot_spectrogram`, with their labels.
Y_AXES = {
    "linear": "frequency (Hz)", "log": "frequency (Hz, log scale)",
    "mel": "frequency (Hz, mel scale)", "cqt_note": "pitch",
    "cqt_hz": "frequency (Hz, log scale)", "chroma": "pitch class",
    "mfcc": "MFCC coefficient", "bins": "bin",
}  # fmt: skip


def new_axes(ax=None, figsize=(8, 3)):
    """Return ``(fig, ax)``: ``ax``'s figure, or a new figure with one axes.

    Used by every function here and by :mod:`helpers.widgets`."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


def plot_waveform(y, sr: int = SR, *, ax=None, title=None, color="C0"):
    """Draw a waveform against time in seconds.

    Introduced in ``02_audio_representations``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    sr : int
        Sample rate in Hz.
    ax : matplotlib.axes.Axes or None

    Returns
    -------
    fig, ax
    """
    y = audio_signal(y)
    sr = sample_rate(sr)
    fig, ax = new_axes(ax)
    t = np.arange(len(y)) / sr
    ax.plot(t, y, color=color, linewidth=0.6)
    ax.set_xlim(0, t[-1] if len(t) > 1 else 1 / sr)
    ax.set(xlabel="time (s)", ylabel="amplitude")
    if title:
        ax.set_title(title)
    return fig, ax


def plot_spectrogram(S, *, sr: int = SR, hop_length: int = HOP_LENGTH,
                     y_axis: str = "linear", ax=None, title=None, colorbar: bool = True,
                     unit: str = "dB", fmin: float = FMIN,
                     bins_per_octave: int = BINS_PER_OCTAVE, cmap: str | None = None,
                     vmin: float | None = None, vmax: float | None = None):
    """Draw a time-frequency representation with correct axes.

    Introduced in ``01_background``.

    Parameters
    ----------
    S : np.ndarray [shape=(bins, t)]
        Usually already in dB (see :func:`helpers.features.to_db`).
    sr, hop_length : int
        Sample rate (Hz) and hop (samples): the time axis is in seconds.
    y_axis : str
        ``"linear"`` or ``"log"`` (Hz, STFT), ``"mel"`` (Hz on a mel scale),
        ``"cqt_note"`` or ``"cqt_hz"`` (CQT, note names or Hz), ``"chroma"``
        (pitch classes), ``"mfcc"`` or ``"bins"`` (coefficient index).
    ax : matplotlib.axes.Axes or None
    colorbar : bool
        Add a colour bar labelled with ``unit``.
    vmin, vmax : float or None
        The values at the two ends of the colour map (``None``: the data's
        minimum and maximum). Give several panels the same pair and one colour
        bar reads for all of them.

    Returns
    -------
    fig, ax
    """
    import librosa.display

    S = np.asarray(S)
    if S.ndim != 2 or 0 in S.shape:
        raise ParameterError(f"S must have shape (bins, frames), got {S.shape}")
    one_of(y_axis, "y_axis", Y_AXES)
    sr = sample_rate(sr)
    fig, ax = new_axes(ax)
    kwargs = {"sr": sr, "hop_length": hop_length, "ax": ax, "cmap": cmap,
              "vmin": vmin, "vmax": vmax}
    if y_axis.startswith("cqt"):
        kwargs |= {"fmin": fmin, "bins_per_octave": bins_per_octave}
    shown = None if y_axis in ("mfcc", "bins") else y_axis
    img = librosa.display.specshow(S, x_axis="s", y_axis=shown, **kwargs)
    ax.set(xlabel="time (s)", ylabel=Y_AXES[y_axis])
    if shown is None:  # coefficients or bins: whole numbers at the rows' centres
        rows = np.arange(0, S.shape[0], max(1, S.shape[0] // 5))
        ax.set_yticks(rows + 0.5, [str(r) for r in rows])
    if y_axis == "log":  # librosa draws it symlog, linear near 0 Hz: no "0" tick
        ax.set_yticks([f for f in ax.get_yticks() if f > 0])
    if colorbar:
        fig.colorbar(img, ax=ax, label=unit, pad=0.01)
    if title:
        ax.set_title(title)
    return fig, ax


def plot_history(history, *, ax=None, title=None):
    """Training curves: losses on the left axis, validation metrics on the right.

    Introduced in ``01_background``.

    Parameters
    ----------
    history : helpers.training.History
        Anything with ``train_loss`` and ``valid_loss`` lists, a
        ``valid_metrics`` dict of lists, and ``best_epoch`` (or ``None``).
    ax : matplotlib.axes.Axes or None

    Returns
    -------
    fig, ax
    """
    from matplotlib.ticker import MaxNLocator

    fig, ax = new_axes(ax, figsize=(7, 3))
    train = list(getattr(history, "train_loss", []))
    valid = list(getattr(history, "valid_loss", []))
    if not train and not valid:
        raise ParameterError("history has no losses to plot (train for an epoch)")
    if train:
        ax.plot(np.arange(1, len(train) + 1), train, "o-", label="train loss", ms=3)
    if valid:
        ax.plot(np.arange(1, len(valid) + 1), valid, "s-", label="valid loss", ms=3)
    ax.set(xlabel="epoch", ylabel="loss")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    handles, labels = ax.get_legend_handles_labels()
    metrics = dict(getattr(history, "valid_metrics", {}) or {})
    if metrics:
        ax2 = ax.twinx()
        for i, (name, values) in enumerate(metrics.items()):
            x = np.arange(1, len(values) + 1)
            ax2.plot(x, values, "--", color=f"C{i + 2}", label=f"valid {name}")
        ax2.set_ylabel(", ".join(f"valid {name}" for name in metrics))
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    best = getattr(history, "best_epoch", None)
    if best is not None:
        ax.axvline(best, color="0.5", linestyle=":", label="best epoch")
        handles.append(ax.lines[-1])
        labels.append("best epoch")
    # Beside the axes, not over them: the curves fill the whole box.
    ax.legend(handles, labels, loc="upper left",
              bbox_to_anchor=(1.2 if metrics else 1.01, 1), fontsize="small",
              borderaxespad=0)
    if title:
        ax.set_title(title)
    return fig, ax


#: What each ``normalize`` of :func:`plot_confusion_matrix` shows, as
#: :func:`helpers.metrics.confusion_matrix` reads the same values.
_NORMALIZE = {None: "count", "true": "fraction of true class",
              "pred": "fraction of predicted class", "all": "fraction of all"}


def plot_confusion_matrix(cm, class_names=None, *, ax=None,
                          normalize: str | None = "true", title=None):
    """Draw a confusion matrix: rows are true classes, columns predictions.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    cm : np.ndarray [shape=(n_classes, n_classes)], counts
    class_names : list of str or None
    normalize : {"true", "pred", "all", None}
        As in :func:`helpers.metrics.confusion_matrix`: each row as fractions of
        its true class (recall on the diagonal; the default), each column of
        its predicted class, fractions of the total, or the counts.

    Returns
    -------
    fig, ax
    """
    if isinstance(normalize, bool):  # True was "true", False was None
        same = "'true'" if normalize else "None"
        raise ParameterError(
            f"normalize must be one of {tuple(_NORMALIZE)}, as in "
            f"metrics.confusion_matrix, got {normalize!r} ({same} says the same)"
        )
    one_of(normalize, "normalize", _NORMALIZE)
    cm = np.asarray(cm, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ParameterError(f"cm must be a square matrix, got shape {cm.shape}")
    n = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    if len(names) != n:
        raise ParameterError(f"class_names has {len(names)} names for {n} classes")
    totals = {None: 1.0, "true": np.maximum(cm.sum(axis=1, keepdims=True), 1),
              "pred": np.maximum(cm.sum(axis=0, keepdims=True), 1),
              "all": max(cm.sum(), 1)}
    shown = cm / totals[normalize]
    size = max(3.0, 0.45 * n + 1.5)
    fig, ax = new_axes(ax, figsize=(size + 0.8, size))
    img = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    if n <= 25:
        for i in range(n):
            for j in range(n):
                value = f"{shown[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
                dark = shown[i, j] > 0.6 * (shown.max() or 1)
                color = "white" if dark else "black"
                ax.text(j, i, value, ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(n), names, rotation=45, ha="right")
    ax.set_yticks(range(n), names)
    ax.set(xlabel="predicted class", ylabel="true class")
    fig.colorbar(img, ax=ax, label=_NORMALIZE[normalize])
    if title:
        ax.set_title(title)
    return fig, ax


def plot_bars(scores, *, spread=None, ax=None, chance=None, ylabel="score",
              ylim=(0, 1.05), logy: bool = False, title=None, colors=None,
              values: bool = False):
    """Bars of scores: one bar per name, or groups of bars, one colour per series.

    Introduced in ``01_background``; notebooks 03 and 04 draw their tables of
    scores (models against tasks, methods against test sets) with it.

    Parameters
    ----------
    scores : dict of str to float, or dict of str to dict of str to float
        ``scores[name]``: one bar per name; or ``scores[group][series]``: one
        group per key, every group with the same series in the same order.
    spread : dict of the same shape, optional
        Error-bar half-lengths (e.g. the standard deviation over seeds).
    chance : float, optional
        Draw a dotted line at this height, labelled "chance".
    ylabel, ylim, title
        Axis label (with the unit), limits and title.
    logy : bool
        A logarithmic y axis (``ylim`` is then ignored).
    colors : list of str, optional
        One colour per bar, with one bar per name (default: one each).
    values : bool
        Write each bar's height above it (two decimals), so that a bar of
        height 0 still shows.

    Returns
    -------
    fig, ax

    Raises
    ------
    ParameterError
        If ``scores`` is empty or its groups have different series.
    """
    groups = list(scores)
    if not groups:
        raise ParameterError("scores must hold at least one group, got none")
    flat = not isinstance(scores[groups[0]], dict)
    if flat:  # one bar per name: one unnamed series
        scores = {g: {"": scores[g]} for g in groups}
        spread = None if spread is None else {g: {"": spread[g]} for g in groups}
    series = list(scores[groups[0]])
    if any(list(scores[g]) != series for g in groups):
        raise ParameterError(f"every group of scores must have the series {series}")
    size = (max(5.0, 1.1 * len(groups) * len(series) ** 0.5) + 1.5, 3)  # legend: right
    fig, ax = new_axes(ax, figsize=size)
    width = 0.8 / len(series)
    x = np.arange(len(groups))
    for i, name in enumerate(series):
        err = None if spread is None else [spread[g][name] for g in groups]
        color = (colors or [f"C{j}" for j in range(len(groups))]) if flat else None
        heights = [scores[g][name] for g in groups]
        left = x + (i - (len(series) - 1) / 2) * width
        bars = ax.bar(left, heights, width=width * 0.95, yerr=err,
                      capsize=3 if err else 0, label=name or None, color=color)
        if values:
            ax.bar_label(bars, fmt="%.2f", fontsize="small", padding=2)
    long_names = sum(len(str(g)) for g in groups) > 30  # would overlap: slant them
    ax.set_xticks(x, groups, rotation=25 if long_names else 0,
                  ha="right" if long_names else "center")
    if chance is not None:
        ax.axhline(chance, color="0.5", ls=":", label="chance")
    ax.set(ylabel=ylabel, **({"yscale": "log"} if logy else {"ylim": ylim}))
    if title:
        ax.set_title(title)
    if len(series) > 1 or chance is not None:
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1, 0.5))
    return fig, ax


def plot_curves(curves, *, x=None, ax=None, xlabel: str = "", ylabel: str = "",
                title=None, logy: bool = False, floor: float | None = None,
                ylim=None):
    """One line per named curve, with a legend. Introduced in ``01_background``.

    Parameters
    ----------
    curves : dict of str to array-like [shape=(n,)]
        The curves, by label (losses against passes, gradients against lag...).
    x : array-like or None
        Shared x values; a shorter curve uses the first ``n``. ``None``:
        0, 1, 2, ... (pass ``x`` for epochs or passes counted from 1).
    ax : matplotlib.axes.Axes or None
    xlabel, ylabel, title : str
        Labels, with units.
    logy : bool
        Logarithmic y axis.
    floor : float or None
        Values below it (zeros, underflow on a log axis) are drawn at it.
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
        y = y if floor is None else np.maximum(y, floor)
        xs = np.arange(len(y)) if x is None else np.asarray(x)[: len(y)]
        ax.plot(xs, y, "o-" if len(y) <= 50 else "-", ms=3, label=str(label))
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log" if logy else "linear")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    return fig, ax
