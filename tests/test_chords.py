"""helpers.chords: the chord vocabulary, below the datasets and the metrics.

Labels, segments and frames both ways are tested on the chorales in
``test_datasets.py``; here, what moves ids and what the layers need.
"""

import numpy as np
import pytest

from helpers import chords
from helpers.datasets import chords as dataset_chords
from helpers.errors import ParameterError


def test_transpose_ids_leaves_padding_and_no_chord_alone():
    """``transpose_ids([0, 24, -100], 1)`` gave ``[1, 24, -99]``: it moved the
    padding that ``nn.CrossEntropyLoss`` skips into a real class."""
    assert chords.transpose_ids(np.array([0, 24, -100]), 1).tolist() == [1, 24, -100]
    y = np.array([[11, 23, -100, -100], [0, 12, 24, -100]])
    np.testing.assert_array_equal(
        chords.transpose_ids(y, 2), [[1, 13, -100, -100], [2, 14, 24, -100]]
    )
    assert chords.transpose_ids(-100, 5) == -100
    with pytest.raises(ParameterError, match="^k must be a whole number"):
        chords.transpose_ids([0, 1], 1.5)
    with pytest.raises(ParameterError, match="^ids must be integer"):
        chords.transpose_ids([0.5, 1.0], 1)


def test_the_datasets_reexport_the_one_vocabulary():
    """``04_rnn`` imports ``CHORD_CLASSES`` and ``transpose_ids`` from
    ``helpers.datasets.chords``: the same objects as ``helpers.chords``."""
    for name in dataset_chords.__all__:
        assert getattr(dataset_chords, name) is getattr(chords, name)
