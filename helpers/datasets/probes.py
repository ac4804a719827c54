"""``probes``: small synthetic signals for toy examples.

Introduced in ``03_cnn``, which trains on triads.
Generated in memory, deterministic (same seed, same samples), no cache:

- ``"tones"``: harmonic tones (6 partials, amplitude 1/k, exponential decay)
  labelled by MIDI pitch (48-83, class = pitch - 48);
- ``"triads"``: three harmonic tones a root (MIDI 48-59) plus a major, minor,
  diminished or augmented third-and-fifth, labelled by quality;
- ``"clicks"``: click trains at random tempi (60-180 BPM) with jittered
  onsets, labelled by onset times in seconds.
"""

from __future__ import annotations

import numpy as np

from ..audio import harmonic_tone
from ..config import SR
from ..validate import one_of, positive_int, positive_number, sample_rate
from .cache import item_rng

__all__ = ["PROBE_KINDS", "TRIAD_QUALITIES", "make_probes"]

#: Kinds that :func:`make_probes` generates.
PROBE_KINDS = ("tones", "triads", "clicks")
#: Triad qualities, in label order, with their intervals in semitones.
TRIAD_QUALITIES = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
}


def _tone(pitch: float, n: int, sr: int) -> np.ndarray:
    return harmonic_tone(pitch, n / sr, sr=sr, decay=2.0)


def make_probes(kind: str = "tones", *, n: int = 64, duration: float = 1.0,
                sr: int = SR, seed: int = 0) -> dict:
    """Generate a small labelled set of synthetic signals.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    kind : str
        One of :data:`PROBE_KINDS`.
    n : int
        Number of examples.
    duration : float
        Length of each example in seconds.
    sr : int
        Sample rate in Hz.
    seed : int
        Seed; the same seed gives the same samples.

    Returns
    -------
    probes : dict
        ``audio``: np.ndarray [shape=(n, round(duration * sr))], float32 in
        [-1, 1]; ``y``: np.ndarray [shape=(n,)], int64 class indices;
        ``classes``: list of str; for ``"clicks"`` also ``onsets``: list of
        n arrays of onset times in seconds (``y`` is then the click count).

    Raises
    ------
    ParameterError
        If ``kind`` is unknown or ``n``, ``duration`` or ``sr`` is not positive.
    """
    one_of(kind, "kind", PROBE_KINDS)
    n, sr = positive_int(n, "n"), sample_rate(sr)
    duration = positive_number(duration, "duration", unit="seconds")
    length = int(round(duration * sr))
    audio = np.zeros((n, length), dtype=np.float32)
    y = np.zeros(n, dtype=np.int64)
    out: dict = {}
    if kind == "tones":
        out["classes"] = [str(p) for p in range(48, 84)]
        for i in range(n):
            pitch = int(item_rng(seed, "tones", i).integers(48, 84))
            audio[i] = 0.3 * _tone(pitch, length, sr)
            y[i] = pitch - 48
    elif kind == "triads":
        qualities = list(TRIAD_QUALITIES)
        out["classes"] = qualities
        for i in range(n):
            rng = item_rng(seed, "triads", i)
            root, q = int(rng.integers(48, 60)), int(rng.integers(len(qualities)))
            steps = TRIAD_QUALITIES[qualities[q]]
            audio[i] = 0.15 * sum(_tone(root + s, length, sr) for s in steps)
            y[i] = q
    else:
        out["classes"] = ["onset"]
        onsets = []
        click = np.hanning(int(0.004 * sr)) * np.sin(np.arange(int(0.004 * sr)) * 1.3)
        for i in range(n):
            rng = item_rng(seed, "clicks", i)
            period = 60.0 / rng.uniform(60, 180)
            times = np.arange(rng.uniform(0.05, period), duration - 0.01, period)
            times = np.clip(times + rng.normal(0, 0.005, size=len(times)), 0, None)
            for t in times:
                s = int(round(t * sr))
                seg = click[: max(0, length - s)]
                audio[i, s : s + len(seg)] += 0.8 * seg
            onsets.append(np.round(times, 6))
            y[i] = len(times)
        out["onsets"] = onsets
    return out | {"audio": audio, "y": y, "sr": sr}
