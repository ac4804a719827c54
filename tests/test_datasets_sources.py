"""Tests of the loaders for the reader's own audio and for a local GTZAN copy."""

import numpy as np
import pytest
import soundfile as sf

from helpers.datasets import (
    GTZAN_GENRES,
    AudioFolder,
    check_group_split,
    gtzan_split_files,
    load_gtzan,
)
from helpers.errors import DatasetError, ParameterError


def _tone(path, sr=22050, seconds=0.2, channels=1):
    t = np.arange(int(sr * seconds)) / sr
    y = 0.2 * np.sin(2 * np.pi * 440 * t)
    if channels == 2:
        y = np.stack([y, y], axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, y, sr)


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "mine"
    for label in ("cello", "flute"):
        for singer in ("ann", "bob", "cid", "dan"):
            for take in range(2):
                _tone(root / label / f"{singer}_{take}.wav")
    _tone(root / "flute" / "eve_0.flac", sr=44100, channels=2)
    (root / "cello" / "broken.wav").write_bytes(b"RIFF....not audio at all")
    (root / "cello" / "notes.txt").write_text("not audio")
    return root


def test_folder_warns_skips_and_lists_unreadable_files(folder):
    with pytest.warns(UserWarning, match="broken.wav"):
        data = AudioFolder(folder)
    assert data.classes == ["cello", "flute"]
    assert len(data) == 17  # 16 wav + 1 flac; not the broken file, not the txt
    assert [p for p, _ in data.skipped] == [str(folder / "cello" / "broken.wav")]
    y, label = data.load(len(data) - 1)  # the 44.1 kHz stereo flac
    assert y.ndim == 1 and y.dtype == np.float32 and abs(len(y) - 4410) <= 2
    assert label == 1


def test_folder_split_keeps_a_source_on_one_side(folder):
    with pytest.warns(UserWarning):
        data = AudioFolder(folder, group=r"^([a-z]+)_")
    parts = data.split(fractions=(0.6, 0.2, 0.2), seed=1)
    groups = [i["group"] for i in data.items]
    check_group_split(groups, [i["split"] for i in data.items])
    assert sum(len(v) for v in parts.values()) == len(data)
    assert all(parts[s] for s in ("train", "valid", "test"))


def test_folder_errors(tmp_path):
    with pytest.raises(DatasetError, match="not a folder"):
        AudioFolder(tmp_path / "nowhere")
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(DatasetError, match="no readable audio"):
        AudioFolder(tmp_path / "empty")
    with pytest.raises(ParameterError, match="group must be"):
        AudioFolder(tmp_path / "empty", group=3)
    with pytest.raises(ParameterError, match="root must be"):
        AudioFolder(42)


def test_gtzan_split_lists_are_the_fault_filtered_ones():
    sizes = {s: len(gtzan_split_files(s)) for s in ("train", "valid", "test")}
    assert sizes == {"train": 443, "valid": 197, "test": 290}
    names = [n for s in sizes for n in gtzan_split_files(s)]
    assert len(set(names)) == 930
    assert "jazz/jazz.00054.wav" in gtzan_split_files("train")


def test_gtzan_missing_says_what_to_download(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRDL_DATA", str(tmp_path))
    with pytest.raises(DatasetError, match="Kaggle") as info:
        load_gtzan()
    assert str(tmp_path / "gtzan") in str(info.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="none of the 443"):
        load_gtzan(tmp_path / "empty")
    with pytest.raises(ParameterError, match="split must be"):
        load_gtzan(tmp_path, split="dev")


def test_gtzan_survives_the_corrupt_jazz_file(tmp_path):
    root = tmp_path / "Data" / "genres_original"
    wanted = gtzan_split_files("train")
    some = [n for n in wanted if n.startswith(("blues", "jazz"))][:6]
    for name in some:
        _tone(root / name, seconds=0.1)
    bad = root / "jazz" / "jazz.00054.wav"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    with pytest.warns(UserWarning, match="jazz.00054"):
        items = load_gtzan(tmp_path, split="train")
    ids = {i["id"] for i in items}
    assert "jazz.00054" not in ids and len(items) == len(set(some)) - (
        "jazz/jazz.00054.wav" in some
    )
    assert all(GTZAN_GENRES[i["y"]] == i["genre"] for i in items)


def test_gtzan_with_a_split_for_the_folder_says_how_to_call_it(tmp_path, monkeypatch):
    """``load_gtzan("train")`` looked for a folder named "train"."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match=r"load_gtzan\(split='train'\)"):
        load_gtzan("train")
    with pytest.raises(ParameterError, match="split must be one of"):
        load_gtzan(tmp_path, split="training")
