"""Embedded MIR datasets made of real music, offline and leakage-safe.

Introduced in ``01_background``. Compositions come from the corpus bundled with
``music21`` (:mod:`~helpers.datasets.corpus`); the sound from a General MIDI
SoundFont rendered by :func:`helpers.render.render_midi`. Every label is derived
from the score or the MIDI. Built on first use (or with ``python -m
helpers.datasets build``) and cached under :func:`helpers.env.data_dir`, with a
manifest holding a SHA-256 checksum of every file (:mod:`~helpers.datasets.cache`;
every dataset, by name, in :mod:`~helpers.datasets.registry`);
``soundfont=`` (of :func:`build` and the loaders) renders with another
SoundFont, into a cache of its own.

- ``notes``: single notes of 80 instruments in 10 families (:func:`load_notes`).
- ``chorales``: Bach chorales with chords, key, beats (:func:`load_chorales`);
  chord labels, segments and frames in :mod:`helpers.chords`;
  ``chorales_unheard``: its test pieces played by other instruments
  (:func:`load_unheard_chorales`).
- ``styles``: 6-second clips of four style groups (:func:`load_styles`).
- ``tags``: several exact tags per 2-second segment of the styles clips
  (:func:`load_tags`).
- ``probes``: synthetic tones, triads, click trains (:func:`make_probes`);
  melodies labelled by timbre and by tempo (:func:`make_shape_probes`).
- Your audio: :class:`AudioFolder`; GTZAN if you have it: :func:`load_gtzan`.
- For PyTorch: :class:`AudioDataset` and :class:`FeatureDataset`
  (:mod:`~helpers.datasets.feature_dataset`).
"""

# The names imported from ``helpers.datasets``, written out so that a reader sees
# where each comes from. A new dataset needs no line here: its loader is imported
# from its module until a notebook wants it here (docs/datasets.md, "Adding a
# dataset"); the registry reaches every dataset by name.
from .chorales import (
    UNHEARD_PROGRAMS,
    load_chorales,
    load_unheard_chorales,
    onset_targets,
    onset_times,
)
from .chords import (
    CHORD_CLASSES,
    chord_index,
    chord_label,
    chord_segments,
    chord_targets,
    frames_to_segments,
    sonify_chords,
    transpose_ids,
)
from .feature_dataset import AudioDataset, FeatureDataset
from .folder import AudioFolder
from .gtzan import GTZAN_GENRES, gtzan_split_files, load_gtzan
from .notes import NOTE_FAMILIES, load_notes
from .probes import PROBE_KINDS, TRIAD_QUALITIES, make_probes
from .registry import DATASETS, build, load_manifest
from .shape_probes import SHAPE_LABELS, make_shape_probes
from .splits import check_group_split, group_split
from .styles import STYLE_CLASSES, load_styles
from .tags import TAGS, load_tags, tag_matrix

__all__ = [
    "DATASETS", "build", "load_manifest", "load_notes", "load_chorales",
    "load_styles", "make_probes", "PROBE_KINDS", "TRIAD_QUALITIES",
    "NOTE_FAMILIES", "STYLE_CLASSES", "CHORD_CLASSES", "chord_label",
    "chord_segments", "chord_index", "chord_targets", "frames_to_segments",
    "sonify_chords", "load_unheard_chorales", "UNHEARD_PROGRAMS", "onset_times",
    "onset_targets", "transpose_ids",
    "AudioDataset", "FeatureDataset", "AudioFolder", "group_split",
    "check_group_split", "load_gtzan", "gtzan_split_files", "GTZAN_GENRES",
    "TAGS", "load_tags", "tag_matrix", "SHAPE_LABELS", "make_shape_probes",
]  # fmt: skip
