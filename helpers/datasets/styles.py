"""``styles``: 6-second clips of four style groups of the music21 corpus.

Introduced in ``02_audio_representations`` (:func:`load_styles`); the genre-like,
clip-level task of ``03_cnn``. The classes (:data:`STYLE_CLASSES`):

- ``chorale``: Bach's four-part chorales;
- ``renaissance``: Palestrina's mass movements (Humdrum scores);
- ``irish``: fiddle tunes from Ryan's Mammoth Collection (1883, ABC);
- ``classical``: string-quartet movements by Haydn, Mozart and Beethoven.

Every clip draws its instruments (one per part), tempo (66-126 quarter notes a
minute) and transposition (-3 to +3 semitones) from the *same* distributions
whatever its class, so timbre and register alone do not give the answer: what
is left is texture, harmony, rhythm and melody. Labels: ``style``, ``source``
(corpus file), ``start_ql`` (clip start in the score, quarter notes), ``tempo``,
``transpose``, ``programs``. Splits are by piece (a quartet's movements count
as one piece), so clips of one piece never straddle two splits.
"""

from __future__ import annotations

import numpy as np

from ..config import SR
from ..render import render_tracks
from .cache import Dataset, item_rng, load_items
from .corpus import corpus_files, load_score
from .splits import group_split

__all__ = ["STYLE_CLASSES", "STYLE_PROGRAMS", "CLIP_SECONDS", "load_styles"]

#: Class names, in label order.
STYLE_CLASSES = ("chorale", "renaissance", "irish", "classical")
#: Corpus globs per class.
_SOURCES = {
    "chorale": ("bach/bwv*.mxl",),
    "renaissance": ("palestrina/*.krn",),
    "irish": ("ryansMammoth/*.abc",),
    "classical": (
        "haydn/opus*/movement*.mxl",
        "mozart/k[0-9]*/movement[0-9].mxl",
        "beethoven/opus*/movement*.mxl",
    ),
}
#: One shared pool of programs for every class.
STYLE_PROGRAMS = (
    0, 4, 6, 11, 19, 21, 22, 24, 25, 40, 41, 42, 46, 48, 52, 56, 60, 68, 71, 73, 105,
)  # fmt: skip
CLIP_SECONDS = 6.0
#: Tempi a clip is rendered at, in quarter notes a minute (drawn uniformly, both
#: ends included).
_TEMPI = (66, 126)
_PEAK = 0.7
#: (pieces per class, clips per piece), quick and full, and tiny (the tests'
#: quick size, :class:`~helpers.datasets.cache.Dataset`).
_SIZES = {True: (6, 5), False: (30, 8), "tiny": (3, 2)}

#: Bumped whenever the items or their sound change (old caches are rebuilt).
VERSION = 1


def plan(quick: bool, seed: int):
    """The clips of every style, split by piece."""
    pieces, clips = _SIZES[bool(quick)]
    items = []
    for style in STYLE_CLASSES:
        files = sorted(
            {f for pattern in _SOURCES[style] for f in corpus_files(pattern)}
        )
        order = item_rng(seed, "styles-order", style).permutation(len(files))
        taken = 0
        for i in order:
            source = files[i]
            try:
                score = load_score(source)
            except Exception:  # noqa: BLE001 - an unparseable file is skipped
                continue
            if not _long_enough(score):
                continue
            for k in range(clips):
                items.append(_item(style, source, score, k, seed))
            taken += 1
            if taken == pieces:
                break
    groups = [item["group"] for item in items]
    for item, split in zip(items, group_split(groups, seed=seed), strict=False):
        item["split"] = split
    info = {"classes": list(STYLE_CLASSES), "target": "style", "sr": SR}
    return items, info


def _long_enough(score: dict) -> bool:
    """Whether a piece leaves room for a clip (and half a clip more) even at the
    fastest tempo, where it is shortest."""
    return score["end_ql"] * 60.0 / max(_TEMPI) >= CLIP_SECONDS * 1.5


def _item(style: str, source: str, score: dict, k: int, seed: int) -> dict:
    rng = item_rng(seed, "styles", source, k)
    qpm = float(rng.integers(_TEMPI[0], _TEMPI[1] + 1))
    transpose = int(rng.integers(-3, 4))
    programs = [int(p) for p in rng.choice(STYLE_PROGRAMS, size=len(score["parts"]))]
    clip_ql = CLIP_SECONDS * qpm / 60.0
    start_ql = float(rng.uniform(0, max(0.0, score["end_ql"] - clip_ql)))
    start_ql = round(start_ql * 4) / 4  # on a sixteenth-note grid
    name = source.rsplit(".", 1)[0].replace("/", "_")
    quartet = source.rsplit("/", 1)[0]  # its movements are one piece
    return {
        "id": f"{style}-{name}-{k}",
        "style": style,
        "source": source,
        "group": quartet if style == "classical" else source,
        "start_ql": start_ql,
        "tempo": qpm,
        "transpose": transpose,
        "programs": programs,
        "seconds": CLIP_SECONDS,
    }


def render(item: dict, seed: int, soundfont: str) -> np.ndarray:
    """One clip, one program per part, peak-normalised."""
    parts = load_score(item["source"])["parts"]
    sec = 60.0 / item["tempo"]
    t0 = item["start_ql"] * sec
    rng = item_rng(seed, "styles-velocity", item["id"])
    velocities = rng.integers(70, 101, size=len(item["programs"]))
    tracks = []
    for part, program, vel in zip(parts, item["programs"], velocities, strict=True):
        notes = []
        for pitch, on, dur in part:
            start, end = on * sec - t0, (on + dur) * sec - t0
            if end <= 0 or start >= CLIP_SECONDS:
                continue
            notes.append((pitch + item["transpose"], max(start, 0.0), end, int(vel)))
        if notes:
            tracks.append((program, notes))
    return render_tracks(tracks, CLIP_SECONDS, peak=_PEAK, soundfont=soundfont)


#: The ``styles`` dataset, as :mod:`~helpers.datasets.cache` builds it.
DATASET = Dataset("styles", VERSION, plan, render, sizes=_SIZES)


def load_styles(
    split: str = "train", *, quick: bool | None = None, seed: int = 0, soundfont=None
) -> list[dict]:
    """6-second clips labelled by style group (built on first use).

    Introduced in ``02_audio_representations``; the style task of ``03_cnn``.
    ``split``, ``quick``, ``seed`` and ``soundfont`` are those of
    :func:`helpers.datasets.load_notes`.

    Returns
    -------
    items : list of dict
        ``audio_path``, ``sha256``, ``style`` (one of :data:`STYLE_CLASSES`),
        ``source``, ``group``, ``split``, ``start_ql``, ``tempo``,
        ``transpose``, ``programs``.
    """
    return load_items(
        DATASET, split=split, quick=quick, seed=seed, soundfont=soundfont
    )
