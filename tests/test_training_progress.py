"""Tests for helpers.training's progress output: lines, bars and live curves."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from helpers.training import Progress, fit
from helpers.training import progress as progress_module

LOSS = nn.CrossEntropyLoss()


def make_data(n=32, d=8):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, d, generator=g)
    return X, (X[:, 0] > 0).long() + (X[:, 1] > 0).long()


def make_model():
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


def test_progress_lines_headless(capsys):
    X, y = make_data()
    fit(make_model(), (X, y), (X, y), loss_fn=LOSS, num_epochs=3)
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3 | train_loss")
    assert "| train_accuracy" in lines[0] and "| valid_accuracy" in lines[0]
    assert "it/s" not in out.err  # no progress bar in a log
    fit(make_model(), (X, y), loss_fn=LOSS, num_epochs=2, progress=False)
    assert capsys.readouterr().out == ""


class FakeHandle:
    """Stands in for a display handle: keeps what it showed, in order."""

    def __init__(self, obj):
        self.shown = [obj]

    def update(self, obj):
        self.shown.append(obj)


@pytest.fixture
def jupyter(monkeypatch):
    """A Jupyter kernel, as far as fit can tell; returns the displays' handles."""
    import IPython.display

    handles = []

    def display(obj, display_id=False):
        handles.append(FakeHandle(obj))
        return handles[-1]

    monkeypatch.setattr(progress_module, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(progress_module.NotebookBar.__init__, "__defaults__", (0.0,))
    return handles


def bars(handles):
    """The bar's states, as (desc, done, total), and what it ended as."""
    shown = [h.shown for h in handles if isinstance(h.shown[0], progress_module.Bar)]
    if not shown:
        return [], None
    (states,) = shown
    return [(b.desc, b.done, b.total) for b in states[:-1]], states[-1]


@pytest.mark.parametrize("static", [False, True])
def test_live_plot_in_jupyter(monkeypatch, capsys, jupyter, static):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if static:
        monkeypatch.setenv("MIRDL_STATIC", "1")
    else:
        monkeypatch.delenv("MIRDL_STATIC", raising=False)
    X, y = make_data()
    fit(make_model(), (X, y), (X, y), loss_fn=LOSS, num_epochs=3, batch_size=8)
    figures = [h for h in jupyter if isinstance(h.shown[0], Figure)]
    assert len(figures) == 1  # one figure, updated in place (live) or final (static)
    assert not plt.get_fignums()  # closed, so the inline backend does not redraw
    lines = capsys.readouterr().out.strip().splitlines()
    states, last = bars(jupyter)
    if static:  # headless: one summary line instead of a line per epoch; no bar
        assert len(lines) == 1 and lines[0].startswith("3 epochs in ")
        assert "best valid_loss" in lines[0] and "valid_accuracy" in lines[0]
        assert len(jupyter) == 1
    else:  # live: one display redrawn over the 4 steps of each epoch ...
        assert len(lines) == 3 and lines[0].startswith("epoch 1/3")
        assert len(jupyter) == 2
        for epoch in (1, 2, 3):
            steps = [done for desc, done, total in states if desc == f"epoch {epoch}/3"]
            assert steps == [0, 1, 2, 3, 4]
        # ... that ends as the summary line: plain text, no widget, no HTML bar
        assert isinstance(last, progress_module.Text)
        assert repr(last).startswith("3 epochs in ")


def test_bar_reads_as_text_and_html():
    bar = progress_module.Bar("epoch 2/5", 3, 12, 1.25)
    assert repr(bar) == "[#####...............] epoch 2/5: 3/12 steps, 1.2 s"
    assert '<progress value="3" max="12"' in bar._repr_html_()
    assert repr(progress_module.Bar("epoch 1/1", 3, None, 0.5)).startswith("epoch 1/1")


def test_progress_object_chooses_the_parts(monkeypatch, capsys, jupyter):
    monkeypatch.delenv("MIRDL_STATIC", raising=False)
    X, y = make_data()
    fit(
        make_model(),
        (X, y),
        loss_fn=LOSS,
        num_epochs=2,
        progress=Progress(bar=False, plot=False),
    )
    assert not jupyter
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    fit(
        make_model(), (X, y), loss_fn=LOSS, num_epochs=2, progress=Progress(lines=False)
    )
    assert len(jupyter) == 2  # the figure and the bar
    assert capsys.readouterr().out == ""
