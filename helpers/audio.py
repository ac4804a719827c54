"""Loading, writing, synthesising and playing audio.

Introduced in ``01_background`` (:func:`load_audio`, :func:`play`);
:func:`harmonic_tone` in ``02_audio_representations``. Every helper that takes
audio checks it first with :func:`helpers.validate.audio_signal`, so that bad input
(integers, NaN, empty or stereo signals) fails early with a message that says what
was expected, not deep inside librosa or PyTorch.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .config import SR
from .errors import AudioFileError, ParameterError
from .validate import (
    atomic_write,
    audio_signal,
    number_in,
    positive_number,
    sample_rate,
)

__all__ = [
    "AUDIO_EXTENSIONS", "load_audio", "write_audio", "harmonic_tone", "play",
]  # fmt: skip

#: File extensions that :func:`load_audio` reads.
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif", ".au", ".opus")


def load_audio(path, *, sr: int | None = SR, mono: bool = True, offset: float = 0.0,
               duration: float | None = None) -> tuple[np.ndarray, int]:
    """Load an audio file as float32 samples, resampled to ``sr``.

    Introduced in ``01_background``. Reads WAV, FLAC, OGG, MP3 and AIFF through
    ``soundfile`` (libsndfile), falling back to librosa's decoders for the rest.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    sr : int or None
        Target sample rate in Hz; ``None`` keeps the file's rate.
    mono : bool
        Average the channels to one.
    offset, duration : float
        Start time and length in seconds (``duration=None``: to the end).

    Returns
    -------
    y : np.ndarray [shape=(n,) or (channels, n)], float32
    sr : int
        The sample rate of ``y`` in Hz.

    Raises
    ------
    AudioFileError
        If the file is missing, unreadable or holds no samples.
    ParameterError
        If ``sr`` is not a positive number.
    """
    if sr is not None:
        sr = sample_rate(sr)
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a str or path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise AudioFileError(
            f"path {str(path)!r} does not exist or is not a file; check the path "
            f"(a relative one starts in the current folder, {str(Path.cwd())!r})"
        )
    y, native_sr = _read(path, offset, duration)
    if y.shape[-1] == 0:
        raise AudioFileError(f"{str(path)!r} holds no audio samples")
    if not np.all(np.isfinite(y)):
        raise AudioFileError(f"{str(path)!r} decodes to NaN or infinite samples")
    if mono and y.ndim == 2:
        y = y.mean(axis=0)
    if sr is not None and sr != native_sr:
        import librosa

        y = librosa.resample(y, orig_sr=native_sr, target_sr=sr, res_type="soxr_hq")
        native_sr = sr
    return np.ascontiguousarray(y, dtype=np.float32), int(native_sr)


def _read(path: Path, offset: float, duration: float | None) -> tuple[np.ndarray, int]:
    """Decode ``path`` to float32 (channels, n) or (n,), and its native rate.

    What the C decoders print while reading (libmpg123's "Illegal Audio-MPEG-Header
    ... Trying to resync") is caught: a file that fails raises one
    :class:`AudioFileError`, and one that decodes in spite of it gives one warning.
    """
    with _decoder_messages() as messages:
        y, native_sr = _decode(path, offset, duration)
    if messages:
        warnings.warn(f"{str(path)!r} may be damaged: the decoder reported "
                      f"{messages[0]!r}", stacklevel=3)
    return y, native_sr


def _decode(path: Path, offset: float, duration: float | None):
    import soundfile as sf

    try:
        with sf.SoundFile(path) as f:
            native_sr = f.samplerate
            start = int(round(offset * native_sr))
            frames = -1 if duration is None else int(round(duration * native_sr))
            f.seek(min(start, f.frames))
            y = f.read(frames=frames, dtype="float32", always_2d=True).T
        return (y[0] if y.shape[0] == 1 else y), native_sr
    except (sf.LibsndfileError, RuntimeError, ValueError) as sf_error:
        first_error = sf_error
    try:  # formats libsndfile lacks (e.g. some MP3 or M4A builds)
        import librosa

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y, native_sr = librosa.load(path, sr=None, mono=False, offset=offset,
                                        duration=duration)
        return y.astype(np.float32), int(native_sr)
    except Exception as error:  # noqa: BLE001 - any decoder failure means corrupt
        raise AudioFileError(
            f"could not decode {str(path)!r} as audio ({first_error}); "
            f"expected one of {', '.join(AUDIO_EXTENSIONS)}"
        ) from error


@contextmanager
def _decoder_messages():
    """Catch what C code writes to the process's stderr (file descriptor 2).

    Yields a list that holds, after the block, the non-empty lines written.
    Python's own ``sys.stderr`` (a notebook's output) is not touched.
    """
    import tempfile

    lines: list[str] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no file descriptor 2 here
        yield lines
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode(errors="replace")
            lines.extend(line.strip() for line in text.splitlines() if line.strip())


def write_audio(path, y: np.ndarray, sr: int, *, subtype: str | None = None) -> Path:
    """Write ``y`` to ``path`` atomically (see :func:`helpers.validate.atomic_write`).

    The package's audio writer: the dataset cache writes its FLAC files with it
    (:mod:`helpers.datasets.cache`); for your own files too.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; the format follows the extension (``.wav``, ``.flac``...).
    y : np.ndarray [shape=(n,)], float
    sr : int
        Sample rate in Hz.
    subtype : str or None
        The soundfile subtype, e.g. ``"PCM_16"`` or ``"FLOAT"``; ``None`` takes
        16-bit PCM for WAV, FLAC and AIFF and the format's default otherwise.
    """
    import soundfile as sf

    y = audio_signal(y)
    sr = sample_rate(sr)
    path = Path(path)
    fmt = path.suffix.lstrip(".").upper()
    fmt = "AIFF" if fmt == "AIF" else fmt
    if subtype is None and fmt in {"WAV", "FLAC", "AIFF"}:
        subtype = "PCM_16"
    with atomic_write(path) as tmp:
        sf.write(tmp, y, sr, subtype=subtype, format=fmt)
    return path


def harmonic_tone(midi, duration: float = 0.5, *, sr: int = SR,
                  amplitudes=(1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6),
                  decay: float = 3.0, attack: float = 0.0,
                  peak: float | None = None) -> np.ndarray:
    """A synthetic note: harmonics of a MIDI pitch under an exponential decay.

    Introduced in ``02_audio_representations``. Harmonic ``k`` (1, 2, ...) of
    ``f0 = librosa.midi_to_hz(midi)`` has amplitude ``amplitudes[k - 1]``; those at
    or above the Nyquist frequency ``sr / 2`` are left out. The default, six
    harmonics of amplitude ``1/k``, is the tone of the ``probes`` dataset.

    Parameters
    ----------
    midi : float
        MIDI pitch in [0, 127] (60 is C4, 261.6 Hz); its fundamental must lie
        below ``sr / 2`` (at most 124 at 22050 Hz).
    duration : float
        Length in seconds.
    sr : int
        Sample rate in Hz.
    amplitudes : sequence of float
    decay, attack : float
        The envelope is ``min(1, t / attack) * exp(-decay * t)``, ``t`` in seconds.
    peak : float or None
        Scale to this peak amplitude and return float32, like a loaded file;
        ``None`` returns the raw float64 sum.

    Returns
    -------
    y : np.ndarray [shape=(round(duration * sr),)]
    """
    import librosa

    sr = sample_rate(sr)
    midi = number_in(midi, "midi", 0, 127, what="a MIDI pitch")
    duration = positive_number(duration, "duration", unit="seconds")
    f0, n = float(librosa.midi_to_hz(midi)), round(duration * sr)
    if f0 >= sr / 2:
        top = int(np.ceil(librosa.hz_to_midi(sr / 2))) - 1
        raise ParameterError(
            f"midi={midi} ({f0:.0f} Hz) has no harmonic below the Nyquist frequency "
            f"sr/2 = {sr / 2:.0f} Hz, so the tone would be silent; use midi <= {top} "
            "or a higher sr"
        )
    if n == 0:
        raise ParameterError(f"duration={duration} s is shorter than one sample at "
                             f"sr={sr} Hz")
    t = np.arange(n) / sr
    harmonics = enumerate(amplitudes, start=1)
    y = sum(a * np.sin(2 * np.pi * k * f0 * t) for k, a in harmonics if k * f0 < sr / 2)
    envelope = np.exp(-decay * t)
    if attack > 0:
        envelope = np.minimum(1.0, t / attack) * envelope
    y = y * envelope
    if peak is None:
        return y
    peak, loudest = positive_number(peak, "peak"), float(np.abs(y).max())
    if loudest == 0:
        raise ParameterError(
            f"the tone is silent (amplitudes={tuple(amplitudes)}, {n} samples), so it "
            "cannot be scaled to peak; give a non-zero amplitude and a longer duration"
        )
    return (peak * y / loudest).astype(np.float32)


def play(y: np.ndarray, sr: int = SR, *, caption: str | None = None,
         normalize: bool = True, compress: bool = True):
    """Return an inline audio player for a notebook. Introduced in ``01_background``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    sr : int
        Sample rate in Hz.
    caption : str, optional
        What the listener hears ("C major triad, piano"), shown above the
        player, so that a row of players says which is which.
    normalize : bool
        Scale to full range (``False`` keeps relative loudness between players).
    compress : bool
        Embed the audio as high-quality MP3 (about 5x smaller than WAV, so a
        notebook with many players stays small); falls back to WAV where
        libsndfile cannot encode MP3.

    Returns
    -------
    IPython.display.Audio
    """
    import io

    import soundfile as sf

    y = audio_signal(y)
    sr = sample_rate(sr)
    peak = float(np.abs(y).max())
    if normalize and peak > 0:
        y = y / peak * 0.98
    y = np.clip(y, -1.0, 1.0)
    if compress:
        buffer = io.BytesIO()
        try:
            sf.write(buffer, y, sr, format="MP3", compression_level=0.0)
        except (sf.LibsndfileError, TypeError, ValueError, RuntimeError):
            pass  # an older libsndfile without MP3: embed WAV instead
        else:
            player = _player_class()(data=buffer.getvalue(), caption=caption)
            player.mimetype = "audio/mpeg"
            return player
    return _player_class()(y, rate=sr, normalize=False, caption=caption)


@functools.cache  # one class, made when the first player is (IPython loads then)
def _player_class():
    from IPython.display import Audio

    class Player(Audio):
        """An ``Audio`` player with an optional caption above it."""

        def __init__(self, *args, caption=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.caption = caption

        def __repr__(self):  # the text a notebook shows where HTML is not drawn
            return f"[audio: {self.caption}]" if self.caption else "[audio]"

        def _repr_html_(self):
            from html import escape

            html = super()._repr_html_()
            if not self.caption:
                return html
            return ('<figure style="margin: 0.3em 0">'
                    f"<figcaption>{escape(self.caption)}</figcaption>{html}</figure>")

    return Player
