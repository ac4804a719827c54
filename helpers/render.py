"""Render MIDI to audio with a General MIDI SoundFont.

No notebook calls it: every embedded dataset (:mod:`helpers.datasets`) is
made of real compositions (the ``music21`` corpus) played by sampled
instruments, rendered here. The sound comes from one function,
:func:`render_midi`, so the synthesizer can be swapped in one place, and the
SoundFont too (``soundfont=`` of :func:`helpers.datasets.build` and of the
loaders reaches it).

Why ``midirenderer``: it is a Rust wheel with no dependencies and no system
library, on Linux, macOS, Windows and Colab alike; it renders in memory (MIDI
bytes in, WAV bytes out), about 180 times faster than real time on one CPU core,
and the same input gives the same bytes on every run, which the datasets'
checksums rely on. The alternatives need things a learner may not have:
``pyfluidsynth`` the system FluidSynth library, ``tinysoundfont`` ``pyaudio``
(which fails to build without the PortAudio headers).

The default SoundFont is ``TimGM6mb.sf2`` (6 MB, all 128 General MIDI programs
and the drum kit), which ships inside the ``pretty_midi`` wheel.
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

import numpy as np

from .config import SR
from .errors import ParameterError
from .validate import integer, sample_rate

__all__ = [
    "GM_FAMILIES", "soundfont_path", "render_midi", "render_tracks", "midi_from_notes",
    "program_name",
]  # fmt: skip

#: The 16 General MIDI instrument families, 8 programs each, in program order:
#: program ``p`` is of family ``GM_FAMILIES[p // 8]``.
GM_FAMILIES = (
    "piano", "chromatic_percussion", "organ", "guitar", "bass", "strings",
    "ensemble", "brass", "reed", "pipe", "synth_lead", "synth_pad",
    "synth_effects", "ethnic", "percussive", "sound_effects",
)  # fmt: skip


def soundfont_path(soundfont=None) -> Path:
    """The SoundFont to render with: ``soundfont``, checked; ``None``: the default.

    The default is ``TimGM6mb.sf2``, shipped with ``pretty_midi``. Used by
    :func:`render_midi` and the dataset cache (whose key holds its SHA-256).

    Raises
    ------
    ParameterError
        If ``soundfont`` is not an existing file.
    """
    if soundfont is None:
        import pretty_midi

        return Path(pretty_midi.__file__).resolve().parent / "TimGM6mb.sf2"
    if not isinstance(soundfont, (str, os.PathLike)) or not Path(soundfont).is_file():
        raise ParameterError(
            f"soundfont {str(soundfont)!r} does not exist; expected a .sf2 file "
            "(None takes the one shipped with pretty_midi)"
        )
    return Path(soundfont)


@functools.lru_cache(maxsize=4)
def _soundfont_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    """The file's bytes, read again when its modification time or size change."""
    return Path(path).read_bytes()


def program_name(program: int) -> str:
    """The General MIDI name of a program, e.g. ``"Acoustic Grand Piano"``.

    Used by :mod:`helpers.datasets.notes` (each note's ``program_name``)."""
    import pretty_midi

    return pretty_midi.program_to_instrument_name(
        integer(program, "program", low=0, high=127, what="a General MIDI program")
    )


def midi_from_notes(tracks, *, end: float | None = None):
    """Build a ``pretty_midi.PrettyMIDI`` from plain note lists.

    Used by :func:`render_tracks`; ``docs/datasets.md`` (the synthesizer)
    explains ``end``.

    Parameters
    ----------
    tracks : sequence of (program, notes)
        One entry per instrument: a General MIDI ``program`` in [0, 127] and
        ``notes``, a sequence of ``(pitch, start, end, velocity)`` with MIDI
        pitch, times in seconds and MIDI velocity in [1, 127].
    end : float or None
        Length of the piece in seconds. Rendering stops at the last MIDI event,
        so pass the note ends plus a release tail; ``None``: the last note end.

    Returns
    -------
    pm : pretty_midi.PrettyMIDI
    """
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(resolution=960, initial_tempo=120.0)
    last = 0.0
    for program, notes in tracks:
        program = integer(program, "program", low=0, high=127,
                          what="a General MIDI program")
        inst = pretty_midi.Instrument(program=program)
        for pitch, start, stop, velocity in notes:
            if not (0 <= int(pitch) <= 127 and 1 <= int(velocity) <= 127):
                raise ParameterError("notes need pitch in [0, 127] and velocity in "
                                     f"[1, 127], got {pitch=!r}, {velocity=!r}")
            if not 0 <= start < stop:
                raise ParameterError(
                    f"notes need 0 <= start < end in seconds, got {start}, {stop}"
                )
            note = (int(velocity), int(pitch), float(start), float(stop))
            inst.notes.append(pretty_midi.Note(*note))
            last = max(last, float(stop))
        pm.instruments.append(inst)
    if end is not None and end > last and pm.instruments:
        # An inaudible controller event (CC 110 is undefined in General MIDI)
        # makes the file, and so the rendering, last until ``end``.
        cc = pretty_midi.ControlChange(110, 0, float(end))
        pm.instruments[0].control_changes.append(cc)
    return pm


def render_midi(midi, *, sr: int = SR, soundfont=None) -> np.ndarray:
    """Render a MIDI file to mono audio with a SoundFont.

    The one place where sound is synthesized: ``midirenderer`` renders 48 kHz
    stereo, which is averaged to mono and resampled to ``sr`` with soxr.
    Deterministic: the same MIDI and SoundFont give the same samples.

    Parameters
    ----------
    midi : bytes, pretty_midi.PrettyMIDI, str or os.PathLike
        A Standard MIDI File as bytes, as a ``PrettyMIDI`` object or as a path.
    sr : int
        Output sample rate in Hz.
    soundfont : str, os.PathLike or None
        A ``.sf2`` file; ``None``: the shipped one (see :func:`soundfont_path`).

    Returns
    -------
    y : np.ndarray [shape=(n,)], float32
        Mono samples at ``sr``; the length runs to the last MIDI event (use
        ``end`` in :func:`midi_from_notes` to keep release tails).

    Raises
    ------
    ParameterError
        If ``midi`` is of another type, ``sr`` is not a positive number or the
        SoundFont does not exist.
    """
    import midirenderer
    import soundfile as sf
    import soxr

    sr = sample_rate(sr)
    font = soundfont_path(soundfont)
    if isinstance(midi, (str, os.PathLike)):
        midi = Path(midi).read_bytes()
    elif hasattr(midi, "write") and hasattr(midi, "instruments"):
        buffer = io.BytesIO()
        midi.write(buffer)
        midi = buffer.getvalue()
    if not isinstance(midi, (bytes, bytearray)):
        kind = type(midi).__name__
        raise ParameterError(f"midi must be bytes, a PrettyMIDI or a path, got {kind}")
    stat = font.stat()
    font_bytes = _soundfont_bytes(str(font), stat.st_mtime_ns, stat.st_size)
    wav = midirenderer.render_wave_from(font_bytes, bytes(midi))
    y, native_sr = sf.read(io.BytesIO(wav), dtype="float32", always_2d=True)
    y = y.mean(axis=1)
    if native_sr != sr:
        y = soxr.resample(y, native_sr, sr, quality="HQ")
    return np.ascontiguousarray(y, dtype=np.float32)


def render_tracks(tracks, seconds: float, *, tail: float = 0.05,
                  peak: float | None = None, sr: int = SR, soundfont=None):
    """Render note lists to exactly ``seconds`` of audio (cut or zero-padded).

    Used by every embedded dataset (:mod:`helpers.datasets`) to render an item.

    Parameters
    ----------
    tracks : sequence of (program, notes)
        As in :func:`midi_from_notes`; empty gives silence.
    seconds : float
        Length of the result in seconds.
    tail : float
        Seconds rendered past ``seconds`` (then cut), so that the resampler
        sees no edge at the end.
    peak : float or None
        Scale the result so that its largest magnitude is ``peak``; ``None``
        leaves the level as rendered.
    sr, soundfont
        As in :func:`render_midi`.

    Returns
    -------
    y : np.ndarray [shape=(round(seconds * sr),)], float32
    """
    n = int(round(seconds * sr))
    if not tracks:
        return np.zeros(n, dtype=np.float32)
    midi = midi_from_notes(tracks, end=seconds + tail)
    y = render_midi(midi, sr=sr, soundfont=soundfont)
    y = np.pad(y[:n], (0, max(0, n - len(y))))
    return y if peak is None else y * (peak / (float(np.max(np.abs(y))) or 1.0))
