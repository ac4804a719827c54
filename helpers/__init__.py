"""Shared helpers for the *Deep Learning for Music Information Retrieval* notebooks.

The package is split by concern, not by notebook:

- :mod:`helpers.config`    audio defaults (``SR``, ``N_FFT``, ``HOP_LENGTH`` ...)
- :mod:`helpers.env`       device choice, seeds, quick mode, data folder
- :mod:`helpers.errors`    the project's exception types
- :mod:`helpers.validate`  one validator per kind of argument; ``atomic_write``
- :mod:`helpers.audio`     loading, writing, synthesising and playing audio
- :mod:`helpers.chords`    the chord vocabulary: labels, segments, frame classes
- :mod:`helpers.features`  librosa reference features, ``Standardizer``
- :mod:`helpers.torch_features`  the batched PyTorch path that matches them
- :mod:`helpers.render`    MIDI to audio with a SoundFont (for the datasets)
- :mod:`helpers.datasets`  embedded datasets, your own audio, PyTorch datasets
- :mod:`helpers.training`  ``fit``, ``evaluate``, ``predict``; checkpoints, DDP
- :mod:`helpers.metrics`   classification metrics and ``mir_eval`` scores
- :mod:`helpers.plotting`  figures that compose (``ax=None`` in, ``fig, ax`` out)
- :mod:`helpers.sequence_plots`  figures of sequences: chords per frame, event times
- :mod:`helpers.sequences` probes of recurrent layers, random training excerpts
- :mod:`helpers.widgets`   interactive explorers with static fallbacks
- :mod:`helpers.background`  notebook 01's figures and small-experiment data
- :mod:`helpers.checks`    assertions for the claims a notebook makes
- :mod:`helpers.exercises` exercises: ``check(name, answer)``, ``solution(name)``

Importing the package has no side effects: nothing is seeded, printed or
downloaded.
"""

__version__ = "0.1.0"
