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
    "constant_tagger_roc_auc",
    "receptive_field",
    "short_wide_kernel",
    "tempo_outcome",
    "tiny_cnn_parameters",
    "transposed_copies",
    "transposed_outcome",
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


def _train(model, X, y, *, num_epochs: int, lr: float = 1e-2, seed: int = 0):
    """Adam and cross-entropy, batches of 32, as ``train_quietly`` of ``03_cnn``."""
    import torch
    from torch import nn

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_epochs):
        for batch in torch.randperm(len(y), generator=generator).split(32):
            loss = nn.functional.cross_entropy(model(X[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


def short_wide_kernel(width: int = 2, seed: int = 0) -> float:
    """Section 3.4's wide kernel on the tempo task, ``width`` frames long.

    Reference run of experiment exercise ``"short_wide_kernel"`` of ``03_cnn``,
    shown by :func:`~helpers.exercises.solution`: one convolution of 8 kernels
    of 1 band by ``width`` frames, ReLU, global max, dense, trained on the tempo
    label of :func:`~helpers.datasets.make_shape_probes` (120 training and 60
    test clips, 20 epochs; the notebook: 240 and 120, 30 epochs, in quick
    mode), from two seeds.

    Parameters
    ----------
    width : int
        Frames the kernel spans (16 reproduces section 3.4).
    seed : int
        Seeds the clips and the networks (``seed`` and ``seed + 1``).

    Returns
    -------
    float
        The mean test accuracy on the tempo label over the two networks (chance
        is 0.5).
    """
    import torch
    from torch import nn

    from ..datasets import make_shape_probes
    from ..features import Standardizer
    from ..torch_features import torch_log_mel

    train = make_shape_probes(120, seed=2 * seed)
    test = make_shape_probes(60, seed=2 * seed + 1)
    X_train, X_test = (torch_log_mel(torch.from_numpy(p["audio"]))
                       for p in (train, test))
    standardize = Standardizer().fit(X_train)  # one mean and std, training clips
    X_train, X_test = standardize(X_train)[:, None], standardize(X_test)[:, None]
    accuracy = []
    for net_seed in (seed, seed + 1):
        torch.manual_seed(net_seed)
        model = nn.Sequential(nn.Conv2d(1, 8, (1, width)), nn.ReLU(),
                              nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(8, 2))
        _train(model, X_train, torch.from_numpy(train["tempo"]), num_epochs=20,
               seed=net_seed)
        with torch.no_grad():
            predicted = model(X_test).argmax(dim=1).numpy()
        accuracy.append(float(np.mean(predicted == test["tempo"])))
    return float(np.mean(accuracy))


def tempo_outcome(accuracy: float) -> str:
    """Which outcome a test accuracy on the tempo label shows.

    Outcome function of experiment exercise ``"short_wide_kernel"``: 0.9 or
    more is ``"as high"`` (the 1 x 16 kernel of section 3.4 scores 1 in both
    modes), below 0.65 ``"at chance"`` (chance is 0.5; the tall kernel scores
    about 0.5), in between ``"in between"``.

    Parameters
    ----------
    accuracy : float
        Test accuracy on the tempo label.

    Returns
    -------
    str
    """
    if accuracy < 0.65:
        return "at chance"
    return "as high" if accuracy >= 0.9 else "in between"


def _triad_profiles(chords, transpose: int = 0) -> np.ndarray:
    """Log-CQT profiles of triads (root, quality, gains), as ``03_cnn`` renders them."""
    from ..audio import harmonic_tone
    from ..features import cqt, to_db

    intervals = [(0, 4, 7), (0, 3, 7)]  # major, minor
    audio = [0.15 * sum(g * harmonic_tone(root + transpose + s, decay=2.0)
                        for g, s in zip(gains, intervals[quality], strict=True))
             for root, quality, gains in chords]
    return np.stack([to_db(cqt(a), power=False).mean(axis=1) for a in audio])


def transposed_copies(shifts=(0, 1, 2), seed: int = 0) -> float:
    """Section 3.3's position-reading model, trained with transposed copies.

    Reference run of experiment exercise ``"transposed_copies"`` of
    ``03_cnn``, shown by :func:`~helpers.exercises.solution`: the convolution
    of 6 kernels of 8 bins with a dense layer over every position, trained on
    major and minor triads on C3 and C4 together with copies of them moved up by
    each of ``shifts`` semitones, tested on new C triads moved up one and two
    semitones (30 training and 20 test triads, 80 epochs; the notebook: 80 and
    40 in quick mode).

    Parameters
    ----------
    shifts : tuple of int
        The transpositions of the training triads (``(0,)``: section 3.3).
    seed : int
        Seeds the triads and the network.

    Returns
    -------
    float
        The test accuracy of the worse of the two transpositions (chance 0.5).
    """
    import torch
    from torch import nn

    rng = np.random.default_rng(seed)
    chords = [(int(rng.choice([48, 60])), i % 2, rng.uniform(0.3, 1.0, size=3))
              for i in range(50)]
    train, test = chords[:30], chords[30:]
    y_train, y_test = (torch.tensor([q for _, q, _ in c]) for c in (train, test))
    X_train = np.concatenate([_triad_profiles(train, k) for k in shifts])
    mean, std = X_train.mean(), X_train.std()  # one mean, one std: keeps shifts

    def as_input(P):
        return torch.as_tensor((P - mean) / std, dtype=torch.float32)[:, None]

    torch.manual_seed(seed)
    model = nn.Sequential(nn.Conv1d(1, 6, 8), nn.ReLU(), nn.Flatten(),
                          nn.Linear(6 * 77, 2))
    _train(model, as_input(X_train), y_train.repeat(len(shifts)), num_epochs=80,
           seed=seed)
    with torch.no_grad():
        return min(float((model(as_input(_triad_profiles(test, k))).argmax(dim=1)
                          == y_test).float().mean()) for k in (1, 2))


def transposed_outcome(accuracy: float) -> str:
    """Which outcome the worse accuracy on transposed triads shows.

    Outcome function of experiment exercise ``"transposed_copies"``: 0.9 or
    more is ``"as high as global max"`` (which scores 0.95 to 1 in section 3.3),
    below 0.65 ``"at chance"`` (as without the copies), in between
    ``"in between"``.

    Parameters
    ----------
    accuracy : float
        The worse of the test accuracies on triads moved up 1 and 2 semitones.

    Returns
    -------
    str
    """
    if accuracy < 0.65:
        return "at chance"
    return "as high as global max" if accuracy >= 0.9 else "in between"


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
        "transposed_copies",
        solution=transposed_copies,
        kind="experiment",
        outcomes=("as high as global max", "in between", "at chance"),
        outcome_of=transposed_outcome,
        expected="as high as global max",
        expects=Real,
        answer="the worse accuracy on chords moved up 1 and 2 semitones (a number: "
               "moved_accuracy)",
        edit="set shifts = (0, 1, 2) in the exercise's cell and run it",
        why=("the dense layer has now seen the chord patterns at every position it is "
             "tested on; the copies teach what global pooling builds in, but only for "
             "the shifts you copied."),
        hint=("the dense layer learns where the patterns lie in training: where do "
              "they lie in the transposed copies?"),
    ),
    Exercise(
        "short_wide_kernel",
        solution=short_wide_kernel,
        kind="experiment",
        outcomes=("as high", "in between", "at chance"),
        outcome_of=tempo_outcome,
        expected="at chance",
        expects=Real,
        answer="the tempo test accuracy (a number: tempo_accuracy)",
        edit="set wide = (1, 2) in the exercise's cell and run it",
        why=("two frames and the 93 ms STFT window span about 116 ms, less than the "
             "150 ms between two fast notes: no kernel position holds two onsets, and "
             "the global max cannot count them."),
        hint=("how much time does one kernel position see (frames 23 ms apart, "
              "plus the STFT window), and how far apart are two fast notes?"),
    ),
)
