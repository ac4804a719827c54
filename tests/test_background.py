"""helpers.background: the data preparation behind notebook 01's small experiments."""

import matplotlib
import numpy as np
import pytest
import torch

from helpers import background as bg

matplotlib.use("Agg")


@pytest.mark.parametrize("rate", [0.8, 1.0, 1.25])
def test_stretch_frames_keeps_the_shape(rate):
    X = torch.randn(2, 5, 40)
    Y = bg.stretch_frames(X, rate)
    assert Y.shape == X.shape
    if rate == 1.0:
        assert torch.allclose(Y, X)
    if rate > 1:  # shorter content, the end filled with each example's last frame
        m = round(40 / rate)
        assert torch.equal(Y[..., m:], Y[..., m - 1:m].expand(-1, -1, 40 - m))


def test_mix_notes_tags_both_families_and_keeps_single_notes():
    rng = np.random.default_rng(0)
    X = torch.full((6, 3, 4), -80.0)
    X[:, 0] = 0.0  # every note: 0 dB in band 0
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    M, T = bg.mix_notes(X, y, [0, 2], rng, pairs_per_note=5)
    n_single = 4  # notes of classes 0 and 2
    assert T.shape[1] == 2 and len(M) == len(T)
    assert torch.all(T[:-n_single].sum(1) == 2)  # pairs of different classes
    assert torch.all(T[-n_single:].sum(1) == 1)
    # two notes at 0 dB add up to about +3 dB
    band0 = M[:-n_single, 0]
    assert torch.allclose(band0, torch.full_like(band0, 3.0103), atol=1e-3)


def test_figures_draw():
    bg.plot_milestones()
    bg.plot_pipelines()
    curves = {"a": ([10, 20], {"x": np.ones((2, 3))}),
              "b": ([10], {"x": np.ones((1, 3))})}
    fig, axes = bg.plot_learning_curves(curves, chance={"a": 0.1})
    assert len(axes) == 2
    bg.plot_lr_sweep(np.array([0.1, 1.0]), {"SGD": np.array([1.0, 2.0])})
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for name in ("sigmoid", "tanh", "relu", "leaky relu", "softmax"):
        bg.draw_activation(ax, name, 2.0)
    plt.close("all")


def test_delay_frames_fills_with_each_examples_last_frame():
    X = torch.arange(2 * 3 * 6, dtype=torch.float32).reshape(2, 3, 6)
    Y = bg.delay_frames(X, 2)
    assert Y.shape == X.shape
    assert torch.equal(Y[..., 2:], X[..., :4])
    assert torch.equal(Y[..., :2], X[..., -1:].expand(-1, -1, 2))


def test_triad_profiles_have_the_quality_in_the_third():
    X, quality = bg.triad_profiles(4, np.random.default_rng(0), roots=(60,))
    assert X.shape == (4, 84) and quality.tolist() == [0, 1, 0, 1]
    c4 = 60 - 24  # CQT bin of C4: the CQT starts at C1 (MIDI 24)
    major, minor = X[0], X[1]
    assert major[c4 + 4] > major[c4 + 3] and minor[c4 + 3] > minor[c4 + 4]
    assert np.abs(bg.triad(60, 0, 0.5)).max() == pytest.approx(0.3)


def test_mix_notes_builds_its_tensors_on_the_notes_device(monkeypatch):
    """``mix_notes`` made its class tensors on the CPU whatever the notes' device:
    a spy on ``torch.tensor`` sees where each is made."""
    devices = []
    make = torch.tensor

    def spy(*args, **kwargs):
        devices.append(kwargs.get("device"))
        return make(*args, **kwargs)

    monkeypatch.setattr(torch, "tensor", spy)
    X, y = torch.full((6, 3, 4), -80.0), make([0, 1, 2, 0, 1, 2])
    bg.mix_notes(X, y, [0, 2], np.random.default_rng(0))
    assert devices and all(d == X.device for d in devices)
