"""Feature extraction: librosa reference, the PyTorch path, and bad input.

The PyTorch path must match librosa within the tolerances stated in
``helpers.features`` on real music (a phrase played by sampled instruments),
not only on noise.
"""

import librosa
import numpy as np
import pytest
import torch

from helpers import features as F
from helpers.errors import ParameterError


@pytest.fixture(scope="module")
def phrases():
    """Two seconds each of a piano and a string phrase, rendered with the SoundFont."""
    from helpers.render import midi_from_notes, render_midi

    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    out = []
    for program in (0, 48):  # Acoustic Grand Piano, String Ensemble 1
        notes = [(p, 0.25 * i, 0.25 * i + 0.3, 90) for i, p in enumerate(scale)]
        chord = [(p, 0.0, 2.0, 60) for p in (48, 55)]
        y = render_midi(midi_from_notes([(program, notes + chord)], end=2.2))
        out.append(y[: 2 * 22050])
    return np.stack(out)


def test_phrases_are_real_audio(phrases):
    assert phrases.dtype == np.float32
    assert np.all(np.abs(phrases).max(axis=1) > 0.01)


def test_torch_stft_matches_librosa(phrases):
    for y in phrases:
        ref = F.stft_magnitude(y)
        ours = F.torch_stft_magnitude(torch.from_numpy(y))[0].numpy()
        assert ours.shape == ref.shape
        assert np.abs(ours - ref).max() <= F.TORCH_RTOL * ref.max()


def test_torch_mel_matches_librosa(phrases):
    ours = F.torch_mel_spectrogram(torch.from_numpy(phrases)).numpy()
    for y, m in zip(phrases, ours, strict=True):
        ref = F.mel_spectrogram(y)
        assert np.abs(m - ref).max() <= F.TORCH_RTOL * ref.max()


def test_torch_log_mel_and_mfcc_match_librosa(phrases):
    batch = torch.from_numpy(phrases)
    log_mels = F.torch_log_mel(batch).numpy()
    mfccs = F.torch_mfcc(batch).numpy()
    for y, lm, mf in zip(phrases, log_mels, mfccs, strict=True):
        np.testing.assert_allclose(lm, F.log_mel(y), atol=F.TORCH_DB_ATOL)
        # MFCC sums 128 bands of dB values, so the absolute error scales with them
        np.testing.assert_allclose(mf, F.mfcc(y), atol=F.TORCH_DB_ATOL * 12)


def test_log_mel_module_matches_function_and_moves_with_model(phrases):
    layer = F.LogMel()
    out = layer(torch.from_numpy(phrases))
    assert out.shape == (2, 1, 128, F.log_mel(phrases[0]).shape[1])
    np.testing.assert_allclose(
        out[:, 0].numpy(), F.torch_log_mel(torch.from_numpy(phrases)).numpy()
    )
    assert {name for name, _ in layer.named_buffers()} == {"window", "mel_basis"}


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
        F.torch_log_mel(y)
    with pytest.raises(ParameterError, match=match):
        F.LogMel()(y)


def test_torch_path_keeps_device_and_dtype(phrases):
    x = torch.from_numpy(phrases).to(torch.float64)
    out = F.torch_log_mel(x)
    assert out.dtype == torch.float64 and out.device == x.device
    reference = librosa.power_to_db(
        librosa.feature.melspectrogram(y=phrases[0].astype(np.float64), sr=22050),
        top_db=80.0,
    )
    np.testing.assert_allclose(out[0].numpy(), reference, atol=1e-6)


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
