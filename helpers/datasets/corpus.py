"""Scores of the ``music21`` corpus as compact, cached note lists.

The source of the ``chorales`` and ``styles`` datasets.

Parsing MusicXML, Humdrum or ABC with music21 takes 0.05 to 2 s a file, so each
score is parsed once and kept as a small JSON file under
``data_dir()/_scores/``: the notes of every part in quarter notes, the measure
offsets, the time signature and the key. Every later step (labels, rendering)
reads only this.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

from ..env import data_dir
from ..errors import DatasetError
from .cache import write_json

__all__ = ["corpus_root", "corpus_files", "load_score"]

_VERSION = 1


def corpus_root() -> Path:
    """The folder of the corpus bundled inside the installed ``music21``.

    Used by :func:`corpus_files` and :func:`load_score`."""
    import music21

    return Path(music21.__file__).resolve().parent / "corpus"


def corpus_files(pattern: str) -> list[str]:
    """Corpus files matching a glob ``pattern``, relative to :func:`corpus_root`.

    Used by the ``chorales`` and ``styles`` datasets to choose their pieces.

    Sorted, so that the choice of pieces does not depend on the file system.
    """
    root = corpus_root()
    return sorted(p.relative_to(root).as_posix() for p in root.glob(pattern))


def load_score(relpath: str, *, index: int = 0) -> dict:
    """Return a compact description of one score of the corpus.

    Used by the ``chorales`` and ``styles`` datasets.

    Parameters
    ----------
    relpath : str
        Path relative to :func:`corpus_root`, e.g. ``"bach/bwv10.7.mxl"``.
    index : int
        For files holding several pieces (an ABC tune book), which one.

    Returns
    -------
    score : dict
        ``parts``: list (one per part, top to bottom) of notes
        ``[midi_pitch, onset_ql, duration_ql]`` in quarter notes, ties merged;
        ``measures``: measure start offsets in quarter notes, with ``pickup``
        true when the first measure is incomplete; ``beat_ql`` and ``bar_ql``:
        beat and bar length in quarter notes; ``numerator``; ``end_ql``;
        ``key``: ``[tonic_pitch_class, "major" | "minor"]`` and ``key_source``.

    Raises
    ------
    DatasetError
        If music21 cannot parse the file or it holds no notes.
    """
    name = hashlib.sha1(f"{relpath}#{index}".encode()).hexdigest()[:16]
    cache = data_dir() / "_scores" / f"v{_VERSION}" / f"{name}.json"
    if cache.is_file():
        try:
            return json.loads(cache.read_text())
        except (OSError, ValueError):
            pass  # a damaged cache entry is parsed again
    score = _parse(relpath, index)
    write_json(cache, score)
    return score


def _parse(relpath: str, index: int) -> dict:
    from music21 import converter, key, meter, stream

    path = corpus_root() / relpath
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = converter.parse(path)
    except Exception as error:  # noqa: BLE001 - any parser failure
        raise DatasetError(f"music21 could not parse {relpath!r}: {error}") from error
    if isinstance(parsed, stream.Opus):
        scores = list(parsed.scores)
        if not 0 <= index < len(scores):
            raise DatasetError(f"{relpath!r} holds {len(scores)} pieces, not {index}")
        parsed = scores[index]
    parsed = parsed.stripTies()
    parts = list(parsed.parts) or [parsed]
    notes = []
    for part in parts:
        part_notes = []
        for n in part.flatten().notes:
            dur = float(n.quarterLength)
            if dur <= 0:  # grace notes
                continue
            for p in n.pitches:
                part_notes.append([int(p.midi), float(n.offset), dur])
        if part_notes:
            notes.append(sorted(part_notes, key=lambda x: (x[1], x[0])))
    if not notes:
        raise DatasetError(f"{relpath!r} holds no notes")
    end = max(on + dur for part in notes for _, on, dur in part)

    first = parts[0]
    measures = [float(m.offset) for m in first.getElementsByClass(stream.Measure)]
    sigs = list(parsed.recurse().getElementsByClass(meter.TimeSignature))
    ts = sigs[0] if sigs else meter.TimeSignature("4/4")
    bar_ql = float(ts.barDuration.quarterLength)
    beat_ql = float(ts.beatDuration.quarterLength)
    pickup = len(measures) > 1 and (measures[1] - measures[0]) < bar_ql - 1e-6
    tonic, mode, source = _key(parsed, notes, key)
    return {
        "source": relpath,
        "index": index,
        "parts": notes,
        "measures": measures,
        "pickup": bool(pickup),
        "numerator": int(ts.numerator),
        "beat_ql": beat_ql,
        "bar_ql": bar_ql,
        "end_ql": float(end),
        "key": [tonic, mode],
        "key_source": source,
    }


def _key(parsed, notes, key_module) -> tuple[int, str, str]:
    """Key from the key signature, major or relative minor by the final bass note.

    Falls back to music21's Krumhansl-Schmuckler analysis when the signature is
    missing or the final bass note fits neither reading.
    """
    sigs = list(parsed.recurse().getElementsByClass(key_module.KeySignature))
    last_end = max(on + dur for part in notes for _, on, dur in part)
    final = [p for part in notes for p, on, dur in part if on + dur >= last_end - 1e-6]
    bass_pc = min(final) % 12
    if sigs:
        sig = sigs[0]
        major = (7 * sig.sharps) % 12
        minor = (major + 9) % 12
        if bass_pc == major:
            return major, "major", "key signature and final bass note"
        if bass_pc == minor:
            return minor, "minor", "key signature and final bass note"
        if isinstance(sig, key_module.Key):
            return sig.tonic.pitchClass, sig.mode, "key in the score"
    k = parsed.analyze("key")
    return k.tonic.pitchClass, k.mode, "music21 key analysis"
