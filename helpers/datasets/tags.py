"""``tags``: several exact tags per 2-second segment of the ``styles`` clips.

Introduced in ``03_cnn``, the music-tagging task. No audio of its own: every
item is one of the three 2-second segments of a ``styles`` clip (same audio
file, same split by piece), and its tags (:data:`TAGS`) are derived from the
score and the rendering, so each is exact:

- one tag per General MIDI family that *plays* in the segment (a part of that
  family has a note sounding in the window; the instruments are those the clip
  was rendered with, ``programs``);
- ``"slow"`` (at most 80 quarter notes a minute) and ``"fast"`` (at least 110),
  from the tempo the clip was rendered at; neither in between;
- ``"solo"``: exactly one part plays in the segment.

A segment has several tags, or (rarely) none. ``tags`` is a dataset derived
from ``styles`` (:mod:`~helpers.datasets.cache`): it has no audio of its own
(each item plays its clip's file), its labels are built in a second from the
scores, and its manifest, in a folder of its own
(``data_dir()/tags/<quick|full>...``), is keyed by the ``styles`` build it
reads, which it never touches.
"""

from __future__ import annotations

import numpy as np

from ..render import GM_FAMILIES
from .cache import Dataset, load_items
from .corpus import load_score
from .styles import CLIP_SECONDS, STYLE_PROGRAMS
from .styles import DATASET as STYLES

__all__ = ["TAGS", "SEGMENT_SECONDS", "load_tags", "tag_matrix"]

#: Length of one tagged segment in seconds (three per 6-second clip).
SEGMENT_SECONDS = 2.0
#: The instrument families of the styles' program pool, in program order.
_FAMILIES = tuple(dict.fromkeys(GM_FAMILIES[p // 8] for p in STYLE_PROGRAMS))
#: Every tag, in the column order of :func:`tag_matrix`.
TAGS = (*_FAMILIES, "slow", "fast", "solo")
_SLOW, _FAST = 80.0, 110.0  # quarter notes per minute
#: Bumped whenever the tags or their definition change (old caches are rebuilt).
VERSION = 2


def segment_tags(item: dict, segment: int) -> list[str]:
    """Tags of one 2-second segment of a ``styles`` clip, from its score.

    Parameters
    ----------
    item : dict
        A ``styles`` item (``source``, ``tempo``, ``start_ql``, ``programs``).
    segment : int
        0, 1 or 2: the window ``[2 * segment, 2 * segment + 2)`` seconds.

    Returns
    -------
    list of str
        The tags, in :data:`TAGS` order.
    """
    sec = 60.0 / item["tempo"]  # seconds per quarter note
    t0 = item["start_ql"] * sec
    lo, hi = segment * SEGMENT_SECONDS, (segment + 1) * SEGMENT_SECONDS
    playing = [
        program
        for part, program in zip(load_score(item["source"])["parts"], item["programs"],
                                 strict=True)
        if any(on * sec - t0 < hi and (on + dur) * sec - t0 > lo for _, on, dur in part)
    ]
    tags = {GM_FAMILIES[p // 8] for p in playing}
    tags |= {"slow"} if item["tempo"] <= _SLOW else set()
    tags |= {"fast"} if item["tempo"] >= _FAST else set()
    tags |= {"solo"} if len(playing) == 1 else set()
    return [t for t in TAGS if t in tags]


def plan(quick: bool, seed: int, *, styles: list[dict]):
    """The segments of every ``styles`` clip, each with its tags (and its clip's
    audio file, split and labels)."""
    n_segments = int(round(CLIP_SECONDS / SEGMENT_SECONDS))
    items = [
        {**{k: v for k, v in clip.items() if k != "audio_path"},
         "id": f"{clip['id']}-s{k}", "segment": k, "offset": k * SEGMENT_SECONDS,
         "seconds": SEGMENT_SECONDS, "tags": segment_tags(clip, k)}
        for clip in styles
        for k in range(n_segments)
    ]
    return items, {"classes": list(TAGS), "target": "tags"}


#: The ``tags`` dataset: derived from ``styles``, whose audio its items play.
DATASET = Dataset("tags", VERSION, plan, None, sources=(STYLES,))


def load_tags(
    split: str = "train", *, quick: bool | None = None, seed: int = 0, soundfont=None
) -> list[dict]:
    """2-second segments of the ``styles`` clips with their tags (built on first use).

    Introduced in ``03_cnn``. ``split``, ``quick``, ``seed`` and ``soundfont``
    are those of :func:`helpers.datasets.load_styles` (the split is by piece).

    Returns
    -------
    items : list of dict
        One per segment: ``id``, ``audio_path`` (the whole 6-second clip),
        ``segment`` (0, 1, 2) and ``offset`` (its start in the clip, seconds),
        ``seconds`` (2.0), ``tags`` (list of str, in :data:`TAGS` order),
        ``split``, ``group`` (the piece) and the clip's ``style``, ``tempo``,
        ``programs``, ``sha256``.

    Raises
    ------
    ParameterError
        If ``split`` is not one of ``"train"``, ``"valid"``, ``"test"``, ``"all"``.
    """
    return load_items(DATASET, split=split, quick=quick, seed=seed,
                      soundfont=soundfont)


def tag_matrix(items: list[dict]) -> np.ndarray:
    """Multi-hot targets of tagged items: 1 where the item has the tag.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    items : list of dict
        Items of :func:`load_tags` (each with ``tags``).

    Returns
    -------
    np.ndarray [shape=(len(items), len(TAGS)), dtype=float32]
        Column ``j`` is tag ``TAGS[j]``.
    """
    index = {tag: j for j, tag in enumerate(TAGS)}
    Y = np.zeros((len(items), len(TAGS)), dtype=np.float32)
    for i, item in enumerate(items):
        Y[i, [index[t] for t in item["tags"]]] = 1.0
    return Y
