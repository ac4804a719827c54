"""Exercises of notebook ``04_rnn``.

Each exercise is a reference solution (what a reader could write), a checker
(which measures the answer with PyTorch or SciPy, independently of the
solution) and an :class:`Exercise` entry in ``EXERCISES``. Introduced in
``04_rnn``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import torch
from scipy.ndimage import median_filter
from torch import nn

from ..sequences import memory_task
from .exercise import Exercise

__all__ = [
    "EXERCISES",
    "check_gru_parameters",
    "check_median_survival",
    "check_memory_bias",
    "check_conv_stack_frames",
    "forget_gate_default",
    "memory_outcome",
    "gru_parameters",
    "median_survival",
    "median_width",
    "memory_bias",
    "width_outcome",
    "conv_stack_frames",
]


def gru_parameters() -> int:
    """Parameters of ``nn.GRU(84, 48, bidirectional=True)``, the CRNN's GRU size.

    Reference solution of exercise ``"gru_parameters"`` of ``04_rnn``, shown by
    :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        The number of trainable parameters.
    """
    n_in, hidden = 84, 48
    # Three gate blocks (reset, update, candidate), each with an input matrix
    # (hidden, n_in), a recurrent matrix (hidden, hidden) and two bias vectors
    # (PyTorch keeps b_ih and b_hh apart); a bidirectional layer has two sets.
    per_direction = 3 * (hidden * n_in + hidden * hidden + 2 * hidden)
    predicted = 2 * per_direction
    gru = nn.GRU(n_in, hidden, bidirectional=True)
    counted = sum(p.numel() for p in gru.parameters())
    print(f"predicted {predicted}, PyTorch counts {counted}")
    return predicted


def check_gru_parameters(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with PyTorch's count for the bidirectional GRU (84 -> 48).

    Checker of exercise ``"gru_parameters"``; :func:`~helpers.exercises.check`
    calls it.

    Parameters
    ----------
    answer : int
        The reader's count.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    count = sum(p.numel() for p in nn.GRU(84, 48, bidirectional=True).parameters())
    if answer == count:
        return True, (f"{count}: 2 directions x 3 blocks x (48 x 84 + 48 x 48 + "
                      "2 x 48), two bias vectors per block in PyTorch.")
    hints = {
        count // 2: "that is one direction; a bidirectional layer has two.",
        2 * 3 * (48 * 84 + 48 * 48 + 48): (
            "close: PyTorch keeps two bias vectors per gate block (b_ih and b_hh)."),
        2 * 4 * (48 * 84 + 48 * 48 + 2 * 48): (
            "that is an LSTM's count (4 blocks); a GRU has 3 (reset, update, "
            "candidate)."),
    }
    return False, hints.get(answer, (
        "count, per direction, 3 gate blocks of an input matrix (48 x 84), a "
        "recurrent matrix (48 x 48) and two bias vectors of 48."))


def memory_bias() -> float:
    """The smallest forget-gate bias that keeps half an LSTM's memory for 200 steps.

    Reference solution of exercise ``"memory_bias"`` of ``04_rnn``, shown by
    :func:`~helpers.exercises.solution`. With nothing written and inputs that
    do not move the gate, the cell is multiplied by ``sigmoid(b)`` every step.

    Returns
    -------
    float
        The bias ``b``.
    """
    steps = 200
    # sigmoid(b) ** steps = 1/2  ->  sigmoid(b) = 2 ** (-1 / steps)  ->  b = logit
    keep = 0.5 ** (1 / steps)
    b = math.log(keep / (1 - keep))
    print(f"predicted b = {b:.2f}: sigmoid(b) = {keep:.5f} per step, and "
          f"{_memory_left(b, steps):.3f} of the cell left after {steps} steps")
    return b


def _memory_left(bias: float, steps: int = 200) -> float:
    """Cell state left after ``steps`` steps of a one-unit LSTM with forget bias."""
    lstm = nn.LSTM(1, 1, batch_first=True)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[1] = bias  # forget gate; every other gate's input is 0
        x = torch.zeros(1, steps, 1)
        c0 = torch.ones(1, 1, 1)
        _, (_, c) = lstm(x, (torch.zeros(1, 1, 1), c0))
    # the input gate is sigmoid(0) = 1/2 but the candidate tanh(0) = 0 writes nothing
    return float(c.item())


def check_memory_bias(answer: float) -> tuple[bool, str]:
    """Run a one-unit LSTM for 200 steps with forget bias ``answer``.

    Checker of exercise ``"memory_bias"``: right if about half the cell is left
    (between 0.45 and 0.55). :func:`~helpers.exercises.check` calls it.

    Parameters
    ----------
    answer : float
        The reader's forget-gate bias.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    left = _memory_left(float(answer))
    if 0.45 <= left <= 0.55:
        return True, (f"after 200 steps {left:.2f} of the cell is left: the gate "
                      "must pass 2 ** (-1/200) of it, 99.65 %, every step.")
    more = "larger" if left < 0.45 else "smaller"
    return False, (f"with bias {answer} the cell keeps {left:.3g} after 200 steps; "
                   f"try a {more} bias (sigmoid(b) ** 200 should be 1/2).")


def _context(layers) -> int:
    """Frames of input that change one output frame of a Conv1d stack, measured."""
    torch.manual_seed(0)
    net = nn.Sequential(*layers)
    x = torch.zeros(1, 1, 101, requires_grad=True)
    net(x)[0, :, 50].sum().backward()
    return int((x.grad[0, 0].abs() > 0).sum())


def conv_stack_frames() -> int:
    """Frames seen by one output of three Conv1d layers of kernel 5 ('same' padding).

    Reference solution of exercise ``"conv_stack_frames"`` of ``04_rnn``, shown
    by :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        The receptive field in frames.
    """
    kernel, n_layers = 5, 3
    # each layer adds kernel - 1 frames to what the layer above it sees
    predicted = 1 + n_layers * (kernel - 1)
    layers = [nn.Conv1d(1, 1, kernel, padding=kernel // 2) for _ in range(n_layers)]
    print(f"predicted {predicted}, measured {_context(layers)} frames")
    return predicted


def check_conv_stack_frames(answer: int) -> tuple[bool, str]:
    """Measure the receptive field with a gradient and compare it with ``answer``.

    Checker of exercise ``"conv_stack_frames"``; :func:`~helpers.exercises.check`
    calls it.

    Parameters
    ----------
    answer : int
        The reader's number of frames.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    frames = _context([nn.Conv1d(1, 1, 5, padding=2) for _ in range(3)])
    seconds = frames * 512 / 22050
    if answer == frames:
        return True, (f"{frames} frames ({seconds:.2f} s): every layer of kernel 5 "
                      "adds 4 frames, 2 on each side.")
    if answer == 15:
        return False, "3 x 5 counts the centre frame three times; each layer adds 4."
    return False, ("one layer of kernel 5 sees 5 frames; the next sees 5 of those "
                   "outputs, each of which saw 5 inputs: how many distinct frames?")


def median_survival() -> int:
    """The shortest run of a wrong chord that a 15-frame median filter keeps.

    Reference solution of exercise ``"median_survival"`` of ``04_rnn``, shown
    by :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        The run length in frames.
    """
    size = 15
    # A median over 15 frames follows the majority: the wrong chord wins at the
    # centre of its run only if it fills at least 8 of the 15 frames.
    predicted = size // 2 + 1
    print(f"predicted {predicted}, measured {_shortest_kept(size)} frames")
    return predicted


def _shortest_kept(size: int) -> int:
    """Shortest run of class 1 in class 0 that survives a median of its posteriors."""
    for run in range(1, size + 1):
        P = np.zeros((60, 2))  # (frames, classes): posteriors, one-hot
        P[:, 0] = 1
        P[30:30 + run] = [0, 1]
        if median_filter(P, size=(size, 1)).argmax(axis=1).max() == 1:
            return run
    return size + 1


def check_median_survival(answer: int) -> tuple[bool, str]:
    """Filter one-hot posteriors with a run of ``n`` frames and find the shortest kept.

    Checker of exercise ``"median_survival"``; :func:`~helpers.exercises.check`
    calls it.

    Parameters
    ----------
    answer : int
        The reader's run length in frames.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    kept = _shortest_kept(15)
    if answer == kept:
        return True, (f"{kept} frames ({kept * 512 / 22050:.2f} s): a median takes "
                      "the majority of the window; shorter chords are erased, "
                      "right or wrong, which is its price.")
    more = "shorter" if answer > kept else "longer"
    return False, (f"{answer} frames: a {more} run is needed; what is the median "
                   "of 15 values?")


def forget_gate_default(forget_bias: float = 0.0) -> float:
    """Train the LSTM of the memory task with its forget-gate bias at PyTorch's 0.

    Reference run of experiment exercise ``"forget_gate_default"`` of
    ``04_rnn``, shown by :func:`~helpers.exercises.solution`: section 4.2's
    experiment (an LSTM of 32 units, Adam at 3e-3, batches of 64, 4 epochs,
    the best validation accuracy) with one change, the forget-gate bias 0
    instead of 5, on smaller data so that it runs in about a second: 1000
    sequences of 60 frames (the notebook: 2000 of 100 in quick mode).

    Parameters
    ----------
    forget_bias : float
        The forget-gate bias at initialisation (5 reproduces section 4.2).

    Returns
    -------
    float
        The best validation accuracy of the 4 epochs (chance is 0.25).
    """
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    X, y = memory_task(1000, 60, generator=generator)              # (1000, 60, 8)
    X_valid, y_valid = memory_task(300, 60, generator=generator)
    lstm, head = nn.LSTM(8, 32, batch_first=True), nn.Linear(32, 4)
    with torch.no_grad():  # gates in PyTorch's order: input, forget, cell, output
        lstm.bias_ih_l0[32:64] = forget_bias
    optimizer = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=3e-3)
    best = 0.0
    for _ in range(4):
        for batch in torch.randperm(len(X)).split(64):
            states, _ = lstm(X[batch])                              # (64, 60, 32)
            loss = nn.functional.cross_entropy(head(states[:, -1]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            states, _ = lstm(X_valid)
            accuracy = (head(states[:, -1]).argmax(1) == y_valid).float().mean()
        best = max(best, accuracy.item())
    return best


def memory_outcome(accuracy: float) -> str:
    """Which outcome a best accuracy on the memory task shows.

    Outcome function of experiment exercise ``"forget_gate_default"``, with the
    thresholds of section 4.2's checks: 0.9 or more is ``"as high"`` (as the
    LSTM with its forget gate open), 0.45 or less is ``"at chance"`` (as the
    plain RNN; chance is 0.25), anything between ``"lower"``.

    Parameters
    ----------
    accuracy : float
        The best validation accuracy of the 4 epochs.

    Returns
    -------
    str
        ``"as high"``, ``"lower"`` or ``"at chance"``.
    """
    if accuracy >= 0.9:
        return "as high"
    return "at chance" if accuracy <= 0.45 else "lower"


def median_width(width: int = 61) -> float:
    """Widen the median filter of the chord probabilities from 15 frames to 61.

    Reference run of experiment exercise ``"median_width"`` of ``04_rnn``,
    shown by :func:`~helpers.exercises.solution`, on synthetic chords instead
    of a trained network: a chord sequence whose chords last 10 to 40 frames
    (0.23 to 0.93 s at 43 frames per second, as a chorale's beats and half
    bars), and noisy probabilities whose argmax flickers to a wrong chord on
    about one frame in eight, as the frame-wise network's does.

    Parameters
    ----------
    width : int
        The median filter's width in frames (15 reproduces section 4.4).

    Returns
    -------
    float
        Frame accuracy after the median filter of ``width`` frames minus that
        after 15 frames.
    """
    rng = np.random.default_rng(0)
    chords = rng.integers(0, 24, 200)                          # 200 chords
    truth = np.repeat(chords, rng.integers(10, 41, 200))       # (frames,)
    P = np.eye(25)[truth] * 0.5 + rng.random((len(truth), 25)) * 0.6  # (frames, 25)

    def accuracy(size):
        return float((median_filter(P, size=(size, 1)).argmax(axis=1) == truth).mean())

    print(f"flickering frames before smoothing: {1 - accuracy(1):.2f}")
    return accuracy(width) - accuracy(15)


def width_outcome(change: float) -> str:
    """Which outcome an accuracy change shows: more than 0.01 either way, or not.

    Outcome function of experiment exercise ``"median_width"``.

    Parameters
    ----------
    change : float
        Major/minor accuracy with the wider filter minus that with 15 frames.

    Returns
    -------
    str
        ``"higher"``, ``"about the same"`` or ``"lower"``.
    """
    if change > 0.01:
        return "higher"
    return "lower" if change < -0.01 else "about the same"


EXERCISES = (
    Exercise("gru_parameters", gru_parameters, check_gru_parameters, Integral,
             "a whole number of parameters (an int)"),
    Exercise("memory_bias", memory_bias, check_memory_bias, Real,
             "a forget-gate bias (a number)"),
    Exercise("conv_stack_frames", conv_stack_frames, check_conv_stack_frames, Integral,
             "a whole number of frames (an int)"),
    Exercise("median_survival", median_survival, check_median_survival, Integral,
             "a whole number of frames (an int)"),
    Exercise(
        "forget_gate_default", forget_gate_default, kind="experiment",
        outcomes=("as high", "lower", "at chance"), outcome_of=memory_outcome,
        expected="at chance", expects=Real,
        answer="the best validation accuracy of the 4 epochs (a number: "
               "max(history.valid_metrics['accuracy']))",
        edit="set forget_bias = 0.0 in the exercise's training cell and run it",
        why=("at bias 0 the forget gate keeps sigmoid(0) = 1/2 of the cell per "
             "step, so the gradient from the last frame back to the marker "
             "shrinks like 0.5 ** T and vanishes, as the plain RNN's: the gate "
             "makes a long memory possible, an open start (bias 5) makes it "
             "learnable."),
        hint=("look at section 4.2's gradient plot: how much gradient reaches "
              "the first frame with forget bias 0, and what 0.5 multiplied "
              "T times is."),
    ),
    Exercise(
        "median_width", median_width, kind="experiment",
        outcomes=("higher", "about the same", "lower"), outcome_of=width_outcome,
        expected="lower", expects=Real,
        answer=("the accuracy change (a number: the widened filter's major/minor "
                "accuracy minus the 15-frame filter's)"),
        edit="set width = 61 in the exercise's cell and run it",
        why=("a median keeps a chord only where it fills most of the window: at "
             "61 frames (1.4 s) it still removes the flicker, but it also erases "
             "the real chords shorter than about 31 frames and shifts the "
             "boundaries of the others, and those frames were right before."),
        hint=("compare 61 frames with how long the chords of a chorale last (look "
              "at the reference in the chord plots above), and recall the "
              "exercise on what a median filter erases."),
    ),
)
