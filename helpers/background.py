"""Figures and data preparation of notebook ``01_background``.

What the notebook needs but does not teach: the timeline and pipeline
diagrams, a few recurring plots, and the data it builds its small experiments
from (note mixtures, delayed and time-stretched spectrograms, synthetic triads).
The models, losses, optimizers and splits stay in the notebook. Introduced in
``01_background``.
"""

from __future__ import annotations

import numpy as np
import torch

from .audio import harmonic_tone
from .features import cqt, to_db
from .plotting import new_axes

__all__ = [
    "delay_frames",
    "draw_activation",
    "mix_notes",
    "plot_learning_curves",
    "plot_lr_sweep",
    "plot_milestones",
    "plot_pipelines",
    "stretch_frames",
    "triad",
    "triad_profiles",
]

_MILESTONES = [
    (1986, "backpropagation\n(Rumelhart, Hinton & Williams)", "method"),
    (1989, "convolutional networks read\nhandwritten digits (LeCun et al.)", "method"),
    (1997, "LSTM for long sequences\n(Hochreiter & Schmidhuber)", "method"),
    (2009, "convolutional nets on music\naudio (Lee et al.)", "music"),
    (2010, "ReLU (Nair & Hinton;\nGlorot et al. 2011)", "method"),
    (2012, "GPU training wins ImageNet\n(Krizhevsky et al.)", "method"),
    (2014, "end-to-end learning from\nraw audio (Dieleman & Schrauwen)", "music"),
    (2016, "convnets for music tagging\n(Choi et al.)", "music"),
]


def plot_milestones(ax=None):
    """Timeline of deep-learning methods (blue) and their use on music (red).

    Introduced in ``01_background``.

    Returns
    -------
    fig, ax
    """
    fig, ax = new_axes(ax, figsize=(13, 3.6))
    ax.axhline(0, color="0.3", lw=1)
    for i, (year, text, kind) in enumerate(_MILESTONES):
        height = (1.0 if i % 2 == 0 else -1.0) * (0.55 + 0.35 * (i % 4 > 1))
        color = "C0" if kind == "method" else "C3"
        ax.plot([year, year], [0, height], color=color, lw=1)
        ax.plot(year, 0, "o", color=color)
        ax.text(year, height, f"{year}\n{text}", ha="center",
                va="bottom" if height > 0 else "top", fontsize=8, color=color)
    ax.set(xlim=(1983, 2019), ylim=(-1.9, 1.9), yticks=[], xlabel="year",
           title="milestones: deep-learning methods (blue) and music (red)")
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _boxes(ax, y, boxes, learned, title):
    for i, (text, is_learned) in enumerate(zip(boxes, learned, strict=True)):
        ax.text(i * 2.2, y, text, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round", fc="#ffd27f" if is_learned else "#e6e6e6"))
        if i:
            ax.annotate("", (i * 2.2 - 0.75, y), (i * 2.2 - 1.45, y),
                        arrowprops=dict(arrowstyle="->"))
    ax.text(-1.1, y + 0.45, title, fontsize=10, weight="bold")


def plot_pipelines(ax=None):
    """The conventional and the end-to-end pipeline as rows of boxes.

    Grey boxes are designed by hand, orange ones learned from the labels.
    Introduced in ``01_background``.

    Returns
    -------
    fig, ax
    """
    fig, ax = new_axes(ax, figsize=(13, 2.8))
    _boxes(ax, 1.0, ["audio", "log-mel", "MFCC\n(DCT)", "mean, std\nover time",
                     "classifier\n(linear or SVM)", "family"],
           [False, False, False, False, True, False], "conventional")
    _boxes(ax, -0.2, ["audio", "log-mel", "dense layer\n+ ReLU", "dense layer\n+ ReLU",
                      "dense layer\n(scores)", "family"],
           [False, False, True, True, True, False], "deep learning (end to end)")
    ax.set(xlim=(-1.3, 11.8), ylim=(-0.7, 1.7))
    ax.axis("off")
    ax.set_title("grey: designed by hand, fixed; orange: learned from the labels")
    return fig, ax


def draw_activation(ax, name="sigmoid", scale=1.0):
    """Draw an activation ``f(scale * z)`` and its derivative (by autograd).

    For ``"softmax"`` the curve is the first of two probabilities,
    ``softmax(scale * (z, 0))[0]``. Introduced in ``01_background``.

    Parameters
    ----------
    ax : matplotlib Axes
    name : {"sigmoid", "tanh", "relu", "leaky relu", "softmax"}
    scale : float
        Multiplies the input (for softmax: the inverse of a temperature).
    """
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "leaky relu": lambda z: torch.nn.functional.leaky_relu(z, 0.1)}
    z = torch.linspace(-5, 5, 401, requires_grad=True)
    if name == "softmax":
        pair = torch.stack([z, torch.zeros_like(z)], dim=1)
        y = torch.softmax(scale * pair, dim=1)[:, 0]
        label = "p(class 1) = softmax(z, 0)[0]"
    else:
        y, label = functions[name](scale * z), f"{name}(scale * z)"
    (grad,) = torch.autograd.grad(y.sum(), z)
    ax.plot(z.detach(), y.detach(), label=label)
    ax.plot(z.detach(), grad, "--", label="derivative")
    ax.axhline(0, color="0.7", lw=0.5)
    ax.set(xlabel="z (input)", ylabel="output", title=f"{name}, scale {scale:g}")
    ax.legend(fontsize="x-small")


def stretch_frames(X: torch.Tensor, rate: float) -> torch.Tensor:
    """Time-stretch spectrograms by resampling their frame axis (the last).

    ``rate > 1`` plays faster: the content gets shorter, and the end is filled
    with each example's own last frame (for a note, its quiet tail), so the
    gap sounds like the silence the example already ends in. ``rate < 1``
    plays slower: the end is cut. Introduced in ``01_background``.

    Parameters
    ----------
    X : torch.Tensor [shape=(n, bins, frames)]
    rate : float > 0

    Returns
    -------
    torch.Tensor [shape=(n, bins, frames)]
    """
    n = X.shape[-1]
    m = max(2, round(n / rate))
    Y = torch.nn.functional.interpolate(X, size=m, mode="linear")
    if m >= n:
        return Y[..., :n]
    return torch.cat([Y, Y[..., -1:].expand(*Y.shape[:-1], n - m)], dim=-1)


def delay_frames(X: torch.Tensor, k: int) -> torch.Tensor:
    """Delay spectrograms by ``k`` frames (the last axis), keeping their length.

    The ``k`` frames that enter are copies of each example's own last frame
    (for a note, its quiet tail), so the gap sounds like the silence the
    example already ends in; the last ``k`` frames leave. Introduced in
    ``01_background``.

    Parameters
    ----------
    X : torch.Tensor [shape=(..., frames)]
    k : int, 0 < k < frames

    Returns
    -------
    torch.Tensor [shape=(..., frames)]
    """
    return torch.cat([X[..., -1:].expand(*X.shape[:-1], k), X[..., :-k]], dim=-1)


def triad(root: int, minor: int, rolloff: float) -> np.ndarray:
    """A triad of harmonic tones: root, third and fifth, one second at ``SR``.

    Harmonic ``k + 1`` of each tone has amplitude ``rolloff**k`` (8
    harmonics), so ``rolloff`` sets the timbre. Peak 0.3. Introduced in
    ``01_background``.

    Parameters
    ----------
    root : int
        MIDI pitch of the root.
    minor : int
        1 for a minor third (3 semitones), 0 for a major one (4).
    rolloff : float in (0, 1)

    Returns
    -------
    np.ndarray [shape=(samples,)], float32
    """
    y = sum(harmonic_tone(root + i, amplitudes=[rolloff**k for k in range(8)])
            for i in (0, 4 - minor, 7))
    return (0.3 * y / np.abs(y).max()).astype(np.float32)


def triad_profiles(n: int, rng: np.random.Generator, roots=(48, 60)):
    """``n`` triads on random ``roots``, alternately major and minor, random timbres.

    Each is summarised by its mean CQT frame in dB (84 bins, one per
    semitone). Introduced in ``01_background``.

    Parameters
    ----------
    n : int
    rng : np.random.Generator
    roots : sequence of int
        MIDI pitches the roots are drawn from.

    Returns
    -------
    X : torch.Tensor [shape=(n, 84)], float32, dB
    quality : torch.Tensor [shape=(n,)], int64: 0 major, 1 minor
    """
    chords = [(int(rng.choice(roots)), i % 2, rng.uniform(0.3, 0.9)) for i in range(n)]
    profiles = [to_db(cqt(triad(*c)), power=False).mean(axis=1) for c in chords]
    return (torch.tensor(np.stack(profiles), dtype=torch.float32),
            torch.tensor([c[1] for c in chords]))


def mix_notes(X: torch.Tensor, y: torch.Tensor, classes, rng, pairs_per_note: int = 3):
    """Mixtures of two notes of different classes, and the single notes, as tags.

    Only notes of ``classes`` are used. Each note is first brought to the same
    peak level; two notes are mixed by adding their mel powers (what the mel
    spectrogram of the summed audio is, up to phase). Introduced in
    ``01_background``.

    Parameters
    ----------
    X : torch.Tensor [shape=(notes, mels, frames)], log-mel in dB
    y : torch.Tensor [shape=(notes,)], class index of each note
    classes : list of int
        The classes kept, in the order of the tag columns.
    rng : np.random.Generator
    pairs_per_note : int
        Pairs drawn per kept note (pairs of one class are dropped).

    Returns
    -------
    M : torch.Tensor [shape=(clips, mels, frames)], log-mel in dB (pairs, then notes)
    T : torch.Tensor [shape=(clips, len(classes))], 1 for each class present
    """
    keep = torch.isin(y, torch.tensor(classes, device=y.device))
    A = X[keep] - X[keep].amax(dim=(1, 2), keepdim=True)  # every note peaks at 0 dB
    t = torch.tensor([classes.index(int(v)) for v in y[keep]], device=X.device)
    n = pairs_per_note * len(t)
    i, j = rng.integers(len(t), size=n), rng.integers(len(t), size=n)
    different = (t[i] != t[j]).cpu().numpy()
    i, j = i[different], j[different]
    pairs = 10 * torch.log10(10 ** (A[i] / 10) + 10 ** (A[j] / 10))
    one_hot = torch.nn.functional.one_hot(t, len(classes))
    return torch.cat([pairs, A]), torch.cat([one_hot[i] + one_hot[j], one_hot]).float()


def plot_learning_curves(curves: dict, *, chance: dict | None = None, unit="notes"):
    """Test accuracy against training-set size: one panel per task, one line per method.

    Each point is the mean over repeats (random training subsets), with the
    standard deviation as an error bar. Introduced in ``01_background``.

    Parameters
    ----------
    curves : dict of str to (sizes, dict of str to np.ndarray)
        Per task (one panel): the training-set sizes, and each method's
        accuracies [shape=(len(sizes), repeats)].
    chance : dict of str to float, optional
        Per task, the accuracy of guessing (a dotted line).
    unit : str
        What one example is (the x label).

    Returns
    -------
    fig, axes
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 3.2),
                             layout="constrained", squeeze=False)
    for ax, (task, (sizes, methods)) in zip(axes[0], curves.items(), strict=True):
        for name, acc in methods.items():
            ax.errorbar(sizes, acc.mean(axis=1), yerr=acc.std(axis=1), marker="o",
                        capsize=3, label=name)
        if chance and task in chance:
            ax.axhline(chance[task], color="0.5", ls=":", label="chance")
        ax.set(xscale="log", xlabel=f"training examples ({unit})", ylim=(0, 1.02),
               ylabel="test accuracy", title=f"learning curves: {task}")
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.minorticks_off()
        ax.legend(fontsize="small")
    return fig, axes[0]


def plot_lr_sweep(lrs, final_losses: dict, *, ax=None):
    """Final training loss against the learning rate, one line per setting.

    Introduced in ``01_background``.

    Parameters
    ----------
    lrs : np.ndarray [shape=(n,)]
    final_losses : dict of str to np.ndarray [shape=(n,)]
        Diverged runs are expected to be capped (drawn at the top).

    Returns
    -------
    fig, ax
    """
    fig, ax = new_axes(ax, figsize=(7, 3.2))
    for name, losses in final_losses.items():
        ax.plot(lrs, losses, "o--" if "Adam" in name else "o-", ms=3, label=name)
        ax.plot(lrs[np.argmin(losses)], np.min(losses), "k*", ms=9)
    ax.set(xscale="log", yscale="log", xlabel="learning rate",
           ylabel="training loss at the end", title="learning-rate sweep (stars: best)")
    ax.legend(fontsize="small")
    return fig, ax
