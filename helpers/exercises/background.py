"""Exercises of notebook ``01_background``.

Each exercise is a reference solution (what a reader could write), a checker
(which computes the right answer its own way, with PyTorch or librosa) and an
:class:`Exercise` entry in ``EXERCISES``. Introduced in ``01_background``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import librosa
import torch
from torch import nn

from .exercise import Exercise

__all__ = [
    "EXERCISES",
    "check_constant_scores_loss",
    "check_dense_weights",
    "check_pitch_class_after_shift",
    "check_softmax_second_class",
    "constant_scores_loss",
    "dense_weights",
    "pitch_class_after_shift",
    "softmax_second_class",
]


def dense_weights() -> int:
    """Weights and biases of the first dense layer of ``NoteMLP``.

    Reference solution of exercise ``"dense_weights"`` of ``01_background``,
    shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        The number of parameters of ``nn.Linear(128 * 11, 256)``.
    """
    # The input is 128 mel bands x 44 frames, averaged over 4 frames: 128 x 11,
    # flattened to 1408 numbers. Every one of the 256 units has a weight for
    # each of them, and one bias.
    n_in, n_hidden = 128 * (44 // 4), 256
    predicted = n_in * n_hidden + n_hidden
    layer = nn.Linear(n_in, n_hidden)
    counted = sum(p.numel() for p in layer.parameters())
    print(f"predicted {predicted}, counted {counted}")
    return predicted


def check_dense_weights(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with the parameters of the layer, counted by PyTorch.

    Checker of exercise ``"dense_weights"``; :func:`~helpers.exercises.check`
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
    pooled = nn.Sequential(nn.AvgPool1d(4), nn.Flatten())(torch.zeros(1, 128, 44))
    layer = nn.Linear(pooled.shape[1], 256)
    right = sum(p.numel() for p in layer.parameters())
    if answer == right:
        return True, (
            f"{right}: {pooled.shape[1]} inputs (128 bands x 11 pooled frames) times "
            f"256 units, plus 256 biases."
        )
    hints = {
        pooled.shape[1] * 256: "that counts the weights; each unit also has a bias.",
        128 * 44 * 256 + 256: (
            "that is without the pooling: AvgPool1d(4) averages 4 frames at a "
            "time, so the layer sees 11 frames, not 44."
        ),
        128 * 44 * 256: "the layer sees 11 pooled frames, not 44, and has biases too.",
    }
    return False, hints.get(answer, (
        "count the inputs after pooling and flattening (bands x frames / 4), "
        "multiply by the number of units, then add one bias per unit."
    ))


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


EXERCISES = [
    Exercise(
        "dense_weights",
        solution=dense_weights,
        checker=check_dense_weights,
        expects=Integral,
        answer="a whole number of parameters (an int)",
    ),
    Exercise(
        "constant_scores_loss",
        solution=constant_scores_loss,
        checker=check_constant_scores_loss,
        expects=Real,
        answer="a loss (a number)",
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
