"""Figures and data preparation of notebook ``01_background``.

What the notebook needs but does not teach: the timeline and pipeline
diagrams, a few recurring plots, and the data it builds its small experiments
from (note mixtures, time-stretched and transposed spectrograms). The models,
losses, optimizers and splits stay in the notebook. Introduced in
``01_background``.
"""

from __future__ import annotations

import numpy as np
import torch

from .plotting import new_axes

__all__ = [
    "draw_activation",
    "mix_notes",
    "plot_learning_curves",
    "plot_lr_sweep",
    "plot_milestones",
    "plot_pipelines",
    "stretch_frames",
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

    ``rate > 1`` plays faster (the content gets shorter and the end is filled
    with the minimum of ``X``); ``rate < 1`` slower (the end is cut).
    Introduced in ``01_background``.

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
    out = torch.full_like(X, float(X.min()))
    out[..., : min(m, n)] = Y[..., : min(m, n)]
    return out


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


def plot_learning_curves(sizes, curves: dict, *, chance=None, unit="notes", ax=None):
    """Test accuracy against training-set size, mean and spread over repeats.

    Introduced in ``01_background``.

    Parameters
    ----------
    sizes : sequence of int
        Training examples per point.
    curves : dict of str to np.ndarray [shape=(len(sizes), repeats)]
    chance : float, optional
    unit : str
        What one example is (the x label).

    Returns
    -------
    fig, ax
    """
    fig, ax = new_axes(ax, figsize=(7, 3.2))
    for name, acc in curves.items():
        ax.errorbar(sizes, acc.mean(axis=1), yerr=acc.std(axis=1), marker="o",
                    capsize=3, label=name)
    if chance is not None:
        ax.axhline(chance, color="0.5", ls=":", label="chance")
    ax.set(xscale="log", xlabel=f"training examples ({unit})", ylabel="test accuracy",
           title="learning curves")
    ax.legend(fontsize="small")
    return fig, ax


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
