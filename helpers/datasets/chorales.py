"""``chorales``: Bach chorales from the music21 corpus, rendered.

Introduced in ``02_audio_representations`` (:func:`load_chorales`); the chord task of
``04_rnn`` (an RNN over CQT frames), also used for onsets. Each item is one
whole chorale played by a random ensemble of General MIDI instruments (one
program per voice, drawn from organs, strings, choir, brass and woodwinds), at
a random constant tempo (60-96 quarter notes a minute) and transposed by -5 to
+6 semitones.

Labels come from the score and move with the transposition and the tempo:

- ``chords``: segments ``[start_s, end_s, label]`` in Harte syntax (see
  :mod:`helpers.chords`, which also turns them into frame targets);
- ``key`` (e.g. ``"G minor"``, mir_eval's format), from the key signature,
  major or relative minor chosen by the final bass note;
- ``beats`` and ``downbeats`` (seconds), from the score's meter (a pickup
  measure is counted backwards from its bar line) and the rendering tempo;
- ``notes``: ``[start_s, end_s, midi_pitch, voice]``.

Splits are by *tune*: Bach harmonized many hymn tunes more than once, so all
chorales whose soprano opens with the same 10 melodic intervals form one group,
and a group is on one side of the split only.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..chords import CHORD_CLASSES, PITCH_NAMES, chord_segments
from ..config import HOP_LENGTH, SR
from ..errors import ParameterError
from ..render import render_tracks
from ..validate import integers, one_of, positive_int
from .cache import SPLITS, Dataset, item_rng, load_items
from .corpus import corpus_files, load_score
from .splits import group_split

__all__ = [
    "CHORALE_PROGRAMS", "UNHEARD_PROGRAMS", "load_chorales", "load_unheard_chorales",
    "onset_times", "onset_targets", "score_beats", "tune_key",
]  # fmt: skip

#: Programs a voice may be played by: organs, strings, choir, brass, woodwinds.
CHORALE_PROGRAMS = (
    19, 20, 16, 40, 41, 42, 43, 48, 49, 52, 53, 56, 57, 58, 60, 61, 68, 69, 70,
    71, 73, 0, 6,
)  # fmt: skip
#: Programs that never play a chorale in ``load_chorales``, for
#: :func:`load_unheard_chorales`: electric piano, vibraphone, accordion, nylon
#: guitar, harp, alto sax, sawtooth lead, banjo (plucked, struck and synthetic
#: sounds where the training has organs, strings, choir, brass and woodwinds).
UNHEARD_PROGRAMS = (4, 11, 21, 24, 46, 65, 81, 105)
_TAIL = 1.5  # seconds of release after the last note
_PEAK = 0.7
#: Chorales, quick and full (None: every usable one), and tiny (the tests'
#: quick size, :class:`~helpers.datasets.cache.Dataset`).
_SIZES = {True: 24, False: None, "tiny": 5}

#: Bumped whenever the items or their sound change (old caches are rebuilt).
VERSION = 1


def score_beats(score: dict) -> tuple[list[float], list[float]]:
    """Beat and downbeat offsets (quarter notes) of a score from ``load_score``.

    Used by this module's ``plan`` for the ``beats`` labels.

    A pickup measure's beats are counted backwards from its bar line.
    """
    measures = list(score["measures"]) or [0.0]
    end, beat = score["end_ql"], score["beat_ql"]
    beats, downbeats = [], []
    for i, start in enumerate(measures):
        stop = measures[i + 1] if i + 1 < len(measures) else end
        if i == 0 and score["pickup"]:
            t = stop - beat
            while t >= start - 1e-6:
                beats.append(t)
                t -= beat
            continue
        downbeats.append(start)
        t = start
        while t < stop - 1e-6:
            beats.append(t)
            t += beat
    return sorted(set(beats)), downbeats


def tune_key(score: dict, n: int = 10) -> str:
    """A group key shared by chorales whose soprano opens with the same melody.

    Used by this module's ``plan``: the split is by these groups.

    The first ``n`` intervals between successive different pitches of the top
    voice, hashed; transposition-invariant and rhythm-blind.
    """
    pitches = [p for p, _, _ in sorted(score["parts"][0], key=lambda x: (x[1], -x[0]))]
    steps = [b - a for a, b in zip(pitches, pitches[1:], strict=False) if b != a][:n]
    return "tune-" + hashlib.sha1(repr(steps).encode()).hexdigest()[:10]


def plan(quick: bool, seed: int):
    """The chorales, split by tune."""
    n_pieces = _SIZES[bool(quick)]
    files = corpus_files("bach/bwv*.mxl")
    order = item_rng(seed, "chorales-order").permutation(len(files))
    chosen = []
    for i in order:
        try:
            score = load_score(files[i])
        except Exception:  # noqa: BLE001 - an unparseable file is skipped
            continue
        if not 3 <= len(score["parts"]) <= 6 or score["end_ql"] < 16:
            continue
        chosen.append((files[i], score))
        if n_pieces is not None and len(chosen) == n_pieces:
            break
    chosen.sort(key=lambda c: c[0])
    groups = [tune_key(score) for _, score in chosen]
    splits = group_split(groups, fractions=(0.7, 0.15, 0.15), seed=seed)
    items = [
        _item(source, score, group, split, seed)
        for (source, score), group, split in zip(chosen, groups, splits, strict=True)
    ]
    info = {"classes": list(CHORD_CLASSES), "target": "chords", "sr": SR}
    info["frame_classes"] = len(CHORD_CLASSES)
    return items, info


def _notes(score: dict, tempo: float, transpose: int) -> list[list]:
    """``[start_s, end_s, pitch, voice]`` of every note at ``tempo``, transposed."""
    sec = 60.0 / tempo
    return [
        [on * sec, (on + dur) * sec, p + transpose, v]
        for v, part in enumerate(score["parts"])
        for p, on, dur in part
    ]


def _item(source: str, score: dict, group: str, split: str, seed: int) -> dict:
    rng = item_rng(seed, "chorale", source)
    qpm = float(rng.integers(60, 97))
    transpose = int(rng.integers(-5, 7))
    voices = len(score["parts"])
    if rng.random() < 0.25:  # a single instrument for all voices, sometimes
        programs = [int(rng.choice(CHORALE_PROGRAMS))] * voices
    else:
        programs = [int(p) for p in rng.choice(CHORALE_PROGRAMS, size=voices)]
    velocities = [int(v) for v in rng.integers(70, 101, size=voices)]
    sec = 60.0 / qpm
    timed = _notes(score, qpm, transpose)
    notes = [[round(s, 6), round(e, 6), p, v] for s, e, p, v in timed]
    notes.sort(key=lambda n: (n[0], n[2]))
    segments = chord_segments([(p, s, e) for s, e, p, _ in notes])
    beats, downbeats = score_beats(score)
    tonic, mode = score["key"]
    key = f"{PITCH_NAMES[(tonic + transpose) % 12]} {mode}"
    item_id = source.removeprefix("bach/").removesuffix(".mxl").replace("/", "_")
    seconds = score["end_ql"] * sec + _TAIL
    return {
        "id": item_id,
        "source": source,
        "group": group,
        "split": split,
        "key": key,
        "key_source": score["key_source"],
        "tempo": qpm,
        "transpose": transpose,
        "programs": programs,
        "velocities": velocities,
        "seconds": seconds,
        "extra": {
            "chords": [[round(s, 6), round(e, 6), lab] for s, e, lab in segments],
            "beats": [round(b * sec, 6) for b in beats],
            "downbeats": [round(b * sec, 6) for b in downbeats],
            "notes": notes,
            "key": key,
            "tempo": qpm,
        },
    }


def render(item: dict, seed: int, soundfont: str) -> np.ndarray:
    """One chorale, one program per voice, peak-normalised."""
    notes = _notes(load_score(item["source"]), item["tempo"], item["transpose"])
    tracks = [
        (program, [(p, s, e, vel) for s, e, p, v in notes if v == voice])
        for voice, (program, vel) in enumerate(
            zip(item["programs"], item["velocities"], strict=True)
        )
    ]
    return render_tracks(
        tracks, item["seconds"], tail=0.0, peak=_PEAK, soundfont=soundfont
    )


#: The ``chorales`` dataset, as :mod:`~helpers.datasets.cache` builds it.
DATASET = Dataset("chorales", VERSION, plan, render, sizes=_SIZES)


def load_chorales(
    split: str = "train", *, quick: bool | None = None, seed: int = 0, soundfont=None
) -> list[dict]:
    """Rendered Bach chorales with chords, key, beats and notes (built on first use).

    Introduced in ``02_audio_representations``, with one fixed split (by hymn tune): the
    arguments are those of :func:`helpers.datasets.load_notes` but ``by``.

    Returns
    -------
    items : list of dict
        ``audio_path``, ``sha256``, ``chords`` (``[start_s, end_s, label]``),
        ``key``, ``beats``, ``downbeats`` (seconds), ``notes``
        (``[start_s, end_s, pitch, voice]``), ``tempo``, ``transpose``,
        ``programs``, ``source``, ``group``, ``split``.
    """
    return load_items(
        DATASET, split=split, quick=quick, seed=seed, soundfont=soundfont
    )


#: What an unheard rendering keeps of a chorale item, and its labels.
_UNHEARD_FIELDS = ("id", "source", "group", "split", "key", "key_source", "tempo",
                   "transpose", "velocities", "seconds")
_LABELS = ("chords", "beats", "downbeats", "notes", "key", "tempo")


def plan_unheard(quick: bool, seed: int, *, chorales: list[dict], programs: list,
                 pieces: str):
    """The chorales of the split ``pieces``, each voice played by a program drawn
    from ``programs`` (seeded by the item and its audio's checksum)."""
    items = []
    for item in chorales:
        if pieces not in ("all", item["split"]):
            continue
        rng = item_rng(seed, "unheard", item["id"], item["sha256"])
        voices = [int(p) for p in rng.choice(programs, size=len(item["programs"]))]
        items.append({**{k: item[k] for k in _UNHEARD_FIELDS}, "programs": voices,
                      "source_sha256": item["sha256"],
                      "extra": {k: item[k] for k in _LABELS}})
    info = {"classes": list(CHORD_CLASSES), "target": "chords", "sr": SR,
            "frame_classes": len(CHORD_CLASSES), "programs": list(programs)}
    return items, info


#: ``chorales_unheard``: chorales rendered anew by other instruments, derived
#: from ``chorales``; its options are the programs and the split whose pieces
#: are rendered.
UNHEARD = Dataset("chorales_unheard", 1, plan_unheard, render, sources=(DATASET,),
                  options={"programs": list(UNHEARD_PROGRAMS), "pieces": "test"})


def load_unheard_chorales(
    split: str = "test", *, quick: bool | None = None, seed: int = 0,
    soundfont=None, programs=UNHEARD_PROGRAMS,
) -> list[dict]:
    """The chorales of a split played by instruments that never play in training.

    Introduced in ``04_rnn``, to test how chord models trained on
    :func:`load_chorales` fare on an unheard sound. Each item is the item of
    :func:`load_chorales` (same score, tempo, transposition and labels) with
    each voice played by a program drawn from ``programs`` (one per voice,
    seeded by the item), rendered with the same SoundFont. Built on first use
    (seconds in the quick mode) as the dataset ``chorales_unheard``, derived
    from ``chorales`` (:mod:`~helpers.datasets.cache`): a folder of its own,
    ``data_dir()/chorales_unheard/<quick|full>...``, one for each set of
    programs and split, whose manifest records what identifies the build;
    nothing of the ``chorales`` dataset is touched.

    Parameters
    ----------
    split, quick, seed, soundfont
        As in :func:`load_chorales`; only ``split``'s pieces are rendered.
    programs : sequence of int
        General MIDI programs to draw from; by default :data:`UNHEARD_PROGRAMS`.

    Returns
    -------
    items : list of dict
        As :func:`load_chorales` returns them, with ``audio_path``, ``sha256``
        and ``programs`` of the new rendering (``source_sha256``: the
        checksum of the ordinary rendering).
    """
    one_of(split, "split", SPLITS)
    programs = integers(programs, "programs", low=0, high=127,
                        what="a General MIDI program")
    return load_items(UNHEARD, split=split, quick=quick, seed=seed,
                      soundfont=soundfont, programs=programs, pieces=split)


def onset_times(item: dict, *, merge: float = 0.03) -> np.ndarray:
    """Onset times of a chorale: its distinct note starts, in seconds.

    Introduced in ``04_rnn``. Starts closer than ``merge`` seconds to the
    previous one are merged into it (voices that enter together).

    Parameters
    ----------
    item : dict
        A chorale with ``notes`` (``[start_s, end_s, pitch, voice]``).
    merge : float
        Seconds.

    Returns
    -------
    times : np.ndarray [shape=(n,)], float
        Sorted onset times in seconds.
    """
    if not item.get("notes"):
        raise ParameterError("item needs 'notes' [start_s, end_s, pitch, voice]")
    starts = np.unique(np.round([note[0] for note in item["notes"]], 3))
    return starts[np.r_[True, np.diff(starts) > merge]]


def onset_targets(times, n_frames: int, *, sr: int = SR,
                  hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Frame targets for onset detection: 1 at each onset, 0.5 at its neighbours.

    Introduced in ``04_rnn``. Frame ``t`` is centred at ``t * hop_length / sr``
    (the package's frame convention, :mod:`helpers.chords`); the
    neighbours get 0.5 because score times are not frame-exact.

    Parameters
    ----------
    times : array-like [shape=(n,)]
        Onset times in seconds.
    n_frames : int > 0
    sr, hop_length : int
        Sample rate (Hz) and hop (samples).

    Returns
    -------
    y : np.ndarray [shape=(n_frames,)], float32
    """
    n_frames = positive_int(n_frames, "n_frames")
    frames = np.round(np.asarray(times, float) * sr / hop_length).astype(int)
    frames = frames[(frames >= 0) & (frames < n_frames)]
    y = np.zeros(n_frames, np.float32)
    for offset, value in ((-1, 0.5), (1, 0.5), (0, 1.0)):
        y[np.clip(frames + offset, 0, n_frames - 1)] = value
    return y
