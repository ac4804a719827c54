"""Chord pieces beyond the test split: the scorer of any list of pieces, the
sonification of chord segments, and the renders with unheard instruments."""

from pathlib import Path

import numpy as np
import pytest

from helpers.config import HOP_LENGTH, SR
from helpers.datasets import (
    CHORD_CLASSES,
    UNHEARD_PROGRAMS,
    chord_targets,
    load_chorales,
    load_unheard_chorales,
    sonify_chords,
)
from helpers.datasets import chorales as chorales_module
from helpers.datasets.cache import sha256_file
from helpers.datasets.chorales import CHORALE_PROGRAMS
from helpers.errors import ParameterError
from helpers.metrics import score_chord_pieces

SEGMENTS = [[0.0, 1.0, "C:maj"], [1.0, 2.0, "A:min"], [2.0, 3.0, "G:maj"]]


def _frames(segments, seconds=3.0):
    return chord_targets(segments, int(seconds * SR / HOP_LENGTH))


def test_score_chord_pieces_is_perfect_on_the_reference_and_weighs_by_duration():
    items = [{"chords": SEGMENTS}, {"chords": [[0.0, 9.0, "D:min"]]}]
    truth = score_chord_pieces(items, lambda item: _frames(item["chords"], 9.0))
    assert truth["majmin"] == pytest.approx(1.0, abs=0.01)
    assert truth["segmentation"] == pytest.approx(1.0, abs=0.02)
    assert len(truth["per_piece"]) == 2

    def wrong_on_the_long_piece(item):  # right on the 3 s piece, wrong on the 9 s one
        return _frames(item["chords"] if len(item["chords"]) == 3 else
                       [[0.0, 9.0, "E:maj"]], 9.0)

    scores = score_chord_pieces(items, wrong_on_the_long_piece)
    assert scores["majmin"] == pytest.approx(0.25, abs=0.02)  # 3 s of 12 right
    assert [round(p["majmin"]) for p in scores["per_piece"]] == [1, 0]


def test_score_chord_pieces_counts_flicker_as_extra_segments():
    ids = _frames(SEGMENTS)
    ids[::7] = CHORD_CLASSES.index("F:maj")  # a wrong frame every 7
    scores = score_chord_pieces([{"chords": SEGMENTS}], lambda item: ids)
    assert scores["segments / reference"] > 5
    assert scores["segmentation"] < 0.9


@pytest.mark.parametrize("items, recognise", [
    ([], lambda item: np.zeros(10, int)),
    ([{"chords": SEGMENTS}], "not callable"),
    ([{"audio_path": "x.wav"}], lambda item: np.zeros(10, int)),
])
def test_score_chord_pieces_rejects_bad_input(items, recognise):
    with pytest.raises(ParameterError):
        score_chord_pieces(items, recognise)


def test_sonify_chords_plays_the_triad_pitch_classes():
    intervals = np.array([[0.0, 1.0], [1.0, 2.0]])
    y = sonify_chords(intervals, ["C:maj", "N"], length=2 * SR)
    assert y.shape == (2 * SR,) and y.dtype == np.float32
    assert np.abs(y).max() == pytest.approx(0.5, abs=1e-3)
    assert np.abs(y[SR + 2000:]).max() < 1e-3  # "N" is silent
    spectrum = np.abs(np.fft.rfft(y[:SR]))
    freqs = np.fft.rfftfreq(SR, 1 / SR)
    pitch_class = np.round(12 * np.log2(freqs[1:] / 261.63)).astype(int) % 12
    energy = np.bincount(pitch_class, weights=spectrum[1:] ** 2, minlength=12)
    assert set(np.argsort(energy)[-3:]) == {0, 4, 7}  # C, E, G


def test_sonify_chords_rejects_mismatched_input():
    with pytest.raises(ParameterError):
        sonify_chords(np.array([[0.0, 1.0]]), ["C:maj", "G:maj"])


@pytest.fixture
def tiny_chorales(monkeypatch, tmp_path):
    monkeypatch.setenv("MIRDL_DATA", str(tmp_path / "data"))
    monkeypatch.setitem(chorales_module._SIZES, True, 4)
    return tmp_path / "data"


def test_unheard_renders_use_other_instruments_in_their_own_folder(tiny_chorales):
    ordinary = load_chorales("all", quick=True)
    before = {p: sha256_file(p) for p in (tiny_chorales / "chorales").rglob("*.*")}
    unheard = load_unheard_chorales("all", quick=True)
    assert set(UNHEARD_PROGRAMS).isdisjoint(CHORALE_PROGRAMS)
    assert [u["id"] for u in unheard] == [o["id"] for o in ordinary]
    for u, o in zip(unheard, ordinary, strict=True):
        assert set(u["programs"]) <= set(UNHEARD_PROGRAMS)
        assert u["chords"] == o["chords"] and u["key"] == o["key"]
        assert Path(u["audio_path"]).parent.parent.parent.name == "chorales_unheard"
        assert u["sha256"] == sha256_file(u["audio_path"]) != o["sha256"]
    after = {p: sha256_file(p) for p in (tiny_chorales / "chorales").rglob("*.*")}
    assert after == before  # nothing of the chorales dataset is touched


def test_unheard_renders_are_cached_deterministic_and_repaired(tiny_chorales):
    first = load_unheard_chorales("all", quick=True)
    stamps = [Path(u["audio_path"]).stat().st_mtime_ns for u in first]
    again = load_unheard_chorales("all", quick=True)
    assert [Path(u["audio_path"]).stat().st_mtime_ns for u in again] == stamps
    damaged = Path(first[0]["audio_path"])
    damaged.write_bytes(b"not audio")
    repaired = load_unheard_chorales("all", quick=True)
    assert [u["sha256"] for u in repaired] == [u["sha256"] for u in first]


@pytest.mark.parametrize("programs", [[], [128], [-1, 4]])
def test_unheard_renders_reject_bad_programs(programs):
    with pytest.raises(ParameterError):
        load_unheard_chorales("test", quick=True, programs=programs)


def test_unheard_renders_of_other_programs_keep_the_first_ones(tiny_chorales):
    """chorales_unheard was not keyed by ``programs``: another program set
    overwrote files that earlier items (and their checksums) still pointed at."""
    first = load_unheard_chorales("all", quick=True)
    other = load_unheard_chorales("all", quick=True, programs=[0, 40])
    assert {Path(u["audio_path"]).parent for u in first}.isdisjoint(
        Path(u["audio_path"]).parent for u in other)
    for u in first:  # the first items' files are still what their checksums say
        assert sha256_file(u["audio_path"]) == u["sha256"]
    assert all(set(u["programs"]) <= {0, 40} for u in other)
    assert load_unheard_chorales("all", quick=True) == first
