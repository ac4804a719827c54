"""Audio defaults, defined once and imported everywhere.

These are librosa's defaults, so that what a learner reads in the librosa
documentation matches what the notebooks compute. Introduced in ``01_background``.
"""

from __future__ import annotations

#: Sample rate in Hz used for every dataset and feature.
SR = 22050
#: FFT size in samples (about 93 ms at ``SR``).
N_FFT = 2048
#: Hop between frames in samples (about 23 ms at ``SR``; 43 frames per second).
HOP_LENGTH = 512
#: Number of mel bands.
N_MELS = 128
#: Number of MFCC coefficients.
N_MFCC = 20
#: Lowest CQT frequency in Hz (C1).
FMIN = 32.70319566257483
#: CQT bins per octave (one per semitone).
BINS_PER_OCTAVE = 12
#: Number of CQT bins (7 octaves, C1 to B7).
N_BINS = 84
#: Dynamic range kept by log compression, in dB.
TOP_DB = 80.0

__all__ = [
    "SR",
    "N_FFT",
    "HOP_LENGTH",
    "N_MELS",
    "N_MFCC",
    "FMIN",
    "BINS_PER_OCTAVE",
    "N_BINS",
    "TOP_DB",
]
