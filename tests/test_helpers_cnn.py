"""Helpers added for notebook 03: plot_bars, tag_thresholds, make_shape_probes."""

import numpy as np
import pytest
from sklearn.metrics import f1_score

from helpers.datasets import SHAPE_LABELS, make_shape_probes
from helpers.errors import ParameterError
from helpers.metrics import tag_thresholds
from helpers.plotting import plot_bars


def test_plot_bars_draws_one_bar_per_group_and_series():
    scores = {"timbre": {"tall": 1.0, "wide": 0.7}, "tempo": {"tall": 0.5, "wide": 1.0}}
    spread = {g: {s: 0.05 for s in v} for g, v in scores.items()}
    fig, ax = plot_bars(scores, spread=spread, chance=0.5, ylabel="accuracy", title="t")
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == [0.5, 0.7, 1.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["timbre", "tempo"]
    assert ax.get_ylabel() == "accuracy" and ax.get_title() == "t"
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == {"tall", "wide", "chance"}


def test_plot_bars_rejects_empty_or_ragged_scores():
    with pytest.raises(ParameterError, match="at least one group"):
        plot_bars({})
    with pytest.raises(ParameterError, match="must have the series"):
        plot_bars({"a": {"x": 1.0}, "b": {"y": 1.0}})


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
