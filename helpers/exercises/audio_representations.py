"""Exercises of notebook ``02_audio_representations``.

Each exercise is a reference solution (what a reader could write), a checker
(which asks librosa, independently of the solution) and an :class:`Exercise`
entry in ``EXERCISES``. Introduced in ``02_audio_representations``.
"""

from __future__ import annotations

from numbers import Integral

import librosa
import numpy as np

from ..config import HOP_LENGTH, N_FFT, SR
from .exercise import Exercise

__all__ = ["EXERCISES", "stft_frames", "check_stft_frames"]

def stft_frames() -> int:
    """How many STFT frames librosa gives for 3 s of audio (``center=True``).

    Reference solution of exercise ``"stft_frames"``. Introduced in
    ``02_audio_representations``.

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
    ever disagree. Introduced in ``02_audio_representations``.

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


EXERCISES = [
    Exercise(
        "stft_frames",
        solution=stft_frames,
        checker=check_stft_frames,
        expects=Integral,
        answer="a whole number of frames (an int; use // or int() on a division)",
    ),
]
