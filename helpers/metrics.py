"""Metrics for classification and for MIR tasks (first imported in ``03_cnn``).

Classification metrics take either logits or predicted class ids, as PyTorch
tensors or NumPy arrays, so that they work on what :func:`helpers.training.predict`
returns:

- :func:`accuracy` skips padded targets (``ignore_index``), so frame-wise
  accuracy of a sequence model is one call.
- :func:`per_class_scores` and :func:`confusion_matrix` wrap scikit-learn.

MIR metrics go through ``mir_eval``, the reference implementation that papers
report, rather than hand-written versions:

- :func:`chord_scores` (duration-weighted root and major/minor accuracy), with
  :func:`helpers.chords.frames_to_segments` to turn frame-wise predictions
  into the labelled intervals it expects; :func:`score_chord_pieces` scores a
  chord recogniser on any list of pieces with reference chord segments;
- :func:`onset_scores` and :func:`beat_scores`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .chords import CHORD_CLASSES, frames_to_segments
from .errors import ParameterError
from .validate import one_of, positive_number

__all__ = [
    "IGNORE_INDEX", "check_class_axis", "accuracy", "per_class_scores",
    "confusion_matrix", "chord_scores", "score_chord_pieces", "onset_scores",
    "beat_scores", "tag_thresholds",
]  # fmt: skip

#: Target value that marks padding, as in ``torch.nn.CrossEntropyLoss``.
IGNORE_INDEX = -100


def _to_numpy(x, name: str) -> np.ndarray:
    if hasattr(x, "detach"):  # a torch.Tensor, on any device
        x = x.detach().float().cpu() if x.is_floating_point() else x.detach().cpu()
        return x.numpy()
    try:
        return np.asarray(x)
    except Exception as err:  # ragged lists and the like
        raise ParameterError(
            f"{name} must be an array or tensor, got {type(x).__name__}"
        ) from err


def check_class_axis(shape: tuple, target_shape: tuple, *, name: str = "y_pred"
                     ) -> None:
    """Refuse logits of ``shape`` for targets of ``target_shape`` unless their
    class axis is the last, naming the axis to move.

    Logits have one axis more than their targets. ``(batch, classes, frames)``
    for targets ``(batch, frames)`` (the layout ``nn.CrossEntropyLoss`` takes,
    and a ``Conv1d``'s) is refused, and so is a shape whose class axis cannot
    be told (``frames == classes``). Used by :func:`accuracy` and the other
    classification metrics, and by :func:`helpers.training.fit`.

    Raises
    ------
    ParameterError
    """
    shape, target_shape = tuple(shape), tuple(target_shape)
    if len(shape) < 3 or len(shape) != len(target_shape) + 1:
        return
    last = shape[:-1] == target_shape
    second = shape[:1] + shape[2:] == target_shape
    if second and not last:
        raise ParameterError(
            f"{name} of shape {shape} has its class axis at dim 1 for targets of "
            f"shape {target_shape} (the layout of nn.CrossEntropyLoss and Conv1d); "
            "the class axis must be last: (batch, frames, classes). Move it in the "
            "model's forward: return out.transpose(1, 2)"
        )
    if second and last:
        raise ParameterError(
            f"cannot tell which axis of {name} {shape} holds the classes: it has "
            f"as many classes as frames ({shape[-1]}) for targets of shape "
            f"{target_shape}. The class axis must be last; use excerpts of another "
            "length than the number of classes"
        )


def _labels(y_true, y_pred, ignore_index: int | None):
    """Flatten targets and predictions to 1-D class ids, dropping padding.

    ``y_pred`` may be logits with one more (last) axis than ``y_true``:
    ``(..., n_classes)`` against ``(...)``.
    """
    true = _to_numpy(y_true, "y_true")
    if hasattr(y_pred, "detach"):  # a tensor, maybe on a GPU: only class ids copied
        check_class_axis(y_pred.shape, true.shape)
        if y_pred.ndim == true.ndim + 1:
            y_pred = y_pred.argmax(dim=-1)
    pred = _to_numpy(y_pred, "y_pred")
    check_class_axis(pred.shape, true.shape)
    if pred.ndim == true.ndim + 1:
        pred = pred.argmax(axis=-1)  # logits (..., n_classes) -> class ids
    if pred.shape != true.shape:
        raise ParameterError(
            f"y_pred must have the shape of y_true {true.shape} (class ids) or "
            f"that shape plus a class axis (logits), got {pred.shape}"
        )
    true, pred = true.reshape(-1), pred.reshape(-1)
    if true.size and not np.issubdtype(true.dtype, np.integer):
        if not np.all(np.mod(true, 1) == 0):
            raise ParameterError(
                f"y_true must hold integer class ids, got dtype {true.dtype}"
            )
        true = true.astype(np.int64)
    if ignore_index is not None:
        keep = true != ignore_index
        true, pred = true[keep], pred[keep]
    return true, pred.astype(np.int64, copy=False)


def accuracy(y_true, y_pred, *, ignore_index: int | None = IGNORE_INDEX) -> float:
    """Fraction of correct predictions, skipping padded targets.

    The default metric of :func:`helpers.training.fit` for a cross-entropy loss,
    and the body of :func:`helpers.training.accuracy_of`. Every metric here takes
    ``(y_true, y_pred)`` in scikit-learn's order, as fit's metric callables do.

    Parameters
    ----------
    y_true : torch.Tensor or np.ndarray [shape=(...,)], integer
        Target class ids.
    y_pred : torch.Tensor or np.ndarray [shape=(...,) or (..., n_classes)]
        Predicted class ids, or logits/probabilities with the class axis last.
    ignore_index : int or None
        Targets equal to this value (padding) are not counted.

    Returns
    -------
    accuracy : float
        In ``[0, 1]``; ``nan`` when no target is left to count.
    """
    true, pred = _labels(y_true, y_pred, ignore_index)
    if true.size == 0:
        return float("nan")
    return float(np.mean(true == pred))


def per_class_scores(
    y_true,
    y_pred,
    *,
    labels: Sequence[int] | None = None,
    ignore_index: int | None = IGNORE_INDEX,
) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and support for each class (scikit-learn).

    A class that is never predicted gets precision 0 (not a warning).

    Parameters
    ----------
    y_true : array-like [shape=(...,)], integer
        Target class ids.
    y_pred : array-like [shape=(...,) or (..., n_classes)]
        Predicted class ids or logits.
    labels : sequence of int, optional
        The classes to report, in this order; default: those that occur.
    ignore_index : int or None
        Targets equal to this value (padding) are skipped.

    Returns
    -------
    scores : dict
        ``"labels"``, ``"precision"``, ``"recall"``, ``"f1"`` and ``"support"``,
        each an ``np.ndarray [shape=(n_classes,)]``.
    """
    from sklearn.metrics import precision_recall_fscore_support

    true, pred = _labels(y_true, y_pred, ignore_index)
    if labels is None:
        labels = np.unique(np.concatenate([true, pred]))
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size == 0:
        raise ParameterError("per_class_scores needs at least one target")
    p, r, f, s = precision_recall_fscore_support(
        true, pred, labels=labels, average=None, zero_division=0
    )
    return {"labels": labels, "precision": p, "recall": r, "f1": f, "support": s}


def confusion_matrix(
    y_true,
    y_pred,
    *,
    labels: Sequence[int] | None = None,
    normalize: str | None = None,
    ignore_index: int | None = IGNORE_INDEX,
) -> np.ndarray:
    """Confusion matrix, rows are true classes and columns predicted ones.

    Introduced in ``03_cnn``; drawn by ``helpers.plotting``.

    Parameters
    ----------
    y_true, y_pred, labels, ignore_index
        As in :func:`per_class_scores`.
    normalize : {None, "true", "pred", "all"}
        Counts (``None``), or fractions per row, per column or of the total.

    Returns
    -------
    C : np.ndarray [shape=(n_classes, n_classes)]
        ``C[i, j]`` counts targets of class ``labels[i]`` predicted as
        ``labels[j]``.
    """
    from sklearn.metrics import confusion_matrix as _cm

    one_of(normalize, "normalize", (None, "true", "pred", "all"))
    true, pred = _labels(y_true, y_pred, ignore_index)
    if labels is None:
        labels = np.unique(np.concatenate([true, pred]))
    if len(labels) == 0:
        raise ParameterError("confusion_matrix needs at least one target")
    return _cm(true, pred, labels=np.asarray(labels), normalize=normalize)


def _intervals(x, name: str) -> np.ndarray:
    x = _to_numpy(x, name).astype(float)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ParameterError(
            f"{name} must have shape (n_segments, 2) in seconds, got {x.shape}"
        )
    return x


def chord_scores(ref_intervals, ref_labels, est_intervals, est_labels) -> dict:
    """Duration-weighted chord accuracy through ``mir_eval.chord``.

    The body of :func:`score_chord_pieces` for one piece. The estimate is
    trimmed or padded with no-chord (``"N"``) to the span of the reference,
    both are cut at every boundary of either, and each piece counts by its
    duration, as in MIREX.

    Parameters
    ----------
    ref_intervals, est_intervals : np.ndarray [shape=(n, 2)]
        Segment start and end times in seconds.
    ref_labels, est_labels : list of str [length=n]
        Chord labels in Harte syntax (``"C:maj"``, ``"A:min"``, ``"N"``).

    Returns
    -------
    scores : dict
        ``"root"`` (same root), ``"majmin"`` (same root and major/minor
        quality, other chords skipped) and ``"mirex"`` (at least three common
        notes), each in ``[0, 1]``.
    """
    import mir_eval

    ref_intervals = _intervals(ref_intervals, "ref_intervals")
    est_intervals = _intervals(est_intervals, "est_intervals")
    if len(ref_labels) != len(ref_intervals) or len(est_labels) != len(est_intervals):
        raise ParameterError(
            "each interval needs one label: got "
            f"{len(ref_intervals)} ref intervals and {len(ref_labels)} labels, "
            f"{len(est_intervals)} est intervals and {len(est_labels)} labels"
        )
    try:
        chord, span = mir_eval.chord, (ref_intervals.min(), ref_intervals.max())
        est_intervals, est_labels = mir_eval.util.adjust_intervals(
            est_intervals, list(est_labels), *span, chord.NO_CHORD, chord.NO_CHORD
        )
        intervals, ref_l, est_l = mir_eval.util.merge_labeled_intervals(
            ref_intervals, list(ref_labels), est_intervals, est_labels
        )
        durations = mir_eval.util.intervals_to_durations(intervals)
        return {
            name: float(chord.weighted_accuracy(fn(ref_l, est_l), durations))
            for name, fn in (("root", chord.root), ("majmin", chord.majmin),
                             ("mirex", chord.mirex))
        }
    except (ValueError, mir_eval.chord.InvalidChordException) as err:
        raise ParameterError(f"chord_scores: {err}") from err


def score_chord_pieces(items, recognise, *, names=None) -> dict:
    """Score a frame-wise chord recogniser on any pieces with reference chords.

    Introduced in ``04_rnn``: the same function scores the test split, pieces
    rendered with other instruments, or your own annotated audio. Each piece's
    frame ids become segments (:func:`helpers.chords.frames_to_segments`, the
    package's one frame convention) and are scored with :func:`chord_scores`
    and ``mir_eval.chord.seg``; the means weigh each piece by its duration.

    Parameters
    ----------
    items : sequence of dict
        Each with ``"chords"``: reference segments ``[start_s, end_s, label]``
        (Harte labels), and whatever ``recognise`` reads (e.g. ``audio_path``).
    recognise : callable, (item) -> array-like [shape=(frames,)], int
        One class id per frame (``HOP_LENGTH`` apart, at ``SR``).
    names : sequence of str or None
        Label of each class id; ``None``: :data:`helpers.chords.CHORD_CLASSES`.

    Returns
    -------
    scores : dict
        ``"root"``, ``"majmin"``, ``"mirex"``, ``"segmentation"`` (in [0, 1])
        and ``"segments / reference"`` (predicted segments per reference
        segment), duration-weighted means; ``"per_piece"``: the same keys for
        each piece, a list in the order of ``items``, each with its
        ``"estimate"`` too, the predicted ``(intervals, labels)`` (e.g. for
        :func:`helpers.chords.sonify_chords`).
    """
    import mir_eval

    items = list(items)
    if not items or not callable(recognise):
        raise ParameterError(
            "score_chord_pieces needs a non-empty list of items and a callable "
            f"recognise(item) -> frame ids, got {len(items)} items and "
            f"{type(recognise).__name__}"
        )
    per_piece, weights = [], []
    for item in items:
        if "chords" not in item or not item["chords"]:
            raise ParameterError("every item needs reference 'chords' segments")
        ref_intervals = np.array([[s, e] for s, e, _ in item["chords"]], float)
        ref_labels = [label for _, _, label in item["chords"]]
        est_intervals, est_labels = frames_to_segments(
            recognise(item), names=CHORD_CLASSES if names is None else names
        )
        scores = chord_scores(ref_intervals, ref_labels, est_intervals, est_labels)
        adjusted, _ = mir_eval.util.adjust_intervals(
            est_intervals, est_labels, ref_intervals.min(), ref_intervals.max()
        )
        scores["segmentation"] = float(mir_eval.chord.seg(ref_intervals, adjusted))
        scores["segments / reference"] = len(est_labels) / len(ref_labels)
        means_of = list(scores)
        scores["estimate"] = (est_intervals, est_labels)
        per_piece.append(scores)
        weights.append(ref_intervals.max() - ref_intervals.min())
    means = {key: float(np.average([s[key] for s in per_piece], weights=weights))
             for key in means_of}
    return means | {"per_piece": per_piece}


def _event_times(x, name: str) -> np.ndarray:
    x = _to_numpy(x, name).astype(float)
    if x.ndim != 1:
        raise ParameterError(f"{name} must be 1-D times in seconds, got {x.shape}")
    if x.size and (np.any(np.diff(x) < 0) or x[0] < 0):
        raise ParameterError(f"{name} must be sorted, non-negative times in seconds")
    return x


def onset_scores(reference, estimated, *, window: float = 0.05) -> dict:
    """Onset detection F-measure, precision and recall (``mir_eval.onset``).

    Introduced in ``03_cnn``. An estimate counts as correct when it lies within
    ``window`` seconds of a reference onset, each matched at most once.

    Parameters
    ----------
    reference, estimated : array-like [shape=(n,)]
        Sorted onset times in seconds.
    window : float > 0
        Tolerance in seconds (MIREX: 0.05).

    Returns
    -------
    scores : dict
        ``"f_measure"``, ``"precision"``, ``"recall"``.
    """
    import mir_eval

    ref = _event_times(reference, "reference")
    est = _event_times(estimated, "estimated")
    positive_number(window, "window", unit="seconds")
    if ref.size == 0:
        raise ParameterError("reference must hold at least one onset")
    if est.size == 0:  # nothing detected: all scores 0 (mir_eval would warn)
        return {"f_measure": 0.0, "precision": 0.0, "recall": 0.0}
    f, p, r = mir_eval.onset.f_measure(ref, est, window=window)
    return {"f_measure": float(f), "precision": float(p), "recall": float(r)}


def beat_scores(reference, estimated, *, min_beat_time: float = 5.0) -> dict:
    """Beat tracking scores through ``mir_eval.beat``.

    No notebook calls it yet: it scores beat trackers against the chorales'
    ``beats`` labels (``docs/training.md``, on metrics). As in MIREX, beats before
    ``min_beat_time`` seconds are ignored (tempo is still settling); pass 0 for
    short excerpts.

    Parameters
    ----------
    reference, estimated : array-like [shape=(n,)]
        Sorted beat times in seconds.
    min_beat_time : float >= 0
        Beats earlier than this are dropped from both lists.

    Returns
    -------
    scores : dict
        ``"f_measure"`` (70 ms window), ``"cemgil"``, ``"p_score"``, and the
        continuity scores ``"cmlt"`` (correct metrical level) and ``"amlt"``
        (allowing double/half tempo and off-beat), each in ``[0, 1]``.
    """
    import mir_eval

    ref = _event_times(reference, "reference")
    est = _event_times(estimated, "estimated")
    if min_beat_time < 0:
        raise ParameterError(f"min_beat_time must be >= 0, got {min_beat_time!r}")
    ref = mir_eval.beat.trim_beats(ref, min_beat_time=min_beat_time)
    est = mir_eval.beat.trim_beats(est, min_beat_time=min_beat_time)
    if ref.size < 2:
        raise ParameterError(
            f"reference needs at least two beats after {min_beat_time} s, "
            f"got {ref.size}"
        )
    beat = mir_eval.beat
    _, cmlt, _, amlt = map(float, beat.continuity(ref, est))
    return {"f_measure": float(beat.f_measure(ref, est)),
            "cemgil": float(beat.cemgil(ref, est)[0]),
            "p_score": float(beat.p_score(ref, est)), "cmlt": cmlt, "amlt": amlt}


def tag_thresholds(Y, P) -> np.ndarray:
    """One decision threshold per tag: the one with the best F1 on ``(Y, P)``.

    Introduced in ``03_cnn``, which chooses them on the validation split (never
    on the test split). A tag whose column holds no positive gets 0.5.

    Parameters
    ----------
    Y : array-like [shape=(n, n_tags)]
        Multi-hot targets (1 where the item has the tag).
    P : array-like [shape=(n, n_tags)]
        Scores, e.g. sigmoid outputs; higher means more likely.

    Returns
    -------
    thresholds : np.ndarray [shape=(n_tags,)]
        Predict tag ``j`` where ``P[:, j] >= thresholds[j]``.

    Raises
    ------
    ParameterError
        If ``Y`` and ``P`` are not 2-D arrays of the same shape.
    """
    from sklearn.metrics import precision_recall_curve

    Y, P = _to_numpy(Y, "Y"), _to_numpy(P, "P")
    if Y.ndim != 2 or Y.shape != P.shape:
        raise ParameterError(
            f"Y and P must be 2-D of the same shape, got {Y.shape} and {P.shape}"
        )
    thresholds = np.full(Y.shape[1], 0.5)
    for j in range(Y.shape[1]):
        if Y[:, j].any():
            precision, recall, cuts = precision_recall_curve(Y[:, j], P[:, j])
            f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
            thresholds[j] = cuts[int(np.argmax(f1[:-1]))]
    return thresholds
