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
    def __init__(self):
        self.updates = 0

    def update(self, fig):
        self.updates += 1


class FakeBar:
    """Stands in for tqdm: counts the steps it is iterated over."""

    made = []

    def __init__(self, iterable, **kwargs):
        self.iterable, self.kwargs, self.steps = iterable, kwargs, 0
        FakeBar.made.append(self)

    def __iter__(self):
        for item in self.iterable:
            self.steps += 1
            yield item


@pytest.fixture
def jupyter(monkeypatch):
    """A Jupyter kernel, as far as fit can tell; returns what was displayed."""
    import IPython.display

    shown = []

    def display(obj, display_id=False):
        shown.append(obj)
        return FakeHandle()

    monkeypatch.setattr(progress_module, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr("tqdm.auto.tqdm", FakeBar)
    FakeBar.made = []
    return shown


@pytest.mark.parametrize("static", [False, True])
def test_live_plot_in_jupyter(monkeypatch, capsys, jupyter, static):
    import matplotlib.pyplot as plt

    if static:
        monkeypatch.setenv("MIRDL_STATIC", "1")
    else:
        monkeypatch.delenv("MIRDL_STATIC", raising=False)
    X, y = make_data()
    fit(make_model(), (X, y), (X, y), loss_fn=LOSS, num_epochs=3, batch_size=8)
    assert len(jupyter) == 1  # one figure, updated in place (live) or final (static)
    assert not plt.get_fignums()  # closed, so the inline backend does not redraw
    lines = capsys.readouterr().out.strip().splitlines()
    if static:  # headless: one summary line instead of a line per epoch
        assert len(lines) == 1 and lines[0].startswith("3 epochs in ")
        assert "best valid_loss" in lines[0] and "valid_accuracy" in lines[0]
    else:
        assert len(lines) == 3 and lines[0].startswith("epoch 1/3")
    # live: a bar over the 4 steps of each epoch; headless: none
    assert [bar.steps for bar in FakeBar.made] == ([] if static else [4, 4, 4])


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
    assert not jupyter and not FakeBar.made
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    fit(
        make_model(), (X, y), loss_fn=LOSS, num_epochs=2, progress=Progress(lines=False)
    )
    assert len(jupyter) == 1 and len(FakeBar.made) == 2
    assert capsys.readouterr().out == ""
