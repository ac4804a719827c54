"""Audio features: librosa as the reference, and a batched PyTorch path.

Introduced in ``01_background`` (:func:`cqt`, :func:`to_db`, :class:`Standardizer`,
:func:`mfcc_statistics`); every representation is taught in
``02_audio_representations``.

The librosa functions (:func:`stft_magnitude`, :func:`mel_spectrogram`,
:func:`log_mel`, :func:`mfcc`, :func:`cqt`, :func:`chroma`) take one mono
signal as a NumPy array and are the reference implementation.

The PyTorch path (:func:`torch_stft_magnitude`, :func:`torch_mel_spectrogram`,
:func:`torch_log_mel`, :func:`torch_mfcc` and the module :class:`LogMel`)
takes a batch of equal-length signals as a tensor and runs on whatever device
the tensor is on, CUDA included. It uses librosa's own mel filterbank and the
same framing (centred frames, zero padding, periodic Hann window), so the
numbers agree with librosa: within a relative error of ``1e-4`` of the
spectrogram's peak for magnitudes and powers, and within ``0.01`` dB for
log-mel and MFCC values above the ``top_db`` floor (``tests/test_features.py``
checks this on rendered music, not only on noise).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import librosa
import numpy as np
import torch
from torch import nn

from .audio import validate_audio, validate_sr
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
from .validate import positive_int

__all__ = [
    "FEATURES",
    "extract",
    "stft_magnitude",
    "mel_spectrogram",
    "to_db",
    "log_mel",
    "mfcc",
    "cqt",
    "chroma",
    "invert_stft_magnitude",
    "invert_mel",
    "invert_mfcc",
    "mfcc_statistics",
    "Standardizer",
    "torch_stft_magnitude",
    "torch_mel_spectrogram",
    "torch_log_mel",
    "torch_mfcc",
    "LogMel",
]

#: Peak-relative tolerance of the PyTorch path against librosa (magnitudes).
TORCH_RTOL = 1e-4
#: Absolute tolerance in dB of the PyTorch log-mel and MFCC against librosa.
TORCH_DB_ATOL = 0.01


# Validation ---------------------------------------------------------------
def _check_frame_args(y_len: int, n_fft, hop_length, name: str = "y") -> None:
    n_fft = positive_int(n_fft, "n_fft")
    positive_int(hop_length, "hop_length")
    if n_fft > y_len:
        raise ParameterError(
            f"n_fft={n_fft} is larger than the signal {name} ({y_len} samples); "
            f"use a smaller n_fft or a signal of at least {n_fft} samples"
        )


def _check_signal(y, n_fft, hop_length) -> np.ndarray:
    y = validate_audio(y)
    _check_frame_args(len(y), n_fft, hop_length)
    return y


# librosa reference --------------------------------------------------------
def stft_magnitude(
    y: np.ndarray, *, n_fft: int = N_FFT, hop_length: int = HOP_LENGTH
) -> np.ndarray:
    """Magnitude of the short-time Fourier transform.

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


def mel_spectrogram(
    y: np.ndarray,
    *,
    sr: int = SR,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    power: float = 2.0,
) -> np.ndarray:
    """Mel spectrogram (power by default).

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
    sr = validate_sr(sr)
    n_mels = positive_int(n_mels, "n_mels")
    return librosa.feature.melspectrogram(
        y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels, power=power
    )


def to_db(S: np.ndarray, *, power: bool = True, top_db: float | None = TOP_DB):
    """Log compression in decibels: ``10 log10(S)`` for power, ``20 log10`` else.

    Values are relative to 1.0 (an absolute reference, so that louder audio has
    higher values) and clipped to ``top_db`` below the peak.

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


def log_mel(
    y: np.ndarray,
    *,
    sr: int = SR,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    top_db: float | None = TOP_DB,
) -> np.ndarray:
    """Log-mel spectrogram in dB, the default input of the notebooks' networks.

    Returns
    -------
    M_db : np.ndarray [shape=(n_mels, t)], float32, dB relative to 1.0
    """
    M = mel_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    return to_db(M, top_db=top_db)


def mfcc(
    y: np.ndarray,
    *,
    sr: int = SR,
    n_mfcc: int = N_MFCC,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients: the DCT of the log-mel spectrogram.

    Returns
    -------
    C : np.ndarray [shape=(n_mfcc, t)], float32
    """
    n_mfcc = positive_int(n_mfcc, "n_mfcc")
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} must be at most n_mels={n_mels}")
    M_db = log_mel(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    return librosa.feature.mfcc(S=M_db, n_mfcc=n_mfcc)


def cqt(
    y: np.ndarray,
    *,
    sr: int = SR,
    hop_length: int = HOP_LENGTH,
    fmin: float = FMIN,
    n_bins: int = N_BINS,
    bins_per_octave: int = BINS_PER_OCTAVE,
) -> np.ndarray:
    """Magnitude of the constant-Q transform: log-spaced bins, one per semitone.

    Transposing a note by ``k`` semitones shifts its CQT by ``k *
    bins_per_octave / 12`` bins.

    Returns
    -------
    C : np.ndarray [shape=(n_bins, t)], float32; bin ``k`` is centred at
        ``fmin * 2 ** (k / bins_per_octave)`` Hz.
    """
    y = validate_audio(y)
    sr = validate_sr(sr)
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
        C = librosa.cqt(
            y,
            sr=sr,
            hop_length=hop_length,
            fmin=fmin,
            n_bins=n_bins,
            bins_per_octave=bins_per_octave,
        )
    return np.abs(C).astype(np.float32)


def chroma(y: np.ndarray, *, sr: int = SR, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Chromagram from the CQT: energy per pitch class, each frame max-normalised.

    Returns
    -------
    chroma : np.ndarray [shape=(12, t)], float32 in [0, 1]; row 0 is C.
    """
    y = validate_audio(y)
    sr = validate_sr(sr)
    positive_int(hop_length, "hop_length")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="n_fft=.*is too large")
        C = librosa.feature.chroma_cqt(
            y=y, sr=sr, hop_length=hop_length, fmin=FMIN, n_octaves=7
        )
    return C.astype(np.float32)


#: Feature names accepted by :func:`extract`.
FEATURES = ("stft", "log_stft", "mel", "log_mel", "cqt", "log_cqt", "mfcc", "chroma")


def extract(y: np.ndarray, kind: str = "log_mel", *, sr: int = SR) -> np.ndarray:
    """Compute the representation ``kind`` with the project's defaults.

    One entry point for comparing input representations (``03_cnn``).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    kind : str
        One of :data:`FEATURES`; ``log_*`` are in dB.
    sr : int
        Sample rate in Hz.

    Returns
    -------
    X : np.ndarray [shape=(bins, t)], float32
    """
    if kind == "stft":
        return stft_magnitude(y)
    if kind == "log_stft":
        return to_db(stft_magnitude(y), power=False)
    if kind == "mel":
        return mel_spectrogram(y, sr=sr)
    if kind == "log_mel":
        return log_mel(y, sr=sr)
    if kind == "cqt":
        return cqt(y, sr=sr)
    if kind == "log_cqt":
        return to_db(cqt(y, sr=sr), power=False)
    if kind == "mfcc":
        return mfcc(y, sr=sr)
    if kind == "chroma":
        return chroma(y, sr=sr)
    raise ParameterError(f"kind must be one of {FEATURES}, got {kind!r}")


# Inversion (listening to what a representation keeps) ---------------------
def invert_stft_magnitude(
    S: np.ndarray, *, hop_length: int = HOP_LENGTH, n_iter: int = 32, length=None
) -> np.ndarray:
    """Audio from an STFT magnitude by Griffin-Lim phase reconstruction.

    The phases start from a fixed seed, so the same input gives the same audio.
    """
    return librosa.griffinlim(
        S, hop_length=hop_length, n_iter=n_iter, length=length, random_state=0
    )


def invert_mel(
    M: np.ndarray,
    *,
    sr: int = SR,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_iter: int = 32,
    length=None,
) -> np.ndarray:
    """Audio from a power mel spectrogram (non-negative least squares through the
    filterbank, then :func:`invert_stft_magnitude`)."""
    S = librosa.feature.inverse.mel_to_stft(M, sr=sr, n_fft=n_fft)
    return invert_stft_magnitude(S, hop_length=hop_length, n_iter=n_iter, length=length)


def invert_mfcc(
    C: np.ndarray,
    *,
    sr: int = SR,
    n_mels: int = N_MELS,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_iter: int = 32,
    length=None,
) -> np.ndarray:
    """Audio from MFCCs (inverse DCT, mel inversion, Griffin-Lim)."""
    M = librosa.feature.inverse.mfcc_to_mel(C, n_mels=n_mels, ref=1.0)
    return invert_mel(
        M, sr=sr, n_fft=n_fft, hop_length=hop_length, n_iter=n_iter, length=length
    )


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


# PyTorch path (batched, any device) ---------------------------------------
def _check_tensor(y, n_fft, hop_length):
    """Validate a batch of signals and return it as (batch, samples)."""
    if not isinstance(y, torch.Tensor):
        raise ParameterError(
            f"y must be a torch.Tensor of shape (batch, samples), got "
            f"{type(y).__name__} (use torch.from_numpy)"
        )
    if not torch.is_floating_point(y):
        raise ParameterError(f"y must be a floating-point tensor, got dtype {y.dtype}")
    if y.ndim == 1:
        y = y.unsqueeze(0)
    if y.ndim != 2:
        raise ParameterError(
            f"y must have shape (batch, samples) or (samples,), got {tuple(y.shape)}"
        )
    if y.shape[-1] == 0 or y.shape[0] == 0:
        raise ParameterError(f"y is empty: shape {tuple(y.shape)}")
    _check_frame_args(y.shape[-1], n_fft, hop_length)
    if not bool(torch.isfinite(y).all()):
        raise ParameterError("y holds NaN or infinite samples")
    return y


def _stft(y, n_fft: int, hop_length: int, window):
    """Complex STFT with librosa's framing: centred frames (torch's default), zero
    padding."""
    return torch.stft(
        y, n_fft, hop_length, window=window, pad_mode="constant", return_complex=True
    )


#: Items per STFT call on the CPU: a few clips at a time stay in the cache, which
#: made a batch of 32 clips of 30 s 2.5x faster than one call on 2 cores.
_CPU_CHUNK = 2


def _mel_power(y, n_fft: int, hop_length: int, window, mel_basis):
    """Mel power spectrogram of (batch, n) signals: (batch, n_mels, t).

    On a GPU the whole batch goes through at once; on the CPU a few items at a
    time (see ``_CPU_CHUNK``).
    """
    chunk = _CPU_CHUNK if y.device.type == "cpu" else len(y)
    out = []
    for part in y.split(chunk):
        X = _stft(part, n_fft, hop_length, window)  # (chunk, n_freq, t), complex
        power = X.real.square() + X.imag.square()  # |X|^2 without a square root
        out.append(mel_basis @ power)  # (n_mels, n_freq) @ (chunk, n_freq, t)
    return torch.cat(out)


@lru_cache(maxsize=16)
def _mel_basis(sr: int, n_fft: int, n_mels: int) -> np.ndarray:
    return librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)


@lru_cache(maxsize=16)
def _dct_matrix(n_mfcc: int, n_mels: int) -> np.ndarray:
    from scipy.fft import dct

    # Column j is the orthonormal DCT-II of the unit vector e_j, so
    # D @ x == scipy.fft.dct(x, type=2, norm="ortho"), which librosa uses.
    return dct(np.eye(n_mels), type=2, norm="ortho", axis=0)[:n_mfcc].astype(np.float32)


def torch_stft_magnitude(
    y, *, n_fft: int = N_FFT, hop_length: int = HOP_LENGTH, power: float = 1.0
):
    """Batched STFT magnitude (``power=1``) or power (``power=2``) in PyTorch.

    No notebook calls it; README lists it with the PyTorch path, tests check it.

    Parameters
    ----------
    y : torch.Tensor [shape=(batch, n) or (n,)], float
        Signals of equal length on any device.

    Returns
    -------
    S : torch.Tensor [shape=(batch, 1 + n_fft // 2, t)], on ``y``'s device
    """
    y = _check_tensor(y, n_fft, hop_length)
    window = torch.hann_window(n_fft, periodic=True, device=y.device, dtype=y.dtype)
    X = _stft(y, n_fft, hop_length, window)
    S = X.abs()
    return S if power == 1.0 else S**power


def torch_mel_spectrogram(
    y,
    *,
    sr: int = SR,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
):
    """Batched power mel spectrogram in PyTorch (librosa's filterbank).

    Returns
    -------
    M : torch.Tensor [shape=(batch, n_mels, t)]
    """
    sr = validate_sr(sr)
    n_mels = positive_int(n_mels, "n_mels")
    y = _check_tensor(y, n_fft, hop_length)
    window = torch.hann_window(n_fft, periodic=True, device=y.device, dtype=y.dtype)
    fb = torch.as_tensor(_mel_basis(sr, n_fft, n_mels), device=y.device, dtype=y.dtype)
    return _mel_power(y, n_fft, hop_length, window, fb)


def _torch_power_to_db(S, top_db: float | None = TOP_DB, amin: float = 1e-10):
    """``10 log10(S)``, each item clipped ``top_db`` below its own peak."""
    S_db = 10.0 * torch.log10(torch.clamp(S, min=amin))
    if top_db is not None:
        peak = S_db.amax(dim=tuple(range(1, S_db.ndim)), keepdim=True)
        S_db = torch.maximum(S_db, peak - top_db)
    return S_db


def torch_log_mel(
    y,
    *,
    sr: int = SR,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
    top_db: float | None = TOP_DB,
):
    """Batched log-mel spectrogram in dB; matches :func:`log_mel` per item.

    Returns
    -------
    M_db : torch.Tensor [shape=(batch, n_mels, t)]
    """
    M = torch_mel_spectrogram(
        y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels
    )
    return _torch_power_to_db(M, top_db=top_db)


def torch_mfcc(
    y,
    *,
    sr: int = SR,
    n_mfcc: int = N_MFCC,
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    n_mels: int = N_MELS,
):
    """Batched MFCC in PyTorch; matches :func:`mfcc` per item.

    No notebook calls it; README lists it with the PyTorch path, tests check it.

    Returns
    -------
    C : torch.Tensor [shape=(batch, n_mfcc, t)]
    """
    n_mfcc = positive_int(n_mfcc, "n_mfcc")
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} must be at most n_mels={n_mels}")
    M_db = torch_log_mel(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    D = torch.as_tensor(_dct_matrix(n_mfcc, n_mels), device=M_db.device)
    return D.to(M_db.dtype) @ M_db  # (n_mfcc, n_mels) @ (batch, n_mels, t)


class LogMel(nn.Module):
    """Log-mel front end as a layer: waveforms in, dB spectrograms out.

    The window and filterbank are buffers, so ``.to(device)`` moves them
    with the model and the features are computed on the GPU.

    Input ``(batch, samples)``; output ``(batch, 1, n_mels, frames)``, ready
    for a 2-D convolution.
    """

    def __init__(
        self,
        *,
        sr: int = SR,
        n_fft: int = N_FFT,
        hop_length: int = HOP_LENGTH,
        n_mels: int = N_MELS,
        top_db: float | None = TOP_DB,
    ):
        super().__init__()
        self.sr, self.top_db = validate_sr(sr), top_db
        self.n_fft = positive_int(n_fft, "n_fft")
        self.hop_length = positive_int(hop_length, "hop_length")
        fb = _mel_basis(self.sr, self.n_fft, positive_int(n_mels, "n_mels"))
        self.register_buffer("window", torch.hann_window(n_fft, periodic=True))
        self.register_buffer("mel_basis", torch.as_tensor(fb))

    def forward(self, y):
        y = _check_tensor(y, self.n_fft, self.hop_length)
        dtype = y.dtype
        M = _mel_power(
            y,
            self.n_fft,
            self.hop_length,
            self.window.to(dtype),
            self.mel_basis.to(dtype),
        )  # (batch, n_mels, t)
        return _torch_power_to_db(M, top_db=self.top_db).unsqueeze(1)
