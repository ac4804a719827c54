"""The batched PyTorch path for features: the same numbers as librosa, on any device.

Introduced in ``02_audio_representations``; ``03_cnn`` computes its inputs
with it. :func:`torch_stft_magnitude`, :func:`torch_mel_spectrogram`,
:func:`torch_log_mel`, :func:`torch_mfcc` and the layer :class:`LogMel` take a
batch of equal-length signals as a tensor and run on whatever device the tensor
is on, CUDA included. They use librosa's own mel filterbank and the same framing
(centred frames, zero padding, periodic Hann window) as :mod:`helpers.features`,
so the numbers agree: within a relative error of ``TORCH_RTOL`` of the
spectrogram's peak for magnitudes and powers, and within ``TORCH_DB_ATOL`` dB
for log-mel and MFCC values above the ``top_db`` floor
(``tests/test_torch_features.py`` checks this on rendered music, not only on
noise).
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache

import librosa
import numpy as np
import torch
from torch import nn

from .config import HOP_LENGTH, N_FFT, N_MELS, N_MFCC, SR, TOP_DB
from .errors import ParameterError
from .validate import frame_args, positive_int, sample_rate

__all__ = [
    "TORCH_RTOL", "TORCH_DB_ATOL", "torch_stft_magnitude", "torch_mel_spectrogram",
    "torch_log_mel", "torch_mfcc", "LogMel",
]  # fmt: skip

#: Peak-relative tolerance of the PyTorch path against librosa (magnitudes).
TORCH_RTOL = 1e-4
#: Absolute tolerance in dB of the PyTorch log-mel and MFCC against librosa.
TORCH_DB_ATOL = 0.01


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
    frame_args(y.shape[-1], n_fft, hop_length)
    if not bool(torch.isfinite(y).all()):
        raise ParameterError("y holds NaN or infinite samples")
    return y


@contextmanager
def _one_cpu_thread(device: torch.device):
    """Run the block on one CPU thread (a no-op on other devices).

    PyTorch's CPU FFT is Intel MKL's, which promises the same result from run to
    run only with a fixed number of threads and without its dynamic threading
    (oneMKL's "Reproducibility conditions"); one thread meets both. It costs
    little: the items are already transformed a few at a time (``_CPU_CHUNK``).
    """
    if device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _stft(y, n_fft: int, hop_length: int, window):
    """Complex STFT with librosa's framing: centred frames, zero padding."""
    with _one_cpu_thread(y.device):
        return torch.stft(y, n_fft, hop_length, window=window, pad_mode="constant",
                          return_complex=True)


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


def _read_only(array: np.ndarray) -> np.ndarray:
    """Mark a cached array read-only: an in-place change would alter later calls."""
    array.setflags(write=False)
    return array


@lru_cache(maxsize=16)
def _mel_basis(sr: int, n_fft: int, n_mels: int) -> np.ndarray:
    """librosa's mel filterbank, cached and read-only; copy it before handing it on."""
    return _read_only(librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels))


@lru_cache(maxsize=16)
def _dct_matrix(n_mfcc: int, n_mels: int) -> np.ndarray:
    from scipy.fft import dct

    # Column j is the orthonormal DCT-II of the unit vector e_j, so
    # D @ x == scipy.fft.dct(x, type=2, norm="ortho"), which librosa uses.
    D = dct(np.eye(n_mels), type=2, norm="ortho", axis=0)[:n_mfcc].astype(np.float32)
    return _read_only(D)


def _as_tensor(array: np.ndarray, **kwargs) -> torch.Tensor:
    """A tensor with its own copy of a cached array (``as_tensor`` would share it)."""
    return torch.tensor(array, **kwargs)


def torch_stft_magnitude(y, *, n_fft: int = N_FFT, hop_length: int = HOP_LENGTH,
                         power: float = 1.0):
    """Batched STFT magnitude (``power=1``) or power (``power=2``) in PyTorch.

    No notebook calls it: part of the PyTorch path that the module table of
    ``docs/package.md`` lists (STFT, mel, log-mel, MFCC).

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


def torch_mel_spectrogram(y, *, sr: int = SR, n_fft: int = N_FFT,
                          hop_length: int = HOP_LENGTH, n_mels: int = N_MELS):
    """Batched power mel spectrogram in PyTorch (librosa's filterbank).

    The body of :func:`torch_log_mel`; the PyTorch path of the module table
    in ``docs/package.md``.

    Returns
    -------
    M : torch.Tensor [shape=(batch, n_mels, t)]
    """
    sr = sample_rate(sr)
    n_mels = positive_int(n_mels, "n_mels")
    y = _check_tensor(y, n_fft, hop_length)
    window = torch.hann_window(n_fft, periodic=True, device=y.device, dtype=y.dtype)
    fb = _as_tensor(_mel_basis(sr, n_fft, n_mels), device=y.device, dtype=y.dtype)
    return _mel_power(y, n_fft, hop_length, window, fb)


def _torch_power_to_db(S, top_db: float | None = TOP_DB, amin: float = 1e-10):
    """``10 log10(S)``, each item clipped ``top_db`` below its own peak."""
    S_db = 10.0 * torch.log10(torch.clamp(S, min=amin))
    if top_db is not None:
        peak = S_db.amax(dim=tuple(range(1, S_db.ndim)), keepdim=True)
        S_db = torch.maximum(S_db, peak - top_db)
    return S_db


def torch_log_mel(y, *, sr: int = SR, n_fft: int = N_FFT, hop_length: int = HOP_LENGTH,
                  n_mels: int = N_MELS, top_db: float | None = TOP_DB):
    """Batched log-mel spectrogram in dB; matches :func:`log_mel` per item.

    Introduced in ``02_audio_representations``; ``y`` as in
    :func:`torch_stft_magnitude`, the other arguments as in :func:`log_mel`.

    Returns
    -------
    M_db : torch.Tensor [shape=(batch, n_mels, t)]
    """
    kw = {"sr": sr, "n_fft": n_fft, "hop_length": hop_length, "n_mels": n_mels}
    return _torch_power_to_db(torch_mel_spectrogram(y, **kw), top_db=top_db)


def torch_mfcc(y, *, sr: int = SR, n_mfcc: int = N_MFCC, n_fft: int = N_FFT,
               hop_length: int = HOP_LENGTH, n_mels: int = N_MELS):
    """Batched MFCC in PyTorch; matches :func:`mfcc` per item.

    No notebook calls it: part of the PyTorch path that the module table of
    ``docs/package.md`` lists (STFT, mel, log-mel, MFCC).

    Returns
    -------
    C : torch.Tensor [shape=(batch, n_mfcc, t)]
    """
    n_mfcc = positive_int(n_mfcc, "n_mfcc")
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} must be at most n_mels={n_mels}")
    M_db = torch_log_mel(y, sr=sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    D = _as_tensor(_dct_matrix(n_mfcc, n_mels), device=M_db.device)
    return D.to(M_db.dtype) @ M_db  # (n_mfcc, n_mels) @ (batch, n_mels, t)


class LogMel(nn.Module):
    """Log-mel front end as a layer: waveforms in, dB spectrograms out.

    Introduced in ``02_audio_representations``, first layer of a model. The
    window and filterbank are buffers, so ``.to(device)`` moves them with the
    model and the features are computed on the GPU.

    Input ``(batch, samples)``; output ``(batch, 1, n_mels, frames)``, ready
    for a 2-D convolution.
    """

    def __init__(self, *, sr: int = SR, n_fft: int = N_FFT,
                 hop_length: int = HOP_LENGTH, n_mels: int = N_MELS,
                 top_db: float | None = TOP_DB):
        super().__init__()
        self.sr, self.top_db = sample_rate(sr), top_db
        self.n_fft = positive_int(n_fft, "n_fft")
        self.hop_length = positive_int(hop_length, "hop_length")
        fb = _mel_basis(self.sr, self.n_fft, positive_int(n_mels, "n_mels"))
        self.register_buffer("window", torch.hann_window(n_fft, periodic=True))
        self.register_buffer("mel_basis", _as_tensor(fb))

    def forward(self, y):
        y = _check_tensor(y, self.n_fft, self.hop_length)
        window, fb = self.window.to(y.dtype), self.mel_basis.to(y.dtype)
        M = _mel_power(y, self.n_fft, self.hop_length, window, fb)  # (batch, n_mels, t)
        return _torch_power_to_db(M, top_db=self.top_db).unsqueeze(1)
