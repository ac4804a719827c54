"""Shared fixtures: a non-interactive matplotlib and small real-ish signals."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def sr():
    from helpers.config import SR

    return SR


@pytest.fixture
def harmonic_note(sr):
    """One second of a decaying harmonic tone at A3 (220 Hz), float32."""
    t = np.arange(sr) / sr
    y = sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 8))
    return (0.3 * y * np.exp(-2 * t) / np.abs(y).max()).astype(np.float32)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def phrases():
    """Two seconds each of a piano and a string phrase, rendered with the SoundFont."""
    from helpers.render import midi_from_notes, render_midi

    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    out = []
    for program in (0, 48):  # Acoustic Grand Piano, String Ensemble 1
        notes = [(p, 0.25 * i, 0.25 * i + 0.3, 90) for i, p in enumerate(scale)]
        chord = [(p, 0.0, 2.0, 60) for p in (48, 55)]
        y = render_midi(midi_from_notes([(program, notes + chord)], end=2.2))
        out.append(y[: 2 * 22050])
    return np.stack(out)


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny models gain nothing from threads, and lose 10x on a busy machine."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="session")
def fake_colab():
    """``make(folder) -> (clone, stub_path)``: a clone of this repository to install
    from, and a folder to put on PYTHONPATH holding a stand-in ``google.colab``
    whose ``output.enable_custom_widget_manager()`` prints that it ran."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]

    def make(folder):
        clone = folder / "clone"
        subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
        stub = folder / "stub" / "google" / "colab"
        stub.mkdir(parents=True)
        (stub.parent / "__init__.py").write_text("")
        (stub / "__init__.py").write_text("")
        (stub / "output.py").write_text(
            "def enable_custom_widget_manager():\n"
            "    print('custom widget manager on')\n"
        )
        return clone, stub.parents[1]

    return make
