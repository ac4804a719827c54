"""Tests for helpers.datasets.shape_probes: clips labelled by timbre and tempo."""

import numpy as np
import pytest

from helpers.datasets import SHAPE_LABELS, make_shape_probes
from helpers.errors import ParameterError


def test_shape_probes_are_deterministic_and_balanced():
    a, b = make_shape_probes(40, seed=3), make_shape_probes(40, seed=3)
    assert a["audio"].shape == (40, 22050) and a["audio"].dtype == np.float32
    assert np.array_equal(a["audio"], b["audio"])
    assert not np.array_equal(a["audio"], make_shape_probes(40, seed=4)["audio"])
    for name in SHAPE_LABELS:
        assert set(np.unique(a[name])) == {0, 1}
    assert np.abs(a["audio"]).max() <= 0.3 + 1e-6


def test_shape_probes_tempo_is_the_note_rate():
    import librosa

    probes = make_shape_probes(12, seed=0)
    for y, fast in zip(probes["audio"], probes["tempo"], strict=True):
        onsets = librosa.onset.onset_detect(y=y, sr=22050, units="time")
        gaps = np.diff(onsets)
        assert np.median(gaps) == pytest.approx(0.15 if fast else 0.25, abs=0.03)


def test_shape_probes_reject_bad_n():
    with pytest.raises(ParameterError):
        make_shape_probes(0)
