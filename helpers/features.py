"""Audio features with librosa, the reference; preparing features for a model.

Introduced in ``01_background`` (:func:`cqt`, :func:`to_db`, :class:`Standardizer`,
:func:`mfcc_statistics`); every representation is taught in
``02_audio_representations``.

The feature functions (:func:`stft_magnitude`, :func:`mel_spectrogram`,
:func:`log_mel`, :func:`mfcc`, :func:`cqt`, :func:`chroma`) take one mono
signal as a NumPy array and are the reference implementation; ``FEATURES`` names
them and :func:`extract` computes one by name. The batched PyTorch path that
matches them is :mod:`helpers.torch_features`.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import librosa
import numpy as np
import torch

from .config import (
    BINS_PER_OCTAVE,
    FMIN,
    HOP_LENGTH,
    N_BINS,
    N_FFT,
    N_MELS,
    N_MFCC,
    SR,
    TOP_DB,
)
from .errors import ParameterError
from .validate import (
    audio_signal,
    frame_args,
    integer,
    one_of,
    positive_int,
    sample_rate,
)

__all__ = [
    "FEATURES", "FEATURE_REGISTRY", "Feature", "extract", "stft_magnitude",
    "mel_spectrogram", "to_db", "log_mel", "mfcc", "cqt", "chroma",
    "invert_stft_magnitude", "invert_mel", "invert_mfcc", "mfcc_statistics",
    "Standardizer", "shift_bins",
]  # fmt: skip


# Validation ---------------------------------------------------------------
def _check_signal(y, n_fft, hop_length) -> np.ndarray:
    y = audio_signal(y)
    frame_args(len(y), n_fft, hop_length)
    return y


# librosa reference --------------------------------------------------------
def stft_magnitude(
    y: np.ndarray, *, n_fft: int = N_FFT, hop_length: int = HOP_LENGTH
) -> np.ndarray:
    """Magnitude of the short-time Fourier transform.

    Introduced in ``02_audio_representations``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Mono signal.
    n_fft : int
        Window and FFT length in samples.
    hop_length : int
        Samples between frames.

    Returns
    -------
    S : np.ndarray [shape=(1 + n_fft // 2, t)], float32
        ``|STFT|``; bin ``k`` is ``k * sr / n_fft`` Hz, frame ``t`` is centred
        at ``t * hop_length / sr`` seconds.
    """
    y = _check_signal(y, n_fft, hop_length)
    return np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length))


def mel_spectrogram(y: np.ndarray, *, sr: int = SR, n_fft: int = N_FFT,
                    hop_length: int = HOP_LENGTH, n_mels: int = N_MELS,
                    power: float = 2.0) -> np.ndarray:
    """Mel spectrogram, power by default. Introduced in ``02_audio_representations``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    sr : int
        Sample rate in Hz.
    n_fft, hop_length : int
        Frame length and hop in samples.
    n_mels : int
        Number of mel bands (Slaney-normalised triangles from 0 Hz to ``sr/2``).
    power : float
        1 for magnitude, 2 for power.

    Returns
    -------
    M : np.ndarray [shape=(n_mels, t)], float32
    """
    y = _check_signal(y, n_fft, hop_length)
    sr = sample_rate(sr)
    n_mels = positive_int(n_mels, "n_mels")
    return librosa.feature.melspectrogram(
        y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, power=power
    )


def to_db(S: np.ndarray, *, power: bool = True, top_db: float | None = TOP_DB):
    """Log compression in decibels: ``10 log10(S)`` for power, ``20 log10`` else.

    Introduced in ``01_background``. Values are relative to 1.0 (an absolute
    reference, so that louder audio has higher values) and clipped to ``top_db``
    below the peak.

    Parameters
    ----------
    S : np.ndarray, non-negative
        A power (``power=True``) or magnitude spectrogram.
    power : bool
        Whether ``S`` holds powers.
    top_db : float or None
        Dynamic range kept in dB; ``None`` keeps everything.

    Returns
    -------
    S_db : np.ndarray, same shape, float32, in dB
    """
    S = np.asarray(S)
    if S.size == 0:
        raise ParameterError("S is empty; expected a spectrogram")
    if not np.all(np.isfinite(S)) or np.any(S < 0):
        raise ParameterError("S must hold finite, non-negative values")
    if power:
        return librosa.power_to_db(S, ref=1.0, top_db=top_db)
    return librosa.amplitude_to_db(S, ref=1.0, top_db=top_db)


def log_mel(y: np.ndarray, *, sr: int = SR, n_fft: int = N_FFT,
            hop_length: int = HOP_LENGTH, n_mels: int = N_MELS,
            top_db: float | None = TOP_DB) -> np.ndarray:
    """Log-mel spectrogram in dB, the default input of the notebooks' networks.

    Introduced in ``02_audio_representations``; arguments as in
    :func:`mel_spectrogram`, ``top_db`` as in :func:`to_db`.

    Returns
    -------
    M_db : np.ndarray [shape=(n_mels, t)], float32, dB relative to 1.0
    """
    M = mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    return to_db(M, top_db=top_db)


def mfcc(y: np.ndarray, *, sr: int = SR, n_mfcc: int = N_MFCC, n_fft: int = N_FFT,
         hop_length: int = HOP_LENGTH, n_mels: int = N_MELS) -> np.ndarray:
    """Mel-frequency cepstral coefficients: the DCT of the log-mel spectrogram.

    Introduced in ``02_audio_representations``; ``n_mfcc`` at most ``n_mels``.

    Returns
    -------
    C : np.ndarray [shape=(n_mfcc, t)], float32
    """
    n_mfcc = positive_int(n_mfcc, "n_mfcc")
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} must be at most n_mels={n_mels}")
    M_db = log_mel(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    return librosa.feature.mfcc(S=M_db, n_mfcc=n_mfcc)


def cqt(y: np.ndarray, *, sr: int = SR, hop_length: int = HOP_LENGTH,
        fmin: float = FMIN, n_bins: int = N_BINS,
        bins_per_octave: int = BINS_PER_OCTAVE) -> np.ndarray:
    """Magnitude of the constant-Q transform: log-spaced bins, one per semitone.

    Introduced in ``01_background``. Transposing a note by ``k`` semitones shifts
    its CQT by ``k * bins_per_octave / 12`` bins.

    Returns
    -------
    C : np.ndarray [shape=(n_bins, t)], float32; bin ``k`` is centred at
        ``fmin * 2 ** (k / bins_per_octave)`` Hz.
    """
    y = audio_signal(y)
    sr = sample_rate(sr)
    positive_int(hop_length, "hop_length")
    n_bins = positive_int(n_bins, "n_bins")
    bins_per_octave = positive_int(bins_per_octave, "bins_per_octave")
    fmax = fmin * 2 ** ((n_bins - 1) / bins_per_octave)
    if fmax >= sr / 2:
        raise ParameterError(
            f"the highest CQT bin ({fmax:.0f} Hz) must lie below the Nyquist "
            f"frequency sr/2 = {sr / 2:.0f} Hz; use fewer n_bins or a higher sr"
        )
    with warnings.catch_warnings():
        # librosa warns when it downsamples the signal for the lowest octaves of
        # a short clip; the bins it computes are still correct.
        warnings.filterwarnings("ignore", message="n_fft=.*is too large")
        C = librosa.cqt(y, sr=sr, hop_length=hop_length, fmin=fmin, n_bins=n_bins,
                        bins_per_octave=bins_per_octave)
    return np.abs(C).astype(np.float32)


def chroma(y: np.ndarray, *, sr: int = SR, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Chromagram from the CQT: energy per pitch class, each frame max-normalised.

    Introduced in ``02_audio_representations``.

    Returns
    -------
    chroma : np.ndarray [shape=(12, t)], float32 in [0, 1]; row 0 is C.
    """
    y = audio_signal(y)
    sr = sample_rate(sr)
    positive_int(hop_length, "hop_length")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="n_fft=.*is too large")
        C = librosa.feature.chroma_cqt(
            y=y, sr=sr, hop_length=hop_length, fmin=FMIN, n_octaves=7
        )
    return C.astype(np.float32)


@dataclass(frozen=True)
class Feature:
    """One name of the feature vocabulary: what computes it, and how it reads.

    Attributes
    ----------
    compute : callable
        A function of this module, ``compute(y, **kwargs) -> np.ndarray``.
    log : bool
        Its magnitudes are compressed to dB with ``to_db(power=False)``.
    y_axis, unit : str
        How to draw it: the frequency axis (``y_axis`` of
        :func:`helpers.plotting.plot_spectrogram`) and the unit of its values.
    """

    compute: Callable
    log: bool = False
    y_axis: str = "linear"
    unit: str = "magnitude"

    @property
    def parameters(self) -> tuple[str, ...]:
        """The keyword arguments that ``compute`` takes (``sr``, ``n_fft`` ...)."""
        return tuple(inspect.signature(self.compute).parameters)[1:]

    def arguments(self, kind: str, sr, kwargs: dict) -> dict:
        """``kwargs``, and ``sr`` when ``compute`` takes it; a keyword it does not
        take is refused, naming those it does."""
        unknown = sorted(set(kwargs) - set(self.parameters))
        if unknown:
            raise ParameterError(
                f"{kind!r} takes no {', '.join(unknown)} keyword; pass only those it "
                f"takes: {', '.join(self.parameters)}"
            )
        return kwargs | ({"sr": sr} if "sr" in self.parameters else {})

    def settings(self, kind: str, sr, kwargs: dict) -> dict:
        """Every argument of ``compute``, its defaults (from :mod:`helpers.config`)
        filled in: what the features depend on (the cache key of
        :class:`helpers.datasets.FeatureDataset`)."""
        defaults = {
            name: p.default
            for name, p in inspect.signature(self.compute).parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        return defaults | self.arguments(kind, sr, kwargs)


#: The feature vocabulary, each name once: what :func:`extract` computes, what
#: :class:`helpers.datasets.FeatureDataset` caches and (a subset) what the widgets
#: draw. A name is a function of this module, or ``log_`` and the function whose
#: magnitudes it compresses with :func:`to_db`.
FEATURE_REGISTRY = {
    "stft_magnitude": Feature(stft_magnitude),
    "log_stft": Feature(stft_magnitude, log=True, y_axis="log", unit="dB"),
    "mel_spectrogram": Feature(mel_spectrogram, y_axis="mel", unit="power"),
    "log_mel": Feature(log_mel, y_axis="mel", unit="dB"),
    "cqt": Feature(cqt, y_axis="cqt_note"),
    "log_cqt": Feature(cqt, log=True, y_axis="cqt_note", unit="dB"),
    "mfcc": Feature(mfcc, y_axis="mfcc", unit="value"),
    "chroma": Feature(chroma, y_axis="chroma", unit="relative energy"),
}
#: The names of :data:`FEATURE_REGISTRY`, in order.
FEATURES = tuple(FEATURE_REGISTRY)


def extract(y: np.ndarray, kind: str = "log_mel", *, sr: int = SR, **kwargs):
    """Compute the feature ``kind`` of ``y``, by name.

    The one place a feature is computed from its name: used by
    :class:`helpers.datasets.FeatureDataset` (``feature=``, from
    ``01_background`` on) and :mod:`helpers.widgets`.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    kind : str
        One of :data:`FEATURES`; ``log_stft`` and ``log_cqt`` are magnitudes
        in dB (:func:`to_db`).
    sr : int
        Sample rate in Hz (not used by the STFT).
    **kwargs
        Passed to the function (``n_mels=64``, ``hop_length=256`` ...); one it
        does not take raises :class:`~helpers.errors.ParameterError`.

    Returns
    -------
    X : np.ndarray [shape=(bins, t)], float32
    """
    feature = FEATURE_REGISTRY[one_of(kind, "kind", FEATURES)]
    X = feature.compute(y, **feature.arguments(kind, sr, kwargs))
    return to_db(X, power=False) if feature.log else X


# Inversion (listening to what a representation keeps) ---------------------
def invert_stft_magnitude(
    S: np.ndarray, *, hop_length: int = HOP_LENGTH, n_iter: int = 32, length=None
) -> np.ndarray:
    """Audio from an STFT magnitude by Griffin-Lim phase reconstruction.

    Introduced in ``02_audio_representations``. The phases start from a fixed
    seed, so the same input gives the same audio.
    """
    return librosa.griffinlim(
        S, hop_length=hop_length, n_iter=n_iter, length=length, random_state=0
    )


def invert_mel(M: np.ndarray, *, sr: int = SR, n_fft: int = N_FFT,
               hop_length: int = HOP_LENGTH, n_iter: int = 32, length=None):
    """Audio from a power mel spectrogram (non-negative least squares through the
    filterbank, then :func:`invert_stft_magnitude`). Introduced in
    ``02_audio_representations``."""
    S = librosa.feature.inverse.mel_to_stft(M, sr=sr, n_fft=n_fft)
    return invert_stft_magnitude(S, hop_length=hop_length, n_iter=n_iter, length=length)


def invert_mfcc(C: np.ndarray, *, sr: int = SR, n_mels: int = N_MELS,
                n_fft: int = N_FFT, hop_length: int = HOP_LENGTH, n_iter: int = 32,
                length=None) -> np.ndarray:
    """Audio from MFCCs (inverse DCT, mel inversion, Griffin-Lim). Introduced in
    ``02_audio_representations``."""
    M = librosa.feature.inverse.mfcc_to_mel(C, n_mels=n_mels, ref=1.0)
    return invert_mel(M, sr=sr, n_fft=n_fft, hop_length=hop_length, n_iter=n_iter,
                      length=length)


# Inputs for models: summary statistics and standardisation ----------------
def mfcc_statistics(M_db, *, n_mfcc: int = N_MFCC) -> np.ndarray:
    """Mean and standard deviation over time of the MFCCs of log-mel spectrograms.

    Introduced in ``01_background``: the conventional pipeline's hand-designed
    features. The MFCCs are the DCT of each log-mel frame, as in :func:`mfcc`.

    Parameters
    ----------
    M_db : np.ndarray or torch.Tensor [shape=(n, n_mels, t)], dB
    n_mfcc : int
        Coefficients kept, at most ``n_mels``.

    Returns
    -------
    F : np.ndarray [shape=(n, 2 * n_mfcc)]
        The ``n_mfcc`` means, then the ``n_mfcc`` standard deviations (``ddof=0``).
    """
    if isinstance(M_db, torch.Tensor):
        M_db = M_db.detach().cpu().numpy()
    M_db, n_mfcc = np.asarray(M_db), positive_int(n_mfcc, "n_mfcc")
    if M_db.ndim != 3 or M_db.shape[1] < n_mfcc:
        raise ParameterError(
            f"M_db must have shape (n, n_mels >= {n_mfcc}, frames), got {M_db.shape}"
        )
    C = librosa.feature.mfcc(S=M_db, n_mfcc=n_mfcc)  # (n, n_mfcc, t)
    return np.concatenate([C.mean(axis=-1), C.std(axis=-1)], axis=-1)


class Standardizer:
    """Zero mean and unit standard deviation, with statistics of the training set.

    Introduced in ``01_background``. ``standardize = Standardizer(axis).fit(X_train)``
    takes the mean and std of the training set; ``standardize(X)`` returns
    ``(X - mean) / std`` for any split, so validation and test data never shape
    the statistics. NumPy arrays and torch tensors both work (the statistics
    follow a tensor to its device); the std is each library's default, NumPy
    dividing by ``n`` and PyTorch by ``n - 1``.

    Parameters
    ----------
    axis : int, tuple of int or None
        The axes the statistics pool over: ``None``, one mean and std for all;
        ``(0, 2)`` on ``(n, n_mels, t)``, one per mel band; ``0`` on ``(t, bins)``,
        one per bin.
    eps : float
        Added to every std. A std that is still 0 (a feature constant on the
        training set) becomes 1: that feature is only centred.
    """

    def __init__(self, axis=None, *, eps: float = 0.0):
        self.axis, self.eps = axis, eps
        self.mean = self.std = None

    def fit(self, X) -> Standardizer:
        """Learn the mean and std of ``X``, the training set; returns ``self``."""
        X = X if isinstance(X, torch.Tensor) else np.asarray(X)
        mean = X.mean(axis=self.axis, keepdims=True)  # torch takes NumPy's names too
        std = X.std(axis=self.axis, keepdims=True) + self.eps
        if not bool((std == std).all()):  # NaN: one value per statistic, or NaN in X
            raise ParameterError(f"X gives a NaN std over axis={self.axis}")
        std[std == 0] = 1
        self.mean, self.std = mean, std
        return self

    def __call__(self, X):
        if self.mean is None:
            raise ParameterError("call fit(X_train) before standardizing")
        stats = (self.mean, self.std)
        if isinstance(X, torch.Tensor):
            mean, std = (torch.as_tensor(s, device=X.device) for s in stats)
        else:
            mean, std = (s.cpu().numpy() if torch.is_tensor(s) else s for s in stats)
        return (X - mean) / std


def shift_bins(X, k: int, *, axis: int = -2, fill: float | None = None):
    """Shift ``X`` by ``k`` steps along ``axis`` (a copy); what enters is ``fill``.

    On a CQT (one bin per semitone) a shift of ``k`` bins along frequency is a
    transposition by ``k`` semitones; along time, a delay of ``k`` frames. The
    bins that leave at one end do not come back at the other (no wrap-around).
    Introduced in ``01_background``; ``04_rnn`` transposes its training
    excerpts with it.

    Parameters
    ----------
    X : np.ndarray or torch.Tensor [shape=(..., n, ...)]
    k : int
        Positive: up (or later); negative: down (or earlier).
    axis : int
        The axis to shift along.
    fill : float or None
        The value of the bins that enter; ``None``: the minimum of ``X`` (the
        quietest value of a log spectrogram).

    Returns
    -------
    np.ndarray or torch.Tensor, the type and shape of ``X``
    """
    k = integer(k, "k", what="a whole number of bins")
    if not isinstance(X, (np.ndarray, torch.Tensor)) or not -X.ndim <= axis < X.ndim:
        shape = getattr(X, "shape", type(X).__name__)
        raise ParameterError(f"X must be an array or tensor with an axis {axis}, "
                             f"got {shape}")
    n = X.shape[axis]
    out = X.clone() if isinstance(X, torch.Tensor) else np.array(X, copy=True)
    fill = float(X.min()) if fill is None else fill
    if abs(k) >= n:
        out[...] = fill
        return out
    dst, src, gap = ((slice(k, None), slice(None, n - k), slice(None, k)) if k >= 0
                     else (slice(None, n + k), slice(-k, None), slice(n + k, None)))
    lead = (slice(None),) * (axis % X.ndim)  # every axis before ``axis``
    out[(*lead, dst)] = X[(*lead, src)]
    out[(*lead, gap)] = fill
    return out

