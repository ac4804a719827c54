"""Synthetic melodies with a timbre label and a tempo label, for kernel shapes.

Introduced in ``03_cnn``, which trains tall, wide and square kernels on the
same clips. Each clip (1 s) alternates two harmonic tones a few semitones apart,
legato, with a flat envelope (so that no frame is silent and loudness gives no
hint of the tempo). Two labels per clip, drawn independently:

- ``timbre``: ``0`` every harmonic (amplitudes ``1/k``), ``1`` odd harmonics only
  (a clarinet-like spectrum): visible in any single frame, across bands;
- ``tempo``: ``0`` a new note every 0.25 s, ``1`` every 0.15 s: visible only
  across frames, within a band.

Pitch, interval, loudness and the phase of the first note change from clip to
clip, so neither label can be read from them.
"""

from __future__ import annotations

import numpy as np

from ..audio import harmonic_tone
from ..config import SR
from ..validate import positive_int, sample_rate
from .cache import item_rng

__all__ = ["SHAPE_LABELS", "make_shape_probes"]

#: The two labels of every clip, each with its two class names.
SHAPE_LABELS = {"timbre": ("all harmonics", "odd harmonics"),
                "tempo": ("slow (4 notes/s)", "fast (6.7 notes/s)")}
_IOI = (0.25, 0.15)  # seconds between onsets, slow and fast
_RAMP = 0.01  # seconds of fade in and out of each note


def _note(midi: float, n: int, odd: bool, sr: int) -> np.ndarray:
    amplitudes = [(k % 2 or not odd) / k for k in range(1, 13)]
    y = harmonic_tone(midi, n / sr, sr=sr, amplitudes=amplitudes, decay=0.0)
    ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (_RAMP * sr))
    return y * ramp


def make_shape_probes(n: int = 200, *, duration: float = 1.0, seed: int = 0,
                      sr: int = SR) -> dict:
    """Clips that alternate two notes, labelled by timbre and by tempo.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    n : int
        Number of clips.
    duration : float
        Length of each clip in seconds.
    seed : int
        The same seed gives the same clips.
    sr : int
        Sample rate in Hz.

    Returns
    -------
    probes : dict
        ``audio``: np.ndarray [shape=(n, round(duration * sr))], float32;
        ``timbre`` and ``tempo``: np.ndarray [shape=(n,)], int64 class indices
        (names in :data:`SHAPE_LABELS`); ``sr``.

    Raises
    ------
    ParameterError
        If ``n`` or ``sr`` is not a positive int.
    """
    n, sr = positive_int(n, "n"), sample_rate(sr)
    length = int(round(duration * sr))
    audio = np.zeros((n, length), dtype=np.float32)
    labels = {name: np.zeros(n, dtype=np.int64) for name in SHAPE_LABELS}
    for i in range(n):
        rng = item_rng(seed, "shape-probes", i)
        odd, fast = int(rng.integers(2)), int(rng.integers(2))
        low = float(rng.uniform(45, 65))
        pitches = (low, low + int(rng.integers(2, 8)))
        ioi = int(round(_IOI[fast] * sr))
        start = -int(rng.integers(ioi))  # the first onset falls anywhere
        y = np.zeros(length)
        for k, t in enumerate(range(start, length, ioi)):
            note = _note(pitches[k % 2], ioi, bool(odd), sr)
            lo = max(t, 0)
            y[lo : t + ioi] = note[lo - t : lo - t + len(y[lo : t + ioi])]
        audio[i] = rng.uniform(0.05, 0.3) * y / np.abs(y).max()
        labels["timbre"][i], labels["tempo"][i] = odd, fast
    return {"audio": audio, **labels, "sr": sr}
