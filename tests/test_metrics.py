"""Tests for helpers.metrics, against small hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import f1_score

from helpers.errors import ParameterError
from helpers.metrics import (
    accuracy,
    beat_scores,
    chord_scores,
    confusion_matrix,
    onset_scores,
    per_class_scores,
    tag_thresholds,
)

Y_TRUE = [0, 0, 1, 1, 2]
Y_PRED = [0, 1, 1, 1, 0]


def test_accuracy_from_labels_and_logits():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(3 / 5)
    logits = torch.nn.functional.one_hot(torch.tensor(Y_PRED), 3).float()
    assert accuracy(torch.tensor(Y_TRUE), logits) == pytest.approx(3 / 5)
    assert accuracy(np.array(Y_TRUE), logits.numpy()) == pytest.approx(3 / 5)


def test_accuracy_skips_padding_of_sequences():
    # (batch=2, frames=3) targets, the last frame of the second one is padding.
    y = torch.tensor([[0, 1, 2], [2, 2, -100]])
    logits = torch.zeros(2, 3, 4)  # (batch, frames, classes)
    logits[0, :, 0] = 1  # predicts 0, 0, 0: one right
    logits[1, :, 2] = 1  # predicts 2, 2, (2): two right, padding not counted
    assert accuracy(y, logits) == pytest.approx(3 / 5)
    assert accuracy(y, logits, ignore_index=None) == pytest.approx(3 / 6)


def test_accuracy_says_which_axis_holds_the_classes():
    """Logits (batch, classes, frames) gave "y_pred must have the shape of y_true
    (8, 5) ... got (8, 3)"; with classes == frames, a wrong number."""
    y = torch.zeros(8, 5, dtype=torch.long)
    with pytest.raises(ParameterError, match="class axis at dim 1") as info:
        accuracy(y, torch.zeros(8, 3, 5))
    assert "(batch, frames, classes)" in str(info.value)
    with pytest.raises(ParameterError, match="cannot tell which axis"):
        accuracy(y, np.zeros((8, 5, 5)))
    assert accuracy(y, torch.zeros(8, 5, 3)) == 1.0  # class axis last


def test_accuracy_rejects_bad_shapes():
    with pytest.raises(ParameterError, match="shape"):
        accuracy([0, 1, 2], [0, 1])
    with pytest.raises(ParameterError, match="integer"):
        accuracy([0.5, 1.0], [0, 1])


def test_per_class_scores_by_hand():
    s = per_class_scores(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(s["labels"], [0, 1, 2])
    np.testing.assert_allclose(s["precision"], [1 / 2, 2 / 3, 0])
    np.testing.assert_allclose(s["recall"], [1 / 2, 1, 0])
    np.testing.assert_allclose(s["f1"], [1 / 2, 0.8, 0])
    np.testing.assert_array_equal(s["support"], [2, 2, 1])


def test_confusion_matrix_by_hand():
    C = confusion_matrix(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    C = confusion_matrix(Y_TRUE, Y_PRED, labels=[0, 1, 2, 3], normalize="true")
    assert C.shape == (4, 4)
    np.testing.assert_allclose(C[0], [0.5, 0.5, 0, 0])
    with pytest.raises(ParameterError, match="normalize"):
        confusion_matrix(Y_TRUE, Y_PRED, normalize="rows")


def test_chord_scores_are_duration_weighted():
    ref_iv = np.array([[0.0, 2.0], [2.0, 4.0]])
    ref = ["C:maj", "A:min"]
    # Wrong root for 1 s out of 4.
    est_iv = np.array([[0.0, 1.0], [1.0, 4.0]])
    s = chord_scores(ref_iv, ref, est_iv, ["C:maj", "A:min"])
    assert s["root"] == pytest.approx(0.75)
    assert s["majmin"] == pytest.approx(0.75)
    # Right roots, wrong quality for the first half: root 1, majmin 0.5.
    s = chord_scores(ref_iv, ref, ref_iv, ["C:min", "A:min"])
    assert s["root"] == pytest.approx(1.0)
    assert s["majmin"] == pytest.approx(0.5)
    # An estimate that stops early is padded with no-chord.
    s = chord_scores(ref_iv, ref, np.array([[0.0, 2.0]]), ["C:maj"])
    assert s["root"] == pytest.approx(0.5)


def test_chord_scores_reject_bad_input():
    iv = np.array([[0.0, 1.0]])
    with pytest.raises(ParameterError, match="label"):
        chord_scores(iv, ["C:maj", "G:maj"], iv, ["C:maj"])
    with pytest.raises(ParameterError, match="shape"):
        chord_scores(np.array([0.0, 1.0]), ["C:maj"], iv, ["C:maj"])
    with pytest.raises(ParameterError):
        chord_scores(iv, ["C:nonsense"], iv, ["C:maj"])


def test_onset_scores_by_hand():
    s = onset_scores([1.0, 2.0, 3.0], [1.02, 2.1, 3.0])  # 2.1 is 100 ms late
    assert s["precision"] == pytest.approx(2 / 3)
    assert s["recall"] == pytest.approx(2 / 3)
    assert s["f_measure"] == pytest.approx(2 / 3)
    assert onset_scores([1.0], [1.08], window=0.1)["f_measure"] == 1.0
    with pytest.raises(ParameterError, match="sorted"):
        onset_scores([2.0, 1.0], [1.0])
    with pytest.raises(ParameterError, match="window"):
        onset_scores([1.0], [1.0], window=0)


def test_beat_scores():
    ref = np.arange(0.5, 10, 0.5)
    s = beat_scores(ref, ref, min_beat_time=0)
    assert s["f_measure"] == pytest.approx(1.0)
    assert s["cmlt"] == pytest.approx(1.0)
    # Off-beat by half a period: wrong metrical level, right allowing for it.
    s = beat_scores(ref, ref + 0.25, min_beat_time=0)
    assert s["f_measure"] == pytest.approx(0.0)
    assert s["amlt"] > 0.9
    with pytest.raises(ParameterError, match="two beats"):
        beat_scores([1.0, 2.0], [1.0, 2.0])  # both before 5 s


def test_tag_thresholds_maximise_f1_per_tag():
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(200, 3))
    P = np.clip(0.3 * Y + rng.uniform(0, 0.7, size=Y.shape), 0, 1)
    Y[:, 2] = 0  # a tag with no positive keeps 0.5
    t = tag_thresholds(Y, P)
    assert t.shape == (3,) and t[2] == 0.5
    for j in range(2):
        best = f1_score(Y[:, j], P[:, j] >= t[j])
        assert all(best >= f1_score(Y[:, j], P[:, j] >= c) - 1e-12 for c in P[:, j])
    with pytest.raises(ParameterError, match="same shape"):
        tag_thresholds(Y, P[:, :2])
