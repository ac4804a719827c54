"""Notebook 03's last section on real data: a GTZAN copy and the reader's folder.

CI has neither, so nbval only sees the "not found, here is what to download"
branch. This test builds a folder laid out like the Kaggle GTZAN copy (a few
files per genre, named from the fault-filtered split, plus the corrupt
``jazz.00054.wav``) and a folder of the reader's own sounds, points the cell's
two settings at them, and runs the whole notebook in quick mode.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest
import soundfile as sf
from nbclient import NotebookClient

from helpers.config import SR
from helpers.datasets import GTZAN_GENRES, gtzan_split_files

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_cnn.ipynb"


def _clip(path, midi, seed, seconds=2.0):
    """A harmonic tone in noise; the pitch stands in for the genre."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    y = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 6))
    y = 0.2 * y / np.abs(y).max() + 0.02 * rng.standard_normal(len(t))
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, y.astype(np.float32), SR)


@pytest.fixture
def real_data(tmp_path):
    gtzan = tmp_path / "Data" / "genres_original"
    for split, per_genre in (("train", 4), ("test", 2)):
        names = [n for n in gtzan_split_files(split) if n != "jazz/jazz.00054.wav"]
        for g, genre in enumerate(GTZAN_GENRES):
            ours = [n for n in names if n.startswith(genre + "/")][:per_genre]
            for k, name in enumerate(ours):
                _clip(gtzan / name, 45 + 3 * g, seed=100 * g + k)
    bad = gtzan / "jazz" / "jazz.00054.wav"  # in the train split; unreadable
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    mine = tmp_path / "my_sounds"
    for c, label in enumerate(("low", "high")):
        for k in range(6):
            _clip(mine / label / f"take_{k}.wav", 48 + 24 * c, seed=1000 + 10 * c + k)
    return tmp_path, mine


def test_notebook_03_runs_on_a_gtzan_copy_and_an_own_folder(real_data, monkeypatch):
    gtzan_root, my_audio = real_data
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith("GTZAN_ROOT = None"))
    cell.source = cell.source.replace(
        "GTZAN_ROOT = None", f"GTZAN_ROOT = {str(gtzan_root)!r}", 1
    ).replace("MY_AUDIO = None", f"MY_AUDIO = {str(my_audio)!r}", 1)
    monkeypatch.setenv("MIRDL_QUICK", "1")
    monkeypatch.setenv("MIRDL_STATIC", "1")
    NotebookClient(
        nb,
        timeout=1200,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "GTZAN skipped" not in text
    assert "GTZAN, fault-filtered split:" in text
    assert "jazz.00054" in text  # the corrupt file is named in a warning, and skipped
    assert f"{my_audio}: classes ['high', 'low']" in text
    results = [line for line in text.splitlines() if line.startswith("CompactCNN")]
    assert len(results) == 2
    assert "(40 training, 20 test files)" in results[0]  # not the corrupt one
    assert "(10 training, 2 test files)" in results[1]
