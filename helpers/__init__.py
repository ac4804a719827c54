"""Shared helpers for the *Deep Learning for Music Information Retrieval* notebooks.

The package is split by concern, not by notebook:

- :mod:`helpers.config`   audio defaults (``SR``, ``N_FFT``, ``HOP_LENGTH``, ``N_MELS``)
- :mod:`helpers.env`      device choice, seeds, quick mode, data folder
- :mod:`helpers.errors`   the project's exception types
- :mod:`helpers.audio`    loading, validating and playing audio
- :mod:`helpers.features` librosa reference features and a batched PyTorch path
- :mod:`helpers.plotting` figures that compose (``ax=None`` in, ``fig, ax`` out)
- :mod:`helpers.widgets`  interactive explorers with static fallbacks
- :mod:`helpers.checks`   assertions for the claims a notebook makes

Importing the package has no side effects: nothing is seeded, printed or
downloaded.
"""

__version__ = "0.1.0"
