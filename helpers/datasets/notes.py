"""``notes``: single notes of many General MIDI instruments (an NSynth-like set).

Introduced in ``01_background`` (:func:`load_notes`); the instrument-family
task of ``03_cnn``, also used for pitch. Each item is one note, 1 s long at
``SR`` (held for 0.8 s, then the release), of one General MIDI program at one
pitch and one velocity, rendered with :func:`helpers.render.render_tracks`.

Labels (exact, from the MIDI): ``family`` (one of :data:`NOTE_FAMILIES`),
``program`` (0-127), ``program_name``, ``pitch`` (MIDI), ``velocity`` (1-127).

Two leakage-safe splits are stored with every item:

- ``split`` (the default, as in NSynth): *by program within each family*. Of
  the 8 programs of a family, 6 are for training, 1 for validation and 1 for
  testing, so test notes come from instruments never heard in training: this
  measures whether the model learned the family, not the instrument.
- ``split_note``: every program is heard in training; each (program, pitch)
  note is on one side only. Easier (instrument identification), but keep in
  mind that a SoundFont plays neighbouring pitches from the same recording.
"""

from __future__ import annotations

import numpy as np

from ..config import SR
from ..render import GM_FAMILIES, program_name, render_tracks
from ..validate import one_of
from .cache import Dataset, item_rng, load_items

__all__ = ["NOTE_FAMILIES", "UNPITCHED_PROGRAMS", "load_notes"]

#: The ten General MIDI families used, in label order (chance is 10 %).
NOTE_FAMILIES = GM_FAMILIES[:10]

#: Programs whose notes have no clear pitch (left out of pitch checks).
UNPITCHED_PROGRAMS = frozenset({47, 55, 119})

#: Playable MIDI pitch range per family (low, high inclusive).
_RANGES = {
    "piano": (36, 96), "chromatic_percussion": (60, 96), "organ": (36, 84),
    "guitar": (40, 76), "bass": (28, 55), "strings": (40, 84),
    "ensemble": (43, 84), "brass": (43, 77), "reed": (48, 81), "pipe": (60, 93),
}  # fmt: skip
#: Ranges of programs far from their family's range.
_PROGRAM_RANGES = {
    43: (28, 55), 42: (36, 69), 58: (28, 55), 70: (34, 67), 72: (72, 100),
}  # fmt: skip
_VELOCITIES = (50, 75, 100, 127)
#: Notes per program, quick and full (one code path, two sizes), and tiny (the
#: tests' quick size, :class:`~helpers.datasets.cache.Dataset`).
_SIZES = {True: 8, False: 40, "tiny": 3}
_HOLD = 0.8  # seconds the key is held
_LENGTH = 1.0  # seconds per item
_GAIN = 3.0  # fixed (not per-note) gain, so velocity stays audible as level

#: Bumped whenever the items or their sound change (old caches are rebuilt).
VERSION = 1


def plan(quick: bool, seed: int):
    """The notes of every program, with both splits."""
    per_program = _SIZES[bool(quick)]
    items = []
    for f_index, family in enumerate(NOTE_FAMILIES):
        programs = list(range(8 * f_index, 8 * f_index + 8))
        order = item_rng(seed, "notes-split", family).permutation(programs)
        held_out = {int(order[0]): "test", int(order[1]): "valid"}
        for program in programs:
            low, high = _PROGRAM_RANGES.get(program, _RANGES[family])
            rng = item_rng(seed, "notes", program)
            pitches = np.arange(low, high + 1)
            replace = per_program > len(pitches)
            for k, pitch in enumerate(rng.choice(pitches, per_program, replace)):
                velocity = int(rng.choice(_VELOCITIES))
                u = rng.random()  # the note's side in the split by note
                by_note = "train" if u < 0.7 else "valid" if u < 0.85 else "test"
                items.append(
                    {
                        "id": f"{program:03d}-{k:03d}",
                        "family": family,
                        "program": program,
                        "program_name": program_name(program),
                        "pitch": int(pitch),
                        "velocity": velocity,
                        "pitched": program not in UNPITCHED_PROGRAMS,
                        "split": held_out.get(program, "train"),
                        "split_note": by_note,
                        "group": f"program-{program:03d}",
                        "seconds": _LENGTH,
                    }
                )
    info = {"classes": list(NOTE_FAMILIES), "target": "family", "sr": SR}
    info["splits"] = {"split": "by program within family", "split_note": "by note"}
    return items, info


def render(item: dict, seed: int, soundfont: str) -> np.ndarray:
    """One note, held for 0.8 s, at a fixed gain."""
    note = (item["pitch"], 0.0, _HOLD, item["velocity"])
    y = render_tracks([(item["program"], [note])], _LENGTH, soundfont=soundfont)
    return y * _GAIN


#: The ``notes`` dataset, as :mod:`~helpers.datasets.cache` builds it.
DATASET = Dataset("notes", VERSION, plan, render, sizes=_SIZES)


def load_notes(
    split: str = "train",
    *,
    by: str = "program",
    quick: bool | None = None,
    seed: int = 0,
    soundfont=None,
) -> list[dict]:
    """Single notes of the ``notes`` dataset (built on first use).

    Introduced in ``01_background``.

    Parameters
    ----------
    split : str
        ``"train"``, ``"valid"``, ``"test"`` or ``"all"``.
    by : str
        ``"program"`` (test instruments are never heard in training) or
        ``"note"`` (every instrument heard, each note on one side).
    quick, seed, soundfont
        Size, base seed and SoundFont; see :func:`helpers.datasets.build`.

    Returns
    -------
    items : list of dict
        ``audio_path``, ``sha256``, ``family``, ``program``, ``program_name``,
        ``pitch``, ``velocity``, ``pitched``, ``split``, ``split_note``,
        ``group``...
    """
    split_key = {"program": "split", "note": "split_note"}
    one_of(by, "by", split_key)
    return load_items(
        DATASET,
        split=split,
        split_key=split_key[by],
        quick=quick,
        seed=seed,
        soundfont=soundfont,
    )
