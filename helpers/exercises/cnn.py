"""Exercises of notebook ``03_cnn``.

Each exercise is a reference solution (what a reader could write), a checker
(which measures the answer independently of the solution: with PyTorch layers or
scikit-learn) and an :class:`Exercise` entry in ``EXERCISES``. Introduced in
``03_cnn``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from .exercise import Exercise

__all__ = [
    "EXERCISES",
    "check_constant_tagger_pr_auc",
    "check_constant_tagger_roc_auc",
    "check_receptive_field",
    "check_tiny_cnn_parameters",
    "constant_tagger_pr_auc",
    "dense_reader_every_root",
    "global_mean_pooling",
    "invariance_outcome",
    "constant_tagger_roc_auc",
    "receptive_field",
    "tiny_cnn_parameters",
]

#: The stack of ``03_cnn`` section 3.1 with one more pooling and convolution:
#: (name, kernel size, stride).
_STACK = [("conv 3x3", 3, 1), ("pool 2x2", 2, 2)] * 4 + [("conv 3x3", 3, 1)]


def receptive_field() -> int:
    """Receptive field (input cells) of a fifth 3 x 3 convolution, after a pooling.

    Reference solution of exercise ``"receptive_field"`` of ``03_cnn``, shown by
    :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        The width of the receptive field of the last layer, in input cells.
    """
    r, jump = 1, 1  # r_l = r_{l-1} + (k_l - 1) * j_{l-1};  j_l = j_{l-1} * s_l
    for _, k, stride in _STACK:
        r, jump = r + (k - 1) * jump, jump * stride
    # four convolutions gave 38; the pooling adds 1 * 8, the convolution 2 * 16
    return r


def _measured_receptive_field(stack) -> int:
    """Width of the input patch one central output unit depends on (gradients)."""
    import torch
    from torch import nn

    layers = []
    for _, k, stride in stack:  # all-ones weights, average pooling: no zero by chance
        if stride == 1:
            conv = nn.Conv2d(1, 1, k, padding=k // 2, bias=False)
            nn.init.ones_(conv.weight)
            layers.append(conv)
        else:
            layers.append(nn.AvgPool2d(k, stride))
    x = torch.zeros(1, 1, 192, 192, requires_grad=True)
    out = nn.Sequential(*layers)(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1))
    return int(rows.max() - rows.min() + 1)


def check_receptive_field(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with the receptive field measured from gradients.

    Checker of exercise ``"receptive_field"``: the right width is measured on
    PyTorch layers, not taken from :func:`receptive_field`.

    Parameters
    ----------
    answer : int
        The reader's width in input cells.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    right = _measured_receptive_field(_STACK)
    if answer == right:
        return True, (
            f"{right} cells. After four convolutions and three poolings the field is "
            "38 cells and the jump 8; the pooling adds (2 - 1) * 8 and the convolution "
            f"(3 - 1) * 16: 38 + 8 + 32 = {right}."
        )
    if answer == 38 + 2 * 8:
        return False, "you left out the pooling: it adds (2 - 1) times the jump too."
    if answer == 38 + 8 + 2 * 8:
        return False, "the pooling doubles the jump before the convolution: 2 * 16."
    return False, (
        f"{'too small' if answer < right else 'too large'}. Start from 38 cells (after "
        "four convolutions, jump 8) and apply r += (k - 1) * jump, jump *= stride "
        "twice."
    )


def tiny_cnn_parameters() -> int:
    """Parameters of a TinyChordCNN with 8 kernels of 12 bins and 2 classes.

    Reference solution of exercise ``"tiny_cnn_parameters"`` of ``03_cnn``.

    Returns
    -------
    int
        Weights and biases of the convolution and of the dense layer.
    """
    n_kernels, width, n_classes = 8, 12, 2
    conv = n_kernels * width + n_kernels  # one weight per bin per kernel, one bias each
    dense = n_classes * n_kernels + n_classes  # global max: one number per kernel
    return conv + dense


def check_tiny_cnn_parameters(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with the count of PyTorch's layers.

    Checker of exercise ``"tiny_cnn_parameters"``.

    Parameters
    ----------
    answer : int
        The reader's count.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    from torch import nn

    layers = [nn.Conv1d(1, 8, kernel_size=12), nn.Linear(8, 2)]
    right = sum(p.numel() for layer in layers for p in layer.parameters())
    if answer == right:
        return True, (
            f"{right}: the convolution has 8 x 12 weights and 8 biases, the dense "
            "layer 2 x 8 weights and 2 biases. The input length (84 bins) does not "
            "matter: the global max leaves one number per kernel."
        )
    if answer in (8 * 12 + 2 * 8, right - 8, right - 2):
        return False, "count the biases too: one per kernel and one per class."
    if answer > 200:
        return False, (
            "too many: after the global max the dense layer sees one number per "
            "kernel, not one per position."
        )
    return False, (
        "count 8 kernels x 12 weights + 8 biases, then 2 x 8 weights + 2 biases."
    )


def _labels_and_constant(prevalence: float, n: int = 1000):
    y = np.zeros(n, dtype=int)
    y[: int(round(prevalence * n))] = 1
    return y, np.full(n, 0.3)


def constant_tagger_roc_auc() -> float:
    """ROC-AUC of a tagger that gives every segment the same score.

    Reference solution of exercise ``"constant_tagger_roc_auc"`` of ``03_cnn``.

    Returns
    -------
    float
        The ROC-AUC.
    """
    from sklearn.metrics import roc_auc_score

    y, constant = _labels_and_constant(0.2)  # any labels with both classes
    # every pair (with the tag, without) is a tie, and a tie counts one half
    return float(roc_auc_score(y, constant))


def check_constant_tagger_roc_auc(answer: float) -> tuple[bool, str]:
    """Compare ``answer`` with scikit-learn's ROC-AUC of a constant score.

    Checker of exercise ``"constant_tagger_roc_auc"``.

    Parameters
    ----------
    answer : float
        The reader's ROC-AUC.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    from sklearn.metrics import roc_auc_score

    right = float(roc_auc_score(*_labels_and_constant(0.35)))
    if math.isclose(answer, right, abs_tol=0.01):
        return True, (
            f"{right:.1f}: every pair of a segment with the tag and one without is a "
            "tie, and a tie counts one half. Chance is 0.5 whatever the tag's "
            "frequency."
        )
    if math.isclose(answer, 0.0, abs_tol=0.01):
        return False, "ties are not losses: a tied pair counts one half."
    return False, (
        "the ROC-AUC is the probability that a random segment with the tag scores "
        "above a random one without it; with equal scores, every pair is a tie."
    )


def constant_tagger_pr_auc() -> float:
    """PR-AUC (average precision) of a constant tagger for a tag on 20 % of segments.

    Reference solution of exercise ``"constant_tagger_pr_auc"`` of ``03_cnn``.

    Returns
    -------
    float
        The average precision.
    """
    from sklearn.metrics import average_precision_score

    y, constant = _labels_and_constant(0.2)
    # one threshold only: every segment is predicted, so the precision is 20 %
    return float(average_precision_score(y, constant))


def check_constant_tagger_pr_auc(answer: float) -> tuple[bool, str]:
    """Compare ``answer`` with scikit-learn's average precision of a constant score.

    Checker of exercise ``"constant_tagger_pr_auc"``.

    Parameters
    ----------
    answer : float
        The reader's PR-AUC.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    from sklearn.metrics import average_precision_score

    right = float(average_precision_score(*_labels_and_constant(0.2)))
    if math.isclose(answer, right, abs_tol=0.01):
        return True, (
            f"{right:.1f}: with one score for all, the only threshold predicts the tag "
            "everywhere, at recall 1 and precision equal to the tag's frequency. So "
            "the PR-AUC of chance is the frequency: rare tags start low."
        )
    if math.isclose(answer, 0.5, abs_tol=0.01):
        return False, (
            "0.5 is chance for the ROC-AUC; for the PR-AUC it depends on the tag."
        )
    return False, (
        "predicting the tag for every segment finds all of them (recall 1); what "
        "fraction of those predictions is right?"
    )


def _triad_profiles(roots, n: int, seed: int, transpose: int = 0):
    """Log-CQT profiles of ``n`` major and minor triads, as in ``03_cnn`` section 3.3.

    Returns ``(P [shape=(n, 84)], y [shape=(n,)])``: one dB profile per chord
    (the time average of its CQT) and its quality (0 major, 1 minor), the chords
    on random roots from ``roots`` with a random gain per voice.
    """
    from ..audio import harmonic_tone
    from ..features import cqt, to_db

    rng = np.random.default_rng(seed)
    chords = [(int(rng.choice(roots)), i % 2, rng.uniform(0.3, 1.0, size=3))
              for i in range(n)]
    intervals = [(0, 4, 7), (0, 3, 7)]  # major, minor
    audio = [0.15 * sum(g * harmonic_tone(root + transpose + s, decay=2.0)
                        for g, s in zip(gains, intervals[q], strict=True))
             for root, q, gains in chords]
    P = np.stack([to_db(cqt(a), power=False).mean(axis=1) for a in audio])
    return P, np.array([q for _, q, _ in chords])


def _transposed_accuracy(*, pool: str = "max", roots=(48, 60), n_train: int = 80,
                         n_test: int = 40, num_epochs: int = 80) -> float:
    """Section 3.3's experiment with one change: the worse test accuracy on C
    triads moved up one and two semitones.

    ``pool``: ``"max"`` or ``"mean"`` over positions, or ``"dense"`` (a dense
    layer reads every position); ``roots``: the training chords' roots (MIDI).
    """
    import torch
    from torch import nn

    from ..training import accuracy_of, fit

    P, y = _triad_profiles(roots, n_train, seed=1)
    center, scale = P.mean(), P.std()  # training chords only

    def as_input(profiles):
        return torch.as_tensor((profiles - center) / scale, dtype=torch.float32)[:, None]

    torch.manual_seed(0)
    conv = nn.Conv1d(1, 6, kernel_size=8)  # (batch, 6, 77)
    if pool == "dense":
        model = nn.Sequential(conv, nn.ReLU(), nn.Flatten(), nn.Linear(6 * 77, 2))
    else:
        reduce = (lambda h: h.amax(dim=-1)) if pool == "max" else (lambda h: h.mean(dim=-1))
        model = nn.Sequential(conv, nn.ReLU(), _Lambda(reduce), nn.Linear(6, 2))
    fit(model, (as_input(P), torch.as_tensor(y)), loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=1e-2), num_epochs=num_epochs,
        batch_size=32, progress=False)
    scores = []
    for k in (1, 2):
        P_test, y_test = _triad_profiles((48, 60), n_test, seed=2, transpose=k)
        scores.append(accuracy_of(model, as_input(P_test), y_test))
    return min(scores)


def _Lambda(f):
    """A module that applies ``f`` (global pooling inside ``nn.Sequential``)."""
    from torch import nn

    class Pool(nn.Module):
        def forward(self, x):
            return f(x)

    return Pool()


def global_mean_pooling() -> float:
    """Section 3.3 with a global *mean* in place of the global max.

    Reference run of experiment exercise ``"global_mean_pooling"`` of ``03_cnn``,
    shown by :func:`~helpers.exercises.solution`: the convolution of
    ``TinyChordCNN``, averaged over all positions, trained on C triads.

    Returns
    -------
    float
        The worse test accuracy on C triads moved up one and two semitones.
    """
    return _transposed_accuracy(pool="mean")


def dense_reader_every_root() -> float:
    """Section 3.3's position-reading model, trained on triads on every root.

    Reference run of experiment exercise ``"dense_reader_every_root"`` of
    ``03_cnn``: ``PositionalCNN`` trained on triads on all twelve roots of
    C3 to B3 instead of C only.

    Returns
    -------
    float
        The worse test accuracy on C triads moved up one and two semitones.
    """
    return _transposed_accuracy(pool="dense", roots=tuple(range(48, 60)))


def invariance_outcome(accuracy: float) -> str:
    """Which outcome a transposed-chord accuracy shows (chance is 0.5).

    Outcome function of the experiment exercises ``"global_mean_pooling"`` and
    ``"dense_reader_every_root"``.

    Parameters
    ----------
    accuracy : float
        The worse accuracy on chords moved up one and two semitones.

    Returns
    -------
    str
        ``"stays high"`` (at least 0.85), ``"near chance"`` (at most 0.65) or
        ``"in between"``.
    """
    if accuracy >= 0.85:
        return "stays high"
    return "near chance" if accuracy <= 0.65 else "in between"


EXERCISES = (
    Exercise("receptive_field", receptive_field, check_receptive_field, Integral,
             "a whole number of input cells (an int)"),
    Exercise("tiny_cnn_parameters", tiny_cnn_parameters, check_tiny_cnn_parameters,
             Integral, "a whole number of parameters (an int)"),
    Exercise("constant_tagger_roc_auc", constant_tagger_roc_auc,
             check_constant_tagger_roc_auc, Real, "a number between 0 and 1"),
    Exercise("constant_tagger_pr_auc", constant_tagger_pr_auc,
             check_constant_tagger_pr_auc, Real, "a number between 0 and 1"),
    Exercise(
        "global_mean_pooling",
        solution=global_mean_pooling,
        kind="experiment",
        outcomes=("stays high", "in between", "near chance"),
        outcome_of=invariance_outcome,
        expected="stays high",
        expects=Real,
        answer="the worse accuracy on the transposed chords (a number: moved)",
        edit='set pool_exercise = "mean" in the exercise\'s cell and run it',
        why=("the mean over positions, like the max, forgets where a pattern was: "
             "shifting the input shifts the feature maps and leaves their mean "
             "alone (up to the edges)."),
        hint=("does the mean of a feature map change when the map is shifted by a "
              "position or two?"),
    ),
    Exercise(
        "dense_reader_every_root",
        solution=dense_reader_every_root,
        kind="experiment",
        outcomes=("stays high", "in between", "near chance"),
        outcome_of=invariance_outcome,
        expected="stays high",
        expects=Real,
        answer="the worse accuracy on the transposed chords (a number: moved)",
        edit="set train_roots = range(48, 60) in the exercise's cell and run it",
        why=("the dense layer still reads positions, but now it has seen chords at "
             "every position the test uses: the data taught what the architecture "
             "did not."),
        hint=("the test chords sit on C#, D and their octaves: has the model seen "
              "chords there during training?"),
    ),
)
