"""The chord vocabulary, as the datasets use it: :mod:`helpers.chords`, re-exported.

The chorales are labelled with it (:mod:`~helpers.datasets.chorales`) and
:class:`~helpers.datasets.FeatureDataset` turns their segments into frame targets
with it; it lives in :mod:`helpers.chords`, a layer below the datasets and the
metrics, so that both build on it. ``04_rnn`` imports ``CHORD_CLASSES`` and
``transpose_ids`` from here.
"""

from ..chords import (
    CHORD_CLASSES,
    NO_CHORD,
    PITCH_NAMES,
    chord_index,
    chord_label,
    chord_segments,
    chord_targets,
    frames_to_segments,
    sonify_chords,
    transpose_ids,
)

__all__ = [
    "PITCH_NAMES", "CHORD_CLASSES", "NO_CHORD", "chord_label", "chord_segments",
    "chord_index", "chord_targets", "frames_to_segments", "sonify_chords",
    "transpose_ids",
]  # fmt: skip
