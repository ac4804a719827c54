"""Exercises of notebook ``02_audio_representations``.

Each exercise is a reference solution (what a reader could write), a checker
(which asks librosa, independently of the solution) and an :class:`Exercise`
entry in ``EXERCISES``. Introduced in ``02_audio_representations``.
"""

from __future__ import annotations

from numbers import Integral, Real

import librosa
import numpy as np
from scipy.signal import find_peaks

from ..config import HOP_LENGTH, N_FFT, SR
from .exercise import Exercise

__all__ = [
    "EXERCISES",
    "alias_frequency",
    "check_alias_frequency",
    "check_stft_frames",
    "check_two_tone_window",
    "stft_frames",
    "two_tone_window",
]


def stft_frames() -> int:
    """How many STFT frames librosa gives for 3 s of audio (``center=True``).

    Reference solution of exercise ``"stft_frames"`` of
    ``02_audio_representations``, shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        The number of frames (columns of the spectrogram) predicted from
        ``SR``, ``HOP_LENGTH`` and ``N_FFT``.
    """
    n_samples = 3 * SR  # 3 s at SR = 22 050 Hz: 66 150 samples
    # center=True pads N_FFT // 2 samples at both ends, so frame t is centred
    # on sample t * HOP_LENGTH: one frame at sample 0, then one every hop up to
    # the last sample. N_FFT sets the frame length, not how many frames there are.
    predicted = 1 + n_samples // HOP_LENGTH
    # Then compute it: the content of the signal does not matter, only its length.
    S = librosa.stft(np.zeros(n_samples, dtype=np.float32), n_fft=N_FFT,
                     hop_length=HOP_LENGTH, center=True)  # (1 + N_FFT // 2, frames)
    print(f"predicted {predicted} frames, librosa gives {S.shape[1]}")
    return predicted


def check_stft_frames(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with the number of frames librosa actually gives.

    Checker of exercise ``"stft_frames"``: the right count comes from
    ``librosa.stft``, not from :func:`stft_frames`, so CI notices if the two
    ever disagree. :func:`~helpers.exercises.check` calls it.

    Parameters
    ----------
    answer : int
        The reader's number of frames.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    n_samples = 3 * SR  # the exercise asks about 3 s
    y = np.zeros(n_samples, dtype=np.float32)
    frames = librosa.stft(y, n_fft=N_FFT, hop_length=HOP_LENGTH).shape[1]
    if answer == frames:
        return True, (
            f"{frames} frames. center=True pads N_FFT // 2 = {N_FFT // 2} samples "
            f"at both ends, so there is a frame centred on sample 0 and one every "
            f"{HOP_LENGTH} samples after it: 1 + {n_samples} // {HOP_LENGTH}."
        )
    hints = {
        n_samples // HOP_LENGTH: (
            "that counts the hops in 3 s. With center=True the first frame is "
            "centred on sample 0 (librosa pads N_FFT // 2 samples at both ends): "
            "count that frame too."
        ),
        1 + (n_samples - N_FFT) // HOP_LENGTH: (
            "that is the count without padding (center=False), where every frame "
            "must fit inside the signal. center=True pads N_FFT // 2 samples at "
            "both ends, so frames are centred on samples 0, HOP_LENGTH, ..."
        ),
        1 + N_FFT // 2: (
            "that is the number of frequency bins (rows, 1 + N_FFT // 2); the "
            "question asks for the number of frames (columns)."
        ),
    }
    more_or_less = "too many" if answer > frames else "too few"
    generic = (
        f"{answer} is {more_or_less}. Frames come every HOP_LENGTH samples, "
        f"about SR / HOP_LENGTH = {SR / HOP_LENGTH:.0f} per second; then think "
        f"about what center=True adds at both ends."
    )
    return False, hints.get(answer, generic)


def alias_frequency() -> float:
    """Where a 15 000 Hz tone appears when sampled at ``SR`` without a filter.

    Reference solution of exercise ``"alias_frequency"`` of
    ``02_audio_representations``, shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    float
        The apparent frequency in Hz.
    """
    f = 15_000
    # Above the Nyquist frequency SR / 2 = 11 025 Hz, a tone at f looks exactly
    # like one at SR - f: sin(2 pi f n / SR) = -sin(2 pi (SR - f) n / SR).
    predicted = SR - f
    # Then measure it: one second of the tone, and the peak of its spectrum.
    y = np.sin(2 * np.pi * f * np.arange(SR) / SR)
    spectrum = np.abs(np.fft.rfft(y))
    measured = np.fft.rfftfreq(SR, 1 / SR)[spectrum.argmax()]
    print(f"predicted {predicted} Hz, the spectrum peaks at {measured:.0f} Hz")
    return float(predicted)


def check_alias_frequency(answer: float) -> tuple[bool, str]:
    """Compare ``answer`` with the measured peak of a sampled 15 000 Hz tone.

    Checker of exercise ``"alias_frequency"``; :func:`~helpers.exercises.check`
    calls it. Answers within 5 Hz of the measured peak are right.

    Parameters
    ----------
    answer : float
        The reader's frequency in Hz.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    f, nyquist = 15_000, SR / 2
    y = np.sin(2 * np.pi * f * np.arange(SR) / SR)  # one second: bins 1 Hz apart
    peak = float(np.fft.rfftfreq(SR, 1 / SR)[np.abs(np.fft.rfft(y)).argmax()])
    if abs(answer - peak) <= 5:
        return True, (
            f"{peak:.0f} Hz. Above the Nyquist frequency ({nyquist:.0f} Hz) a tone "
            f"folds back: it appears at SR - f = {SR} - {f}."
        )
    if abs(answer - f) <= 5:
        return False, (
            f"{f} Hz is above SR / 2 = {nyquist:.0f} Hz, the highest frequency a "
            f"sample rate of {SR} Hz can represent: the tone must appear lower."
        )
    if abs(answer - (f - nyquist)) <= 5:
        return False, (
            "that is how far the tone is above the Nyquist frequency. It folds back "
            "like a mirror at SR / 2: count that distance down from SR / 2."
        )
    return False, (
        f"not quite. Frequencies above SR / 2 = {nyquist:.0f} Hz mirror around it; "
        f"the tone is {f - nyquist:.0f} Hz above it."
    )


WINDOWS = (256, 512, 1024, 2048, 4096)  # the choices of exercise "two_tone_window"


def _peaks_for_two_tones(n_fft: int) -> int:
    """Peaks between 200 and 800 Hz for A4 and A#4 (1 s, time-averaged STFT)."""
    t = np.arange(SR) / SR
    y = np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 466.16 * t)
    S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=64)).mean(axis=1)
    freqs = librosa.fft_frequencies(sr=SR, n_fft=n_fft)
    band = S[(freqs >= 200) & (freqs <= 800)]
    return len(find_peaks(band, prominence=0.1 * band.max())[0])


def two_tone_window() -> int:
    """The shortest window of ``WINDOWS`` that separates A4 and A#4.

    Reference solution of exercise ``"two_tone_window"`` of
    ``02_audio_representations``, shown by :func:`~helpers.exercises.solution`.

    Returns
    -------
    int
        ``n_fft`` in samples.
    """
    gap = 466.16 - 440  # Hz
    # A Hann window's main lobe is 4 bins wide; the two lobes must overlap by less
    # than half for a dip between them, so the tones need about 2 bins: SR / n_fft
    # <= gap / 2, that is n_fft >= 2 * SR / gap (about 1690 samples).
    predicted = min(n for n in WINDOWS if n >= 2 * SR / gap)
    for n_fft in WINDOWS:  # then count the peaks, as n_peaks_near does
        print(f"n_fft={n_fft}: {_peaks_for_two_tones(n_fft)} peak(s)")
    return predicted


def check_two_tone_window(answer: int) -> tuple[bool, str]:
    """Compare ``answer`` with the shortest window that shows two peaks.

    Checker of exercise ``"two_tone_window"``: it counts the peaks for every
    window of ``WINDOWS``. :func:`~helpers.exercises.check` calls it.

    Parameters
    ----------
    answer : int
        The reader's ``n_fft``.

    Returns
    -------
    (bool, str)
        Whether it is right, and why or a hint.
    """
    peaks = {n: _peaks_for_two_tones(n) for n in WINDOWS}
    shortest = min(n for n in WINDOWS if peaks[n] == 2)
    gap = 466.16 - 440
    if answer == shortest:
        return True, (
            f"n_fft={shortest}: bins {SR / shortest:.1f} Hz apart, so the {gap:.0f} Hz "
            f"gap spans about {gap * shortest / SR:.1f} bins, enough for a dip "
            f"between the two peaks."
        )
    if answer not in WINDOWS:
        return False, f"choose one of {WINDOWS}."
    if answer > shortest:
        return False, (
            f"n_fft={answer} shows two peaks too, but a shorter window also does; "
            f"shorter windows keep more detail in time."
        )
    return False, (
        f"with n_fft={answer} the bins are {SR / answer:.1f} Hz apart: the "
        f"{gap:.0f} Hz gap is {gap * answer / SR:.1f} bins, and the 4-bin-wide lobes "
        f"of the two tones merge into {peaks[answer]} peak."
    )


EXERCISES = [
    Exercise(
        "stft_frames",
        solution=stft_frames,
        checker=check_stft_frames,
        expects=Integral,
        answer="a whole number of frames (an int; use // or int() on a division)",
    ),
    Exercise(
        "alias_frequency",
        solution=alias_frequency,
        checker=check_alias_frequency,
        expects=Real,
        answer="a frequency in Hz (a number)",
    ),
    Exercise(
        "two_tone_window",
        solution=two_tone_window,
        checker=check_two_tone_window,
        expects=Integral,
        answer="a window length n_fft in samples (an int)",
    ),
]
