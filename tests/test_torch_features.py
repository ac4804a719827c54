"""The batched PyTorch feature path against librosa, and its bad input.

It must match :mod:`helpers.features` within the tolerances stated in
:mod:`helpers.torch_features` on real music (a phrase played by sampled
instruments, the ``phrases`` fixture in ``conftest.py``), not only on noise.
"""

import librosa
import numpy as np
import pytest
import torch

from helpers import features as F
from helpers import torch_features as T
from helpers.errors import ParameterError


def test_torch_stft_matches_librosa(phrases):
    for y in phrases:
        ref = F.stft_magnitude(y)
        ours = T.torch_stft_magnitude(torch.from_numpy(y))[0].numpy()
        assert ours.shape == ref.shape
        assert np.abs(ours - ref).max() <= T.TORCH_RTOL * ref.max()


def test_torch_mel_matches_librosa(phrases):
    ours = T.torch_mel_spectrogram(torch.from_numpy(phrases)).numpy()
    for y, m in zip(phrases, ours, strict=True):
        ref = F.mel_spectrogram(y)
        assert np.abs(m - ref).max() <= T.TORCH_RTOL * ref.max()


def test_torch_log_mel_and_mfcc_match_librosa(phrases):
    batch = torch.from_numpy(phrases)
    log_mels = T.torch_log_mel(batch).numpy()
    mfccs = T.torch_mfcc(batch).numpy()
    for y, lm, mf in zip(phrases, log_mels, mfccs, strict=True):
        np.testing.assert_allclose(lm, F.log_mel(y), atol=T.TORCH_DB_ATOL)
        # MFCC sums 128 bands of dB values, so the absolute error scales with them
        np.testing.assert_allclose(mf, F.mfcc(y), atol=T.TORCH_DB_ATOL * 12)


def test_log_mel_module_matches_function_and_moves_with_model(phrases):
    layer = T.LogMel()
    out = layer(torch.from_numpy(phrases))
    assert out.shape == (2, 1, 128, F.log_mel(phrases[0]).shape[1])
    np.testing.assert_allclose(
        out[:, 0].numpy(), T.torch_log_mel(torch.from_numpy(phrases)).numpy()
    )
    assert {name for name, _ in layer.named_buffers()} == {"window", "mel_basis"}


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.zeros(4096, np.float32), "torch.Tensor"),
        (torch.zeros(4096, dtype=torch.int16), "floating-point"),
        (torch.zeros(2, 2, 4096), r"\(batch, samples\)"),
        (torch.zeros(2, 100), "larger than the signal"),
        (torch.full((1, 4096), float("nan")), "NaN"),
        (torch.zeros(0, 4096), "empty"),
    ],
)
def test_torch_path_rejects_bad_input(y, match):
    with pytest.raises(ParameterError, match=match):
        T.torch_log_mel(y)
    with pytest.raises(ParameterError, match=match):
        T.LogMel()(y)


def test_torch_path_keeps_device_and_dtype(phrases):
    x = torch.from_numpy(phrases).to(torch.float64)
    out = T.torch_log_mel(x)
    assert out.dtype == torch.float64 and out.device == x.device
    reference = librosa.power_to_db(
        librosa.feature.melspectrogram(y=phrases[0].astype(np.float64), sr=22050),
        top_db=80.0,
    )
    np.testing.assert_allclose(out[0].numpy(), reference, atol=1e-6)
