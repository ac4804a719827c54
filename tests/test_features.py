"""Feature extraction with librosa (the reference), standardisation, bad input.

The batched PyTorch path is tested against these in ``test_torch_features.py``.
"""

import numpy as np
import pytest
import torch

from helpers import features as F
from helpers.errors import ParameterError
from helpers.features import shift_bins


def test_phrases_are_real_audio(phrases):
    assert phrases.dtype == np.float32
    assert np.all(np.abs(phrases).max(axis=1) > 0.01)


def test_librosa_reference_shapes(harmonic_note, sr):
    frames = 1 + len(harmonic_note) // 512
    assert F.stft_magnitude(harmonic_note).shape == (1025, frames)
    assert F.mel_spectrogram(harmonic_note).shape == (128, frames)
    assert F.log_mel(harmonic_note).shape == (128, frames)
    assert F.mfcc(harmonic_note).shape == (20, frames)
    assert F.cqt(harmonic_note).shape == (84, frames)
    assert F.chroma(harmonic_note).shape == (12, frames)
    for kind in F.FEATURES:
        assert F.extract(harmonic_note, kind).shape[1] == frames


def test_one_feature_registry_gives_the_names_the_functions_and_the_flags(
        harmonic_note):
    """``FEATURES``, ``extract`` and its per-kind flags were two parallel lists of
    the same names; now one registry produces them all."""
    assert F.FEATURES == tuple(F.FEATURE_REGISTRY)
    for kind, feature in F.FEATURE_REGISTRY.items():
        assert getattr(F, feature.compute.__name__) is feature.compute
        assert kind.startswith("log_") == feature.log or kind == "log_mel"
        assert ("sr" in feature.parameters) == (feature.compute is not F.stft_magnitude)
    with pytest.raises(ParameterError, match="'chroma' takes no n_fft keyword"):
        F.extract(harmonic_note, "chroma", n_fft=1024)
    with pytest.raises(ParameterError, match="^kind must be one of"):
        F.extract(harmonic_note, ["log_mel"])
    settings = F.FEATURE_REGISTRY["log_mel"].settings("log_mel", 22050, {"n_mels": 64})
    assert settings == {"sr": 22050, "n_fft": 2048, "hop_length": 512, "n_mels": 64,
                        "top_db": 80.0}


def test_extract_is_the_one_feature_vocabulary(harmonic_note):
    from helpers.widgets import REPRESENTATIONS

    assert set(REPRESENTATIONS) <= set(F.FEATURES)
    for kind in set(F.FEATURES) - {"log_stft", "log_cqt"}:  # a function per name
        np.testing.assert_array_equal(
            F.extract(harmonic_note, kind), getattr(F, kind)(harmonic_note)
        )
    np.testing.assert_array_equal(
        F.extract(harmonic_note, "log_cqt"),
        F.to_db(F.cqt(harmonic_note), power=False),
    )
    # keyword arguments reach the function
    X = F.extract(harmonic_note, "log_mel", n_mels=64, hop_length=256)
    assert X.shape == (64, 1 + len(harmonic_note) // 256)
    assert F.extract(harmonic_note, "log_stft", n_fft=512).shape[0] == 257


def test_features_find_the_right_pitch(harmonic_note):
    # A3 = 220 Hz = MIDI 57: CQT bin 57 - 24 (C1 is MIDI 24); chroma class A = 9.
    assert F.cqt(harmonic_note)[:, 5:-5].mean(axis=1).argmax() == 57 - 24
    assert F.chroma(harmonic_note).mean(axis=1).argmax() == 9
    peak_bin = F.stft_magnitude(harmonic_note).mean(axis=1).argmax()
    assert abs(peak_bin * 22050 / 2048 - 220) < 22050 / 2048


def test_to_db_dynamic_range(harmonic_note):
    S_db = F.to_db(F.mel_spectrogram(harmonic_note))
    assert S_db.max() - S_db.min() <= 80.0 + 1e-3
    with pytest.raises(ParameterError, match="non-negative"):
        F.to_db(np.array([[-1.0, 1.0]]))


def test_inversions_return_audio(harmonic_note):
    y = harmonic_note[:8192]
    n = len(y)
    assert F.invert_stft_magnitude(F.stft_magnitude(y), n_iter=4, length=n).shape == (
        n,
    )
    assert F.invert_mel(F.mel_spectrogram(y), n_iter=4, length=n).shape == (n,)
    # seeded: the same spectrogram gives the same audio (librosa's own default is not)
    twice = [F.invert_mel(F.mel_spectrogram(y), n_iter=2) for _ in range(2)]
    np.testing.assert_array_equal(*twice)
    assert F.invert_mfcc(F.mfcc(y), n_iter=4, length=n).shape == (n,)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda y: F.stft_magnitude(y[:1000]), "n_fft=2048 is larger than the signal"),
        (lambda y: F.log_mel(y, n_fft=0), "n_fft must be a positive int"),
        (lambda y: F.log_mel(y, hop_length=-1), "hop_length"),
        (lambda y: F.mel_spectrogram(y, n_mels=2.5), "n_mels"),
        (lambda y: F.mel_spectrogram(y, sr=0), "sr must be a positive"),
        (lambda y: F.mfcc(y, n_mfcc=200), "n_mfcc=200 must be at most"),
        (lambda y: F.cqt(y, n_bins=200), "Nyquist"),
        (lambda y: F.extract(y, "wavelet"), "kind must be one of"),
        (lambda y: F.log_mel(y.astype(np.int16)), "floating-point"),
        (lambda y: F.log_mel(np.stack([y, y])), "mono"),
        (lambda y: F.log_mel(np.where(y > 0.1, np.nan, y)), "NaN"),
        (lambda y: F.chroma(y[:0]), "empty"),
    ],
)
def test_bad_input_raises_parameter_error(harmonic_note, call, match):
    with pytest.raises(ParameterError, match=match):
        call(harmonic_note)


def test_mfcc_statistics_are_mean_and_std_of_librosa_mfcc(harmonic_note):
    M_db = np.stack([F.log_mel(harmonic_note), F.log_mel(0.5 * harmonic_note)])
    stats = F.mfcc_statistics(torch.from_numpy(M_db))
    assert stats.shape == (2, 40)
    C = F.mfcc(harmonic_note)  # the MFCC of the audio, computed from the same log-mel
    np.testing.assert_allclose(stats[0, :20], C.mean(axis=1), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(stats[0, 20:], C.std(axis=1), rtol=1e-5, atol=1e-4)
    assert F.mfcc_statistics(M_db, n_mfcc=5).shape == (2, 10)
    with pytest.raises(ParameterError, match="shape"):
        F.mfcc_statistics(M_db[0])
    with pytest.raises(ParameterError, match="n_mfcc"):
        F.mfcc_statistics(M_db, n_mfcc=0)


def test_standardizer_uses_training_statistics_per_axis():
    rng = np.random.default_rng(0)
    X_train = rng.normal(5.0, 3.0, size=(50, 4, 30)).astype(np.float32)
    X_train[:, 1] *= 10  # one band ten times louder
    standardize = F.Standardizer(axis=(0, 2)).fit(X_train)
    assert standardize.mean.shape == standardize.std.shape == (1, 4, 1)
    Z = standardize(X_train)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=(0, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(Z.std(axis=(0, 2)), 1, atol=1e-5)
    # another split is scaled with the training statistics, not its own
    shifted = standardize(X_train[:5] + 1)
    np.testing.assert_allclose(shifted, Z[:5] + 1 / standardize.std, atol=1e-5)
    # one statistic for everything, and one per column of (frames, bins)
    assert F.Standardizer().fit(X_train).mean.shape == (1, 1, 1)
    assert F.Standardizer(axis=0).fit(X_train[0].T).std.shape == (1, 4)


def test_standardizer_matches_the_notebooks_formulas_exactly():
    X = torch.randn(20, 8, 11) * 4 + 2
    by_band = F.Standardizer(axis=(0, 2)).fit(X)(X)
    mean, std = X.mean(dim=(0, 2), keepdim=True), X.std(dim=(0, 2), keepdim=True)
    assert torch.equal(by_band, (X - mean) / std)  # torch: std divides by n - 1
    assert torch.equal(F.Standardizer().fit(X)(X), (X - X.mean()) / X.std())
    A = X.numpy()[:, 0]
    ours = F.Standardizer(axis=0, eps=1e-6).fit(A)(A)
    assert np.array_equal(ours, (A - A.mean(axis=0)) / (A.std(axis=0) + 1e-6))


def test_standardizer_torch_device_mixing_and_guards():
    X = torch.randn(10, 3, 5)
    X[:, 2] = 7.0  # a constant band: only centred, not divided by zero
    standardize = F.Standardizer(axis=(0, 2)).fit(X)
    Z = standardize(X)
    assert torch.isfinite(Z).all() and torch.all(Z[:, 2] == 0)
    np.testing.assert_allclose(standardize(X.numpy()), Z.numpy(), rtol=1e-6)
    from_numpy = F.Standardizer(axis=(0, 2)).fit(X.numpy())
    assert isinstance(from_numpy(X), torch.Tensor)
    with pytest.raises(ParameterError, match="fit"):
        F.Standardizer()(X)
    with pytest.raises(ParameterError, match="NaN"):
        F.Standardizer().fit(np.array([1.0, np.nan]))


def test_shift_bins_moves_content_and_fills_with_the_minimum():
    X = torch.arange(12.0).reshape(1, 4, 3)  # (n, bins, frames)
    up = shift_bins(X, 1, axis=1)
    assert torch.equal(up[0, 1:], X[0, :3]) and torch.all(up[0, 0] == X.min())
    down = shift_bins(X, -2, axis=1)
    assert torch.equal(down[0, :2], X[0, 2:]) and torch.all(down[0, 2:] == X.min())
    later = shift_bins(X, 2, axis=2)
    assert torch.equal(later[..., 2:], X[..., :1])
    assert torch.all(later[..., :2] == X.min())
    assert torch.all(shift_bins(X, 9, axis=1) == X.min())


def test_shift_bins_refuses_a_shift_that_is_not_whole():
    """``shift_bins(X, 1.5)`` shifted by 1, silently."""
    X = np.arange(12.0).reshape(4, 3)
    for k in (1.5, 1.0, "1", None):
        with pytest.raises(ParameterError, match="^k must be a whole number of bins"):
            shift_bins(X, k)
    assert np.array_equal(shift_bins(X, np.int64(1), fill=0)[1:], X[:-1])
    with pytest.raises(ParameterError, match="^X must be an array or tensor"):
        shift_bins(X, 1, axis=2)
    with pytest.raises(ParameterError, match="^X must be an array or tensor"):
        shift_bins([[1.0, 2.0]], 1)


def test_shift_bins_on_arrays_with_a_fill_and_no_wraparound():
    X = np.arange(2 * 84, dtype=float).reshape(2, 84) + 1
    up = shift_bins(X, 3, axis=1, fill=0)
    assert np.all(up[:, :3] == 0) and np.array_equal(up[:, 3:], X[:, :-3])
    down = shift_bins(X, -2, axis=-1, fill=0)
    assert np.all(down[:, -2:] == 0) and np.array_equal(down[:, :-2], X[:, 2:])
    same = shift_bins(X, 0, axis=1, fill=0)
    assert np.array_equal(same, X) and not np.shares_memory(same, X)  # a copy

