"""Exercises of notebook ``01_background``.

A compute exercise is a reference solution (what a reader could write), a
checker (which computes the right answer its own way, with PyTorch or librosa)
and an :class:`Exercise` entry in ``EXERCISES``. An experiment exercise is a
reference run of the changed experiment, on small synthetic data so that it
runs in a second or two offline, and a function that reads the outcome off a
measurement. Introduced in ``01_background``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import librosa
import numpy as np
import torch
from torch import nn

from .exercise import Exercise

__all__ = [
    "EXERCISES",
    "batch_rate_outcome",
    "check_constant_scores_loss",
    "check_pitch_class_after_shift",
    "check_softmax_second_class",
    "constant_scores_loss",
    "dead_relus_smaller_rate",
    "dead_units_outcome",
    "larger_batch_rate",
    "pitch_class_after_shift",
    "softmax_second_class",
]


def constant_scores_loss() -> float:
    """The lowest cross-entropy of a network that gives every note the same scores.

    Reference solution of exercise ``"constant_scores_loss"`` of
    ``01_background``, shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    float
        The loss (natural logarithm) with 10 equally frequent classes.
    """
    # The same probabilities p for every note: the loss is the average of
    # -log p[true class]. With balanced classes it is lowest when every p is
    # 1/10 (equal scores), and then it is -log(1/10) = log(10).
    predicted = math.log(10)
    targets = torch.arange(10).repeat(100)  # 10 equally frequent classes
    loss = nn.functional.cross_entropy(torch.zeros(len(targets), 10), targets)
    print(f"predicted {predicted:.4f}, cross_entropy of equal scores "
          f"{loss.item():.4f}")
    return predicted


def check_constant_scores_loss(answer: float) -> tuple[bool, str]:
    """Compare ``answer`` with the loss of the best constant prediction.

    Checker of exercise ``"constant_scores_loss"``: it minimises the loss over
    one shared score vector with PyTorch, so the answer is found
    independently of :func:`constant_scores_loss`.

    Parameters
    ----------
    answer : float
        The reader's loss.

    Returns
    -------
    (bool, str)
        Whether it is right (within 1%), and why or a hint.
    """
    targets = torch.arange(10).repeat(20)
    generator = torch.Generator().manual_seed(0)
    scores = torch.randn(10, generator=generator).requires_grad_()
    optimizer = torch.optim.SGD([scores], lr=5.0)
    for _ in range(200):
        loss = nn.functional.cross_entropy(scores.expand(len(targets), 10), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    best = loss.item()
    if math.isclose(answer, best, rel_tol=0.01):
        return True, (
            f"{best:.3f} = ln 10: the best shared scores are all equal, every family "
            f"gets probability 1/10, and the loss is -ln(1/10)."
        )
    if math.isclose(answer, math.log10(10), rel_tol=0.01) or math.isclose(
        answer, math.log2(10), rel_tol=0.01
    ):
        return False, "right idea, wrong logarithm: cross-entropy uses the natural one."
    return False, (
        "with the same scores for every note, the probabilities are the same too; "
        "which probabilities minimise the average of -ln p[true family] when the "
        "families are equally frequent?"
    )


def softmax_second_class() -> float:
    """The largest probability softmax can give the second highest score.

    Reference solution of exercise ``"softmax_second_class"`` of
    ``01_background``, shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    float
        A probability.
    """
    # The probabilities sum to one and the top class has at least as much as
    # the second: p2 <= p1 and p1 + p2 <= 1, so p2 <= 1/2, reached when the two
    # top scores are equal and the others are very low.
    predicted = 0.5
    scores = torch.tensor([3.0, 3.0, -20.0, -20.0])
    print(f"predicted {predicted}, softmax of {scores.tolist()}: "
          f"{torch.softmax(scores, 0).tolist()}")
    return predicted


def check_softmax_second_class(answer: float) -> tuple[bool, str]:
    """Compare ``answer`` with the supremum found by searching score vectors.

    Checker of exercise ``"softmax_second_class"``: it draws many random score
    vectors and takes the largest second probability, plus the limit case.

    Parameters
    ----------
    answer : float
        The reader's probability.

    Returns
    -------
    (bool, str)
        Whether it is right (within 0.01), and why or a hint.
    """
    generator = torch.Generator().manual_seed(0)
    scores = 10 * torch.randn(20_000, 4, generator=generator)
    scores[:, 1] = scores[:, 0]  # ties between the two top scores are allowed
    second = torch.softmax(scores, dim=1).sort(dim=1, descending=True).values[:, 1]
    best = second.max().item()
    if abs(answer - best) <= 0.01:
        return True, (
            f"{best:.2f}: the second class can never have more than the first, and "
            f"the two share at most 1, so 1/2, when the two top scores are equal. "
            f"Softmax cannot say 'both' with confidence."
        )
    if abs(answer - 0.25) <= 0.01:
        return False, "1/4 is what every class gets when all four scores are equal; "\
            "the second class can get more if the other two are low."
    if answer > best:
        return False, (
            "too high: the probabilities sum to 1 and the top class has at least as "
            "much as the second."
        )
    return False, "too low: what if the two top scores are equal and the rest very low?"


def pitch_class_after_shift() -> int:
    """The pitch class of a B (11) pitch-shifted up by 3 semitones.

    Reference solution of exercise ``"pitch_class_after_shift"`` of
    ``01_background``, shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        A pitch class, 0 (C) to 11 (B).
    """
    # Pitch classes wrap around the octave: B + 3 semitones = C, C#, D.
    predicted = (11 + 3) % 12
    print(f"predicted {predicted}: {librosa.midi_to_note(71)} + 3 semitones = "
          f"{librosa.midi_to_note(74)}")
    return predicted


def check_pitch_class_after_shift(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with librosa's note name of B4 raised by 3 semitones.

    Checker of exercise ``"pitch_class_after_shift"``.

    Parameters
    ----------
    answer : int
        The reader's pitch class.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    name = librosa.midi_to_note(71 + 3, octave=False, unicode=False)  # B4 + 3
    right = librosa.note_to_midi(f"{name}0") % 12
    if answer == right:
        return True, (
            f"{right} ({name}): B, C, C#, D. The label must move with the audio, "
            f"and it wraps around the octave."
        )
    if answer == 11:
        return False, "that is the old label: the very mistake the notebook shows."
    if answer == 14:
        return False, "pitch classes wrap around the octave: 12 is C again."
    return False, "count up 3 semitones from B (11), wrapping after 11 back to 0."


def _classes_in_noise(n: int = 300, seed: int = 0):
    """Ten overlapping classes in 40 standardised dimensions, like the MFCC statistics.

    Returns
    -------
    X : torch.Tensor [shape=(n, 40)], float32
    y : torch.Tensor [shape=(n,)], int64, each class n / 10 times
    """
    generator = torch.Generator().manual_seed(seed)
    means = torch.randn(10, 40, generator=generator)
    y = torch.arange(n) % 10
    X = means[y] + 3.0 * torch.randn(n, 40, generator=generator)
    return (X - X.mean(dim=0)) / X.std(dim=0), y


def _best_rate(X, y, batch_size, lrs, n_passes=5, seed=0) -> float:
    """The rate of ``lrs`` after which SGD softmax regression has the lowest loss."""
    final = []
    for lr in lrs:
        torch.manual_seed(seed)
        model = nn.Linear(X.shape[1], 10)
        optimizer = torch.optim.SGD(model.parameters(), lr=float(lr))
        for _ in range(n_passes):
            for batch in torch.randperm(len(y)).split(batch_size):
                loss = nn.functional.cross_entropy(model(X[batch]), y[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            loss = nn.functional.cross_entropy(model(X), y).item()
        final.append(loss if math.isfinite(loss) else math.inf)
    return float(lrs[int(np.argmin(final))])


def larger_batch_rate(batch_size: int = 256) -> float:
    """Sweep the learning rate of SGD with a larger batch: its best over that of 32.

    Reference run of experiment exercise ``"larger_batch_rate"`` of
    ``01_background``, shown by :func:`~helpers.exercises.solution`: section
    1.5's sweep (softmax regression, 11 rates from 0.001 to 100, 5 passes over
    300 examples, 40 standardised features, 10 classes) with one change, the
    batch size, on synthetic classes in noise instead of the MFCC statistics.

    Parameters
    ----------
    batch_size : int
        The changed batch size (32 reproduces the sweep's).

    Returns
    -------
    float
        The best rate with ``batch_size`` divided by the best rate with 32.
    """
    X, y = _classes_in_noise()
    lrs = np.geomspace(1e-3, 100, 11)
    return _best_rate(X, y, batch_size, lrs) / _best_rate(X, y, 32, lrs)


def batch_rate_outcome(ratio: float) -> str:
    """Which outcome a ratio of best learning rates shows.

    Outcome function of experiment exercise ``"larger_batch_rate"``: the
    rates are half a decade apart, so more than 1.5 is one step up or more.

    Parameters
    ----------
    ratio : float
        The best rate with the changed batch size over that with 32.

    Returns
    -------
    str
        ``"higher"`` (above 1.5), ``"lower"`` (below 1/1.5) or
        ``"about the same"``.
    """
    if ratio > 1.5:
        return "higher"
    return "lower" if ratio < 1 / 1.5 else "about the same"


def dead_relus_smaller_rate(lr: float = 0.003) -> float:
    """Train the four-layer ReLU network with Adam at ``lr``; count its dead units.

    Reference run of experiment exercise ``"dead_relus_smaller_rate"`` of
    ``01_background``, shown by :func:`~helpers.exercises.solution`: section
    1.7's experiment (four hidden layers of 64 ReLU units, He weights, Adam,
    600 steps of 32 examples) with one change, the rate 0.003 instead of
    0.03, on synthetic classes in noise instead of the MFCC statistics.

    Parameters
    ----------
    lr : float
        Adam's learning rate (0.03 reproduces the section's).

    Returns
    -------
    float
        The fraction of hidden units whose weighted sum is negative for every
        training example.
    """
    X, y = _classes_in_noise()
    torch.manual_seed(0)
    layers, n = [], X.shape[1]
    for _ in range(4):
        layers += [nn.Linear(n, 64), nn.ReLU()]
        n = 64
    net = nn.Sequential(*layers, nn.Linear(n, 10))
    for layer in net:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(600):
        batch = torch.randint(len(y), (32,))
        loss = nn.functional.cross_entropy(net(X[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        a, dead = X, []
        for layer in net[:-1]:
            a = layer(a)
            if isinstance(layer, nn.Linear):  # weighted sums (examples, 64)
                dead.append((a <= 0).all(dim=0))
    return torch.cat(dead).float().mean().item()


def dead_units_outcome(fraction: float) -> str:
    """Which outcome a fraction of dead ReLU units shows.

    Outcome function of experiment exercise ``"dead_relus_smaller_rate"``;
    at the section's rate a good share of the units die (a fifth to a half).

    Parameters
    ----------
    fraction : float
        Dead hidden units, between 0 and 1.

    Returns
    -------
    str
        ``"fewer dead units"`` (under 0.1), ``"more dead units"`` (over 0.6)
        or ``"about as many"``.
    """
    if fraction < 0.1:
        return "fewer dead units"
    return "more dead units" if fraction > 0.6 else "about as many"


EXERCISES = [
    Exercise(
        "larger_batch_rate",
        solution=larger_batch_rate,
        kind="experiment",
        outcomes=("higher", "about the same", "lower"),
        outcome_of=batch_rate_outcome,
        expected="higher",
        expects=Real,
        answer="the best rate of batches of 256 over that of batches of 32 (a number: "
               "rate_ratio)",
        edit="set batch_size_sweep = 256 in the exercise's cell and run it",
        why=("an average over 256 examples is a more reliable direction than one over "
             "32, so it can be followed with a longer step before it overshoots."),
        hint=("compare the noise of a gradient averaged over 32 examples with one over "
              "256: which direction can you follow further?"),
    ),
    Exercise(
        "constant_scores_loss",
        solution=constant_scores_loss,
        checker=check_constant_scores_loss,
        expects=Real,
        answer="a loss (a number)",
    ),
    Exercise(
        "dead_relus_smaller_rate",
        solution=dead_relus_smaller_rate,
        kind="experiment",
        outcomes=("fewer dead units", "about as many", "more dead units"),
        outcome_of=dead_units_outcome,
        expected="fewer dead units",
        expects=Real,
        answer="the fraction of dead units (a number: dead)",
        edit="set lr_dying = 0.003 in the exercise's cell and run it",
        why=("smaller steps rarely push a unit's weighted sum below zero for every "
             "input at once, so few units die; the rate, not the ReLU, was the cause."),
        hint=("a unit dies when one step moves its weights so far that its weighted "
              "sum is negative for every note: how does the step size change that?"),
    ),
    Exercise(
        "softmax_second_class",
        solution=softmax_second_class,
        checker=check_softmax_second_class,
        expects=Real,
        answer="a probability (a number between 0 and 1)",
    ),
    Exercise(
        "pitch_class_after_shift",
        solution=pitch_class_after_shift,
        checker=check_pitch_class_after_shift,
        expects=Integral,
        answer="a pitch class (an int, 0 to 11)",
    ),
]
