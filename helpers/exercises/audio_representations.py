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

from ..audio import harmonic_tone
from ..config import HOP_LENGTH, N_FFT, SR
from .exercise import Exercise

__all__ = [
    "EXERCISES",
    "alias_frequency",
    "check_alias_frequency",
    "check_stft_frames",
    "check_two_tone_window",
    "equal_loudness",
    "loudness_outcome",
    "more_mfccs",
    "raw_db_learning_rate",
    "raw_db_outcome",
    "reconstruction_outcome",
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
        f"{gap:.0f} Hz gap is {gap * answer / SR:.1f} bins, less than the 2 bins two "
        f"4-bin-wide peaks need for a dip between them, so they merge into "
        f"{peaks[answer]} peak."
    )


# Experiment exercises ----------------------------------------------------
#: Section 2.4's two timbres: harmonic weights 1/k (bright) and 1/k^2 (dark).
TIMBRES = ([1 / k for k in range(1, 11)], [1 / k**2 for k in range(1, 11)])


def _timbre_notes(n: int, seed: int, loudness_db: float):
    """Section 2.4's notes: mean mel power and mean dB per note (n, 64), labels."""
    from ..features import mel_spectrogram, to_db

    rng, y = np.random.default_rng(seed), np.arange(n) % 2
    linear, db = [], []
    for label in y:
        pitch = rng.integers(48, 73)
        gain = 0.3 * 10 ** (-rng.uniform(0, loudness_db) / 20)
        note = harmonic_tone(pitch, 0.5, amplitudes=TIMBRES[label], attack=0.01,
                             peak=gain)
        M = mel_spectrogram(note, n_mels=64)  # (64, frames)
        linear.append(M.mean(axis=1))
        db.append(to_db(M).mean(axis=1))
    return np.array(linear), np.array(db), y


def equal_loudness(loudness_db: float = 0.0) -> float:
    """Section 2.4's classifier on linear power and on dB, every note equally loud.

    Reference run of experiment exercise ``"equal_loudness"`` of
    ``02_audio_representations``, shown by :func:`~helpers.exercises.solution`:
    ``linear_against_db`` of section 2.4 with one change, ``loudness_db=0``,
    on less data so that it runs in a second or two (one draw of 120 training
    and 120 test notes; the notebook: 5 draws in quick mode, 10 of 400 in full).

    Parameters
    ----------
    loudness_db : float
        The notes are 0 to ``-loudness_db`` dB loud (40 reproduces section 2.4).

    Returns
    -------
    float
        The mean test accuracy on dB minus that on linear power.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train, test = (_timbre_notes(120, seed, loudness_db) for seed in (2, 3))
    accuracy = []
    for i in (0, 1):  # linear power, then dB
        classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        accuracy.append(classifier.fit(train[i], train[2]).score(test[i], test[2]))
    return accuracy[1] - accuracy[0]


def loudness_outcome(difference: float) -> str:
    """Which outcome a difference in accuracy, dB minus linear power, shows.

    Outcome function of experiment exercise ``"equal_loudness"``: within 0.05
    is ``"about the same"``, more is ``"decibels ahead"``, less
    ``"linear power ahead"``. Section 2.4's own run (loudness 0 to -40 dB)
    shows ``"decibels ahead"`` (a difference of 0.1 or more in both modes).

    Parameters
    ----------
    difference : float
        Mean test accuracy on dB minus that on linear power.

    Returns
    -------
    str
    """
    if abs(difference) <= 0.05:
        return "about the same"
    return "decibels ahead" if difference > 0 else "linear power ahead"


def raw_db_learning_rate(lr: float = 0.001) -> float:
    """Section 2.4's small network on raw dB, with a smaller learning rate.

    Reference run of experiment exercise ``"raw_db_learning_rate"`` of
    ``02_audio_representations``, shown by :func:`~helpers.exercises.solution`:
    ``train_small_network`` of section 2.4 on unscaled dB features, from seeds
    0, 1 and 2, with one change, ``lr=0.001`` instead of 0.05, on smaller data
    (120 training and 120 test notes, as one draw of quick mode).

    Parameters
    ----------
    lr : float
        The learning rate (0.05 reproduces section 2.4).

    Returns
    -------
    float
        The mean test accuracy over the three seeds (chance is 0.5).
    """
    import torch

    _, X_train, y_train = _timbre_notes(120, 2, 40)
    _, X_test, y_test = _timbre_notes(120, 3, 40)
    X, y = torch.tensor(X_train), torch.from_numpy(y_train)
    accuracy = []
    for seed in range(3):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(),
                                    torch.nn.Linear(16, 2))
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        for _ in range(100):  # full-batch gradient descent
            loss = torch.nn.functional.cross_entropy(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            predicted = model(torch.tensor(X_test)).argmax(dim=1).numpy()
        accuracy.append(float(np.mean(predicted == y_test)))
    return float(np.mean(accuracy))


def raw_db_outcome(accuracy: float) -> str:
    """Which outcome a mean test accuracy of the network on raw dB shows.

    Outcome function of experiment exercise ``"raw_db_learning_rate"``: below
    0.6 is ``"at chance"`` (chance is 0.5), 0.85 or more ``"as good as per
    band"`` (per-band standardisation reaches 0.89 to 1 in section 2.4), in
    between ``"learns, below per band"``.

    Parameters
    ----------
    accuracy : float
        Mean test accuracy over seeds 0, 1 and 2.

    Returns
    -------
    str
    """
    if accuracy < 0.6:
        return "at chance"
    return "as good as per band" if accuracy >= 0.85 else "learns, below per band"


def more_mfccs(n_mfcc: int = 40) -> float:
    """The melody rebuilt from ``n_mfcc`` MFCCs: its spectral error.

    Reference run of experiment exercise ``"more_mfccs"`` of
    ``02_audio_representations``, shown by :func:`~helpers.exercises.solution`:
    section 2.8's reconstruction from MFCCs with one change, 40 coefficients
    instead of 20.

    Parameters
    ----------
    n_mfcc : int
        Coefficients kept (20 reproduces section 2.8).

    Returns
    -------
    float
        ``||S_hat| - |S|| / ||S||`` of the STFT magnitudes (0: identical).
    """
    from ..features import invert_mfcc, mfcc, stft_magnitude

    synth = {"amplitudes": (1, 0.5, 0.33, 0.25, 0.2), "attack": 0.01, "peak": 0.3}
    melody = np.concatenate([harmonic_tone(n, 0.4, **synth)
                             for n in [60, 64, 67, 72, 67, 64, 60]])
    rebuilt = invert_mfcc(mfcc(melody, n_mfcc=n_mfcc), length=len(melody))
    S, S_hat = stft_magnitude(melody), stft_magnitude(rebuilt)
    return float(np.linalg.norm(S_hat - S) / np.linalg.norm(S))


def reconstruction_outcome(error: float) -> str:
    """Which outcome a spectral error of the melody rebuilt from MFCCs shows.

    Outcome function of experiment exercise ``"more_mfccs"``. From 20 MFCCs the
    error is 0.95 (section 2.8, the same in every mode: no data is drawn); below
    0.9 is ``"lower"``, above 1.0 ``"higher"``, in between ``"about the same"``.

    Parameters
    ----------
    error : float
        The spectral error of the rebuilt melody.

    Returns
    -------
    str
    """
    if error < 0.9:
        return "lower"
    return "higher" if error > 1.0 else "about the same"


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
    Exercise(
        "equal_loudness", equal_loudness, kind="experiment",
        outcomes=("decibels ahead", "about the same", "linear power ahead"),
        outcome_of=loudness_outcome, expected="about the same", expects=Real,
        answer=("the mean accuracy on dB minus that on linear power (a number: "
                "np.mean(equal['dB']) - np.mean(equal['linear power']))"),
        edit=("run equal, _, _ = linear_against_db(n_draws, n_notes, loudness_db=0) "
              "in the exercise's cell"),
        why=("With every note equally loud, the linear mel spectrum of a bright "
             "note always has the same shape and the same size, and a linear "
             "classifier reads it as well as the dB one: what held linear power "
             "back was the loudness scaling it, which dB turns into an offset."),
        hint=("Think about what changed between the notes: with no loudness "
              "variation, does a linear spectrum still get scaled?"),
    ),
    Exercise(
        "raw_db_learning_rate", raw_db_learning_rate, kind="experiment",
        outcomes=("at chance", "learns, below per band", "as good as per band"),
        outcome_of=raw_db_outcome, expected="learns, below per band", expects=Real,
        answer=("the mean test accuracy over seeds 0, 1 and 2 (a number; chance is "
                "0.5)"),
        edit=("train train_small_network(*inputs['raw dB'], seed, lr=0.001) for "
              "seeds 0, 1 and 2 in the exercise's cell"),
        why=("A step 50 times smaller no longer throws the network off, so it "
             "learns; but the bands lie tens of dB apart and far below zero, so one "
             "learning rate is too large for some weights and too small for "
             "others, and 100 steps are not enough: standardising fixes the scale "
             "instead of the step."),
        hint=("Look at the loss curve of raw dB: what made it jump at the start, "
              "and what a smaller step does to that jump."),
    ),
    Exercise(
        "more_mfccs", more_mfccs, kind="experiment",
        outcomes=("lower", "about the same", "higher"),
        outcome_of=reconstruction_outcome, expected="lower", expects=Real,
        answer="the spectral error of the melody rebuilt from 40 MFCCs (a number)",
        edit=("rebuild the melody from mfcc(melody, n_mfcc=40) with invert_mfcc and "
              "measure spectral_error in the exercise's cell"),
        why=("The higher coefficients are the finer ripples of each log-mel frame: "
             "40 of them keep more of the harmonic structure than 20, so the "
             "rebuilt spectrum lies closer to the original (listen: more notes "
             "keep their pitch)."),
        hint=("Think about what the higher DCT coefficients describe (section 2.2, "
              "step 7) and what 20 of them threw away."),
    ),
]
