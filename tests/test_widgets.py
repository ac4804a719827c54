import ipywidgets as widgets
import matplotlib.figure
import matplotlib.pyplot
import numpy as np
import pytest

from helpers import widgets as W
from helpers.errors import ParameterError


def test_explorer_static_draws_each_setting():
    calls = []

    def draw(ax, gain):
        calls.append(gain)
        ax.plot([0, 1], [0, gain])

    control = {"gain": widgets.FloatSlider(value=1.0, min=0, max=2)}
    fig = W.explorer(draw, control, static=True, static_values=[{"gain": 0.5}, {}])
    assert isinstance(fig, matplotlib.figure.Figure)
    assert calls == [0.5, 1.0]
    assert len(fig.axes) == 2


def test_explorer_live_returns_a_widget_that_redraws(monkeypatch):
    calls = []
    control = {"gain": widgets.FloatSlider(value=1.0)}
    view = W.explorer(lambda ax, gain: calls.append(gain), control, static=False)
    assert isinstance(view, widgets.VBox)
    control["gain"].value = 0.25
    assert calls[-1] == 0.25


def test_explorer_labels_every_control():
    controls = {"hop_length": widgets.IntSlider(value=1),
                "kind": widgets.Dropdown(options=["a"], description="what")}
    W.explorer(lambda ax, hop_length, kind: None, controls, static=False)
    assert [c.description for c in controls.values()] == ["hop length", "what"]


def test_explorer_follows_the_static_switch(monkeypatch):
    monkeypatch.setenv("MIRDL_STATIC", "1")
    control = {"gain": widgets.FloatSlider(value=1.0)}
    assert isinstance(
        W.explorer(lambda ax, gain: None, control), matplotlib.figure.Figure
    )


def test_explorer_needs_controls():
    with pytest.raises(ParameterError, match="controls"):
        W.explorer(lambda ax: None, {})


def test_representation_explorer_both_ways(harmonic_note, sr):
    fig = W.representation_explorer(harmonic_note, sr, static=True)
    assert len(fig.axes) >= 3
    assert isinstance(
        W.representation_explorer(harmonic_note, sr, static=False), widgets.VBox
    )


@pytest.mark.parametrize("kind", W.REPRESENTATIONS)
def test_draw_representation_every_kind(harmonic_note, sr, kind):
    fig, ax = W.draw_representation(harmonic_note, sr, kind=kind)
    assert kind in ax.get_title()


def test_draw_representation_bad_kind(harmonic_note):
    with pytest.raises(ParameterError, match="kind"):
        W.draw_representation(harmonic_note, kind="wavelet")


@pytest.mark.parametrize(
    "kind, rows",
    [
        ("stft_magnitude", 513),
        ("log_stft", 513),
        ("log_mel", 128),
        ("log_cqt", 84),
        ("chroma", 12),
        ("mfcc", 20),
    ],
)
def test_draw_representation_draws_the_kind_asked_for(kind, rows):
    y = np.random.default_rng(0).standard_normal(22050).astype(np.float32) * 0.1
    fig, ax = W.draw_representation(y, kind=kind, n_fft=1024, hop_length=256)
    image = ax.collections[0] if ax.collections else ax.images[0]
    assert image.get_array().reshape(rows, -1).shape[0] == rows
    matplotlib.pyplot.close(fig)


def test_without_ipywidgets_the_explorers_draw_static_figures(monkeypatch,
                                                              harmonic_note):
    """``widgets`` promised a static fallback without ipywidgets but imported it
    unconditionally (``representation_explorer`` raised ImportError)."""
    import sys

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import raises ImportError
    monkeypatch.setenv("MIRDL_STATIC", "0")
    view = W.representation_explorer(harmonic_note)
    assert isinstance(view, matplotlib.figure.Figure) and len(view.axes) >= 3
    control = type("Control", (), {"value": 1, "description": "x"})()
    fig = W.explorer(lambda ax, x: ax.plot([x]), {"x": control})
    assert isinstance(fig, matplotlib.figure.Figure)
    with pytest.raises(ParameterError, match="pip install ipywidgets"):
        W.explorer(lambda ax, x: None, {"x": control}, static=False)
