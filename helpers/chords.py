"""Chord labels, chord segments and frame-wise chord classes, both ways.

The chord vocabulary of the package, in a low layer so that the datasets (which
label chorales with it) and the metrics (which score frame-wise predictions with
it) both build on it; :mod:`helpers.datasets.chords` re-exports it, where
``04_rnn`` imports it from.

Labels come from the score (introduced in ``02_audio_representations``): the
notes sounding in each time slice (between two consecutive note onsets or
offsets) are read as a pitch-class set and named, as mir_eval's ``majmin``
vocabulary does:

- ``"C:maj"`` or ``"A:min"`` when the set is a major or minor triad, with at
  most a seventh added (``C E G Bb`` is ``C:maj``, ``A C E G`` is ``A:min``),
  or root and third with the root in the bass (the fifth omitted, as often at
  a chorale's cadence);
- ``"N"`` when nothing sounds;
- ``"X"`` for any other sonority (diminished, augmented, suspensions, passing
  tones).

Frame targets use 25 classes (:data:`CHORD_CLASSES`): 0-11 are C:maj ...
B:maj, 12-23 are C:min ... B:min, and 24 is "no chord or other" (``N``, ``X``).

**The frame convention**, the one both directions follow: frame ``t`` is
centred at ``t * hop_length / sr`` seconds (librosa's ``center=True``) and
stands for the time from ``(t - 1/2)`` to ``(t + 1/2) * hop_length / sr``
(frame 0 from 0). :func:`chord_targets` gives frame ``t`` the label of the
segment that holds its centre; :func:`frames_to_segments` turns a run of frames
``a .. b - 1`` into the segment ``[(a - 1/2), (b - 1/2)) * hop_length / sr``.
So frames -> segments -> frames gives the same frames, and segments -> frames
-> segments moves every boundary by at most half a frame.
"""

from __future__ import annotations

import numpy as np

from .config import HOP_LENGTH, SR
from .errors import ParameterError
from .validate import integer, positive_int, sample_rate

__all__ = [
    "PITCH_NAMES", "CHORD_CLASSES", "NO_CHORD", "chord_label", "chord_segments",
    "chord_index", "chord_targets", "frames_to_segments", "sonify_chords",
    "transpose_ids",
]  # fmt: skip

#: Pitch-class names used in labels (mir_eval reads both sharps and flats).
PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
#: The 25 frame classes: 12 major, 12 minor, then "N/X".
CHORD_CLASSES = tuple(f"{p}:{q}" for q in ("maj", "min") for p in PITCH_NAMES) + ("N",)
#: Index of the "no chord or other" class.
NO_CHORD = 24

_QUALITIES = (("maj", 4, (10, 11)), ("min", 3, (10,)))


def chord_label(pitches) -> str:
    """Name MIDI pitches sounding together: ``"C:maj"``, ``"A:min"``, ``"N"``, ``"X"``.

    Used by :func:`chord_segments`.

    See the module docstring for the rules.
    """
    pitches = [int(p) for p in pitches]
    if not pitches:
        return "N"
    pcs = {p % 12 for p in pitches}
    bass = min(pitches) % 12
    found = []
    for root in range(12):
        for quality, third, sevenths in _QUALITIES:
            triad = {root, (root + third) % 12, (root + 7) % 12}
            extra = pcs - triad
            if triad <= pcs and extra <= {(root + s) % 12 for s in sevenths}:
                found.append((root, quality))
            elif pcs == {root, (root + third) % 12} and bass == root:
                found.append((root, quality))
    if len(found) > 1:
        found = [f for f in found if f[0] == bass]
    if len(found) != 1:
        return "X"
    root, quality = found[0]
    return f"{PITCH_NAMES[root]}:{quality}"


def chord_segments(notes) -> list[list]:
    """Chord segments ``[start, end, label]`` of notes ``(pitch, start, end)``.

    Used by :mod:`helpers.datasets.chorales` for each chorale's ``chords``.

    Contiguous, from the first onset to the last offset, consecutive equal
    labels merged; times in seconds (or any unit).
    """
    bounds = sorted({t for _, s, e in notes for t in (s, e)})
    segments: list[list] = []
    for start, end in zip(bounds[:-1], bounds[1:], strict=False):
        mid = 0.5 * (start + end)
        label = chord_label(p for p, s, e in notes if s <= mid < e)
        if segments and segments[-1][2] == label:
            segments[-1][1] = end
        else:
            segments.append([start, end, label])
    return segments


def chord_index(label: str) -> int:
    """Class index (0-24, see :data:`CHORD_CLASSES`) of a Harte label.

    Used by :func:`chord_targets`.

    Labels other than plain major or minor (``N``, ``X``) map to 24.
    """
    if not isinstance(label, str):
        raise ParameterError(f"label must be a str like 'C:maj', got {label!r}")
    root, _, quality = label.partition(":")
    if quality not in ("maj", "min"):
        return NO_CHORD
    names = {n: i for i, n in enumerate(PITCH_NAMES)}
    names.update({"Db": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": 11, "E#": 5})
    names.update({"Fb": 4, "B#": 0})
    if root not in names:
        raise ParameterError(f"label {label!r} has an unknown root {root!r}")
    return names[root] + (0 if quality == "maj" else 12)


def chord_targets(
    segments, n_frames: int, *, sr: int = SR, hop_length: int = HOP_LENGTH
) -> np.ndarray:
    """Frame-wise chord classes of labelled segments.

    Used by :class:`helpers.datasets.FeatureDataset` (``target="chords"``). The
    inverse of :func:`frames_to_segments` (see the frame convention in the module
    docstring); frames whose centre lies in no segment are class 24 (no chord).

    Parameters
    ----------
    segments : sequence of (start, end, label)
        Times in seconds, labels in Harte syntax.
    n_frames : int > 0
        Number of feature frames.
    sr : int
        Sample rate in Hz.
    hop_length : int
        Hop between frames in samples.

    Returns
    -------
    y : np.ndarray [shape=(n_frames,)], int64
        Class indices in [0, 24].
    """
    n_frames, sr = positive_int(n_frames, "n_frames"), sample_rate(sr)
    times = np.arange(n_frames) * positive_int(hop_length, "hop_length") / sr
    y = np.full(n_frames, NO_CHORD, dtype=np.int64)
    for start, end, label in segments:
        y[(times >= start) & (times < end)] = chord_index(label)
    return y


def frames_to_segments(
    frame_labels, *, hop_length: int = HOP_LENGTH, sr: int = SR, names=None
) -> tuple[np.ndarray, list[str]]:
    """Merge runs of equal frame-wise class ids into labelled time intervals.

    Used by :func:`helpers.metrics.score_chord_pieces` (``04_rnn``) to score
    frame-wise chord predictions; the inverse of :func:`chord_targets`
    (see the frame convention in the module docstring).

    Parameters
    ----------
    frame_labels : array-like [shape=(frames,)], integer
        One class id per frame (e.g. ``predict(model, X)[0].argmax(-1)``).
    hop_length : int > 0
        Hop between frames in samples.
    sr : int > 0
        Sample rate in Hz.
    names : sequence of str, optional
        ``names[k]`` is the label of class ``k`` (e.g. :data:`CHORD_CLASSES`);
        default: the class id as a string.

    Returns
    -------
    intervals : np.ndarray [shape=(n_segments, 2)]
        Start and end of each segment in seconds: from 0 to ``(frames - 1/2)
        * hop_length / sr``.
    labels : list of str [length=n_segments]
    """
    if hasattr(frame_labels, "detach"):  # a torch.Tensor, on any device
        frame_labels = frame_labels.detach().cpu()
    ids = np.asarray(frame_labels)
    if ids.ndim != 1 or ids.size == 0:
        raise ParameterError(
            f"frame_labels must be a non-empty 1-D array, got shape {ids.shape}"
        )
    if not np.issubdtype(ids.dtype, np.integer):
        raise ParameterError(
            f"frame_labels must hold integer class ids, got dtype {ids.dtype}"
        )
    frame = positive_int(hop_length, "hop_length") / sample_rate(sr)
    if names is not None and (ids.min() < 0 or ids.max() >= len(names)):
        raise ParameterError(
            f"frame_labels hold ids {ids.min()}..{ids.max()}, but names has "
            f"{len(names)} entries"
        )
    # Segment starts: frame 0 and every frame whose label differs from the last.
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    bounds = np.maximum(np.r_[starts, ids.size] - 0.5, 0.0) * frame
    intervals = np.stack([bounds[:-1], bounds[1:]], axis=1)
    labels = [str(names[i]) if names is not None else str(i) for i in ids[starts]]
    return intervals, labels


def sonify_chords(intervals, labels, *, sr: int = SR, length: int | None = None,
                  peak: float = 0.5) -> np.ndarray:
    """Chord segments played as synthesized chords, to hear a prediction.

    Introduced in ``04_rnn``. ``mir_eval.sonify.chords`` plays each segment's
    pitch classes as Shepard tones (every octave at once, loudest in the
    middle register), so a triad sounds as a triad in no particular voicing;
    ``"N"`` and ``"X"`` are silent.

    Parameters
    ----------
    intervals : np.ndarray [shape=(n, 2)]
        Segment start and end times in seconds (e.g. from
        :func:`frames_to_segments`).
    labels : sequence of str [length=n]
        Harte labels.
    sr : int > 0
        Sample rate in Hz.
    length : int or None
        Length of the result in samples (cut or zero-padded); ``None``: to
        the end of the last segment.
    peak : float
        Largest magnitude of the result.

    Returns
    -------
    y : np.ndarray [shape=(length,)], float32
    """
    import mir_eval

    sr = sample_rate(sr)
    intervals = np.asarray(intervals, dtype=float)
    if intervals.ndim != 2 or intervals.shape[1] != 2 or len(intervals) != len(labels):
        raise ParameterError(
            f"intervals must have shape (n, 2) with one label each, got "
            f"{intervals.shape} and {len(labels)} labels"
        )
    labels = ["N" if label == "X" else str(label) for label in labels]
    y = mir_eval.sonify.chords(labels, intervals, sr)
    if length is not None:
        length = positive_int(length, "length")
        y = np.pad(y[:length], (0, max(0, length - len(y))))
    y = y * (peak / (float(np.max(np.abs(y))) or 1.0))
    return np.asarray(y, dtype=np.float32)


def transpose_ids(ids, k: int):
    """Chord (or key) class ids moved by ``k`` semitones; the rest stays.

    Introduced in ``04_rnn``. 0-11 are major roots C ... B, 12-23 minor ones
    (:data:`CHORD_CLASSES`; the keys of ``04_rnn`` use the same order). Any
    other id stays where it is: 24 ("no chord or other") and the padding
    ``-100`` that ``nn.CrossEntropyLoss`` skips.

    Parameters
    ----------
    ids : int or np.ndarray, integer
    k : int
        Semitones.

    Returns
    -------
    ids : np.ndarray (or int for an int), same shape
    """
    k = integer(k, "k", what="a whole number of semitones")
    ids = np.asarray(ids)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise ParameterError(f"ids must be integer class ids, got dtype {ids.dtype}")
    moves = (ids >= 0) & (ids < NO_CHORD)
    out = np.where(moves, (ids // 12) * 12 + (ids % 12 + k) % 12, ids)
    return int(out) if out.ndim == 0 else out
