"""Tests of helpers.render: the one function that synthesizes sound."""

import numpy as np
import pytest

from helpers.config import SR
from helpers.errors import ParameterError
from helpers.render import (
    GM_FAMILIES,
    midi_from_notes,
    program_name,
    render_midi,
    render_tracks,
    soundfont_path,
)


def test_soundfont_ships_with_pretty_midi():
    assert soundfont_path().is_file()
    assert soundfont_path().stat().st_size > 1_000_000


def test_render_is_mono_float32_at_sr_and_deterministic():
    pm = midi_from_notes([(0, [(60, 0.5, 1.0, 100)])], end=1.5)
    y = render_midi(pm)
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(len(y) / SR - 1.5) < 0.01  # lasts until the end marker
    assert np.max(np.abs(y)) > 0.01
    onset = np.argmax(np.abs(y) > 0.01 * np.max(np.abs(y))) / SR
    assert 0.49 < onset < 0.53  # the note starts where the MIDI says
    assert np.array_equal(y, render_midi(pm))  # same input, same samples


def test_render_accepts_bytes_and_paths(tmp_path):
    import io

    pm = midi_from_notes([(40, [(67, 0.0, 0.3, 90)])], end=0.5)
    buffer = io.BytesIO()
    pm.write(buffer)
    path = tmp_path / "a.mid"
    path.write_bytes(buffer.getvalue())
    a = render_midi(buffer.getvalue(), sr=16000)
    assert abs(len(a) / 16000 - 0.5) < 0.01
    assert np.array_equal(a, render_midi(path, sr=16000))


def test_render_tracks_gives_exact_lengths_and_levels():
    note = [(0, [(60, 0.0, 0.5, 100)])]
    y = render_tracks(note, 0.75)
    assert y.shape == (round(0.75 * SR),) and y.dtype == np.float32
    assert np.max(np.abs(render_tracks(note, 0.75, peak=0.5))) == pytest.approx(0.5)
    assert len(render_tracks(note, 2.0, sr=16000)) == 32000  # padded with silence
    silence = render_tracks([], 1.0)
    assert silence.shape == (SR,) and not silence.any()


def test_render_rejects_bad_input(tmp_path):
    with pytest.raises(ParameterError, match="midi must be"):
        render_midi(123)
    with pytest.raises(ParameterError, match="soundfont"):
        render_midi(b"MThd", soundfont=tmp_path / "missing.sf2")
    with pytest.raises(ParameterError, match="soundfont"):
        soundfont_path(42)
    with pytest.raises(ParameterError, match="sr"):
        render_midi(b"MThd", sr=-1)
    with pytest.raises(ParameterError, match="velocity"):
        midi_from_notes([(0, [(60, 0.0, 1.0, 0)])])
    with pytest.raises(ParameterError, match="start < end"):
        midi_from_notes([(0, [(60, 1.0, 0.5, 80)])])
    with pytest.raises(ParameterError, match="program"):
        program_name(128)


def test_program_family_and_name():
    assert GM_FAMILIES[0 // 8] == "piano"
    assert GM_FAMILIES[40 // 8] == "strings"
    assert GM_FAMILIES[127 // 8] == "sound_effects"
    assert program_name(0) == "Acoustic Grand Piano"
