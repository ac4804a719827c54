import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plotting as P
from helpers.errors import ParameterError
from helpers.features import chroma, cqt, log_mel, mfcc, stft_magnitude, to_db


def test_waveform_axes_in_seconds(harmonic_note, sr):
    fig, ax = P.plot_waveform(harmonic_note, sr)
    assert ax.get_xlabel() == "time (s)"
    assert ax.get_xlim()[1] == pytest.approx((len(harmonic_note) - 1) / sr)


@pytest.mark.parametrize(
    ("make", "y_axis", "label"),
    [
        (lambda y: to_db(stft_magnitude(y), power=False), "linear", "frequency (Hz)"),
        (lambda y: to_db(stft_magnitude(y), power=False), "log", "log scale"),
        (log_mel, "mel", "mel scale"),
        (lambda y: to_db(cqt(y), power=False), "cqt_note", "pitch"),
        (chroma, "chroma", "pitch class"),
        (mfcc, "mfcc", "MFCC coefficient"),
    ],
)
def test_spectrogram_axes(harmonic_note, make, y_axis, label):
    S = make(harmonic_note)
    fig, ax = P.plot_spectrogram(S, y_axis=y_axis)
    assert ax.get_xlabel() == "time (s)"
    assert label in ax.get_ylabel()
    assert ax.get_xlim()[1] == pytest.approx(S.shape[1] * 512 / 22050, rel=0.02)


def test_plots_compose_into_given_axes(harmonic_note):
    fig, axes = plt.subplots(1, 2)
    f1, a1 = P.plot_waveform(harmonic_note, ax=axes[0])
    f2, a2 = P.plot_spectrogram(log_mel(harmonic_note), y_axis="mel", ax=axes[1])
    assert f1 is f2 is fig and a1 is axes[0] and a2 is axes[1]


def test_spectrogram_bad_input():
    with pytest.raises(ParameterError, match="shape"):
        P.plot_spectrogram(np.zeros(10))
    with pytest.raises(ParameterError, match="y_axis"):
        P.plot_spectrogram(np.zeros((4, 4)), y_axis="bark")


def test_plot_history_draws_losses_metrics_and_best_epoch():
    class History:
        train_loss = [1.0, 0.6, 0.4]
        valid_loss = [1.1, 0.7, 0.8]
        valid_metrics = {"accuracy": [0.5, 0.7, 0.65]}
        best_epoch = 2

    fig, ax = P.plot_history(History())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["train loss", "valid loss", "valid accuracy", "best epoch"]

    class Empty:
        train_loss, valid_loss = [], []

    with pytest.raises(ParameterError, match="no losses"):
        P.plot_history(Empty())


def test_confusion_matrix_normalises_rows():
    fig, ax = P.plot_confusion_matrix(np.array([[3, 1], [0, 4]]), ["maj", "min"])
    image = ax.get_images()[0].get_array()
    np.testing.assert_allclose(image.sum(axis=1), 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["maj", "min"]
    with pytest.raises(ParameterError, match="square"):
        P.plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ParameterError, match="names"):
        P.plot_confusion_matrix(np.eye(2), ["a"])
