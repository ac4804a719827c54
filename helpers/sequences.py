"""Sequence tools of ``04_rnn``: probes of recurrent layers, random excerpts.

Introduced in ``04_rnn``, which shows why plain RNNs struggle with long
dependencies: :func:`memory_task` makes sequences whose label sits in the
first frame only, :func:`gradient_vs_lag` measures how much of the loss's
gradient reaches each earlier state and :func:`lstm_gates` recomputes an LSTM's
gates. :func:`random_excerpts` cuts training excerpts from whole pieces.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .errors import ParameterError
from .validate import positive_int

__all__ = ["memory_task", "gradient_vs_lag", "lstm_gates", "random_excerpts"]


def memory_task(n: int, T: int, *, generator: torch.Generator | None = None,
                n_classes: int = 4, n_noise: int = 4):
    """Sequences whose class is shown only at the first frame, then noise.

    Introduced in ``04_rnn``. Channel ``k < n_classes`` holds 3.0 at frame 0
    for class ``k`` and is silent after; the other channels hold Gaussian
    noise (standard deviation 0.5) at every frame. A many-to-one network must
    carry the marker across all ``T`` frames to classify the last one.

    Parameters
    ----------
    n, T : int > 0
        Number of sequences and frames per sequence.
    generator : torch.Generator or None
        Seeded generator for reproducible sequences.
    n_classes, n_noise : int > 0
        Marker channels (= classes) and noise channels.

    Returns
    -------
    X : torch.Tensor [shape=(n, T, n_classes + n_noise)], float32
    y : torch.Tensor [shape=(n,)], int64
    """
    n, T = positive_int(n, "n"), positive_int(T, "T")
    n_classes = positive_int(n_classes, "n_classes")
    n_noise = positive_int(n_noise, "n_noise")
    X = 0.5 * torch.randn(n, T, n_classes + n_noise, generator=generator)
    y = torch.randint(0, n_classes, (n,), generator=generator)
    X[:, :, :n_classes] = 0
    X[torch.arange(n), 0, y] = 3.0
    return X, y


def gradient_vs_lag(rnn: nn.Module, head: nn.Module, X: torch.Tensor,
                    y: torch.Tensor) -> np.ndarray:
    """Mean norm of d loss / d h_t at every frame, by lag, relative to lag 0.

    Introduced in ``04_rnn``. Steps ``rnn`` (an ``nn.RNN``, ``nn.GRU`` or
    ``nn.LSTM`` with ``batch_first=True``) one frame at a time, keeps each
    state's gradient (``retain_grad``), classifies the last state with
    ``head`` and back-propagates the cross-entropy with ``y``.

    Parameters
    ----------
    rnn : nn.Module
        A one-layer recurrent layer.
    head : nn.Module
        Maps the last state ``(batch, hidden)`` to logits.
    X : torch.Tensor [shape=(batch, T, n_in)]
    y : torch.Tensor [shape=(batch,)], int64

    Returns
    -------
    norms : np.ndarray [shape=(T,)]
        ``norms[lag]``: the gradient reaching the state ``lag`` frames before
        the last, divided by the gradient at the last state.
    """
    if X.ndim != 3 or len(X) != len(y):
        raise ParameterError(
            f"X must be (batch, T, n_in) with one label each, got {tuple(X.shape)} "
            f"and {tuple(y.shape)}"
        )
    state, hs = None, []
    for t in range(X.shape[1]):
        _, state = rnn(X[:, t:t + 1], state)
        h = state[0] if isinstance(state, tuple) else state  # an LSTM's is (h, c)
        h.retain_grad()
        hs.append(h)
    nn.functional.cross_entropy(head(hs[-1][0]), y).backward()
    norms = np.array([h.grad.norm(dim=-1).mean().item() for h in hs])
    return norms[::-1] / norms[-1]


def lstm_gates(lstm: nn.LSTM, x: torch.Tensor):
    """An LSTM's gates and cell, recomputed step by step from its own weights.

    The same loop as ``lstm_by_hand``, which notebook 04 writes out in full
    and checks against the layer's own output; this version also returns the
    input and output gates, and works on the layer's device. PyTorch stores the four
    blocks of ``weight_ih_l0``, ``weight_hh_l0`` and the biases in the order
    input, forget, cell (candidate), output.

    Parameters
    ----------
    lstm : nn.LSTM
        One layer, unidirectional, ``batch_first=True``.
    x : torch.Tensor [shape=(batch, T, n_in)]

    Returns
    -------
    gates : dict of str -> np.ndarray [shape=(T, batch, hidden)]
        ``"input gate"``, ``"forget gate"``, ``"output gate"`` and ``"cell"``.
    h : torch.Tensor [shape=(batch, hidden)]
        The last output state (``lstm(x)[1][0][0]``).
    """
    if not isinstance(lstm, nn.LSTM) or lstm.num_layers != 1 or lstm.bidirectional:
        raise ParameterError("lstm must be a one-layer, unidirectional nn.LSTM")
    if not isinstance(x, torch.Tensor) or x.ndim != 3 or x.shape[-1] != lstm.input_size:
        raise ParameterError(
            f"x must be a tensor of shape (batch, T, {lstm.input_size}), got "
            f"{tuple(getattr(x, 'shape', ())) or type(x).__name__}"
        )
    gates, h = _lstm_steps(lstm, x)
    return {name: v.detach().cpu().numpy() for name, v in gates.items()}, h


def _lstm_steps(lstm: nn.LSTM, x: torch.Tensor):
    """The loop of :func:`lstm_gates`: gates as tensors on ``x``'s device."""
    # the initial state where the layer's weights are, in their dtype
    h = c = lstm.weight_hh_l0.new_zeros(len(x), lstm.hidden_size)
    out = {"input gate": [], "forget gate": [], "output gate": [], "cell": []}
    for t in range(x.shape[1]):
        z = (x[:, t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0
             + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0)
        i, f, g, o = z.split(lstm.hidden_size, dim=1)
        i, f, o, g = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(g)
        c = f * c + i * g
        h = o * torch.tanh(c)
        for name, value in zip(out, (i, f, o, c), strict=True):
            out[name].append(value)
    return {name: torch.stack(v) for name, v in out.items()}, h


def random_excerpts(pieces, n: int, rng: np.random.Generator, *, augment=None,
                    length: int = 128):
    """Random fixed-length excerpts of whole pieces, for frame-wise training.

    Introduced in ``04_rnn`` (chords and onsets). Each excerpt picks a piece
    and a start uniformly at random (every start from 0 to ``frames - length``,
    the last included), then calls ``augment`` on it.

    Parameters
    ----------
    pieces : sequence of tuples
        ``(X, y, ...)`` per piece: features ``X`` [shape=(frames, ...)] and
        frame targets ``y`` [shape=(frames, ...)]; extra entries are ignored.
    n : int > 0
        Number of excerpts.
    rng : np.random.Generator
    augment : callable, (X, y, rng) -> (X, y), or None
        Applied to every excerpt (e.g. a random transposition).
    length : int > 0
        Frames per excerpt; every piece must have at least this many.

    Returns
    -------
    X : torch.Tensor [shape=(n, length, ...)]
    y : torch.Tensor [shape=(n, length, ...)]
    """
    n, length = positive_int(n, "n"), positive_int(length, "length")
    if not isinstance(rng, np.random.Generator):
        raise ParameterError(
            f"rng must be a np.random.Generator (np.random.default_rng(seed)), got "
            f"{type(rng).__name__}"
        )
    if not pieces or min(len(p[1]) for p in pieces) < length:
        shortest = min((len(p[1]) for p in pieces), default=0)
        raise ParameterError(
            f"pieces must be non-empty with at least length={length} frames each, "
            f"got {len(pieces)} pieces, the shortest of {shortest} frames"
        )
    X_out, y_out = [], []
    for _ in range(n):
        X, y = pieces[rng.integers(len(pieces))][:2]
        start = rng.integers(0, len(y) - length + 1)  # the last start included
        X, y = X[start:start + length], y[start:start + length]
        X, y = (X, y) if augment is None else augment(X, y, rng)
        X_out.append(np.asarray(X))
        y_out.append(np.asarray(y))
    return torch.from_numpy(np.stack(X_out)), torch.from_numpy(np.stack(y_out))
