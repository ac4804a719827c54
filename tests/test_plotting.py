import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plotting as P
from helpers.errors import ParameterError
from helpers.features import chroma, cqt, log_mel, mfcc, stft_magnitude, to_db
from helpers.plotting import plot_bars, plot_curves


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


def test_spectrogram_log_axis_has_no_zero_tick(harmonic_note):
    """librosa's log axis is symlog, linear near 0 Hz; a '0' tick misleads."""
    fig, ax = P.plot_spectrogram(to_db(stft_magnitude(harmonic_note), power=False),
                                 y_axis="log")
    ticks = ax.get_yticks()
    assert len(ticks) > 3 and min(ticks) > 0


def test_spectrogram_coefficient_axis_labels_rows_by_number(harmonic_note):
    fig, ax = P.plot_spectrogram(mfcc(harmonic_note), y_axis="mfcc")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "4", "8", "12", "16"]
    assert list(ax.get_yticks()) == [0.5, 4.5, 8.5, 12.5, 16.5]  # the rows' centres


def test_spectrogram_colour_range_is_shared_when_given(harmonic_note):
    fig, axes = plt.subplots(1, 2)
    S = log_mel(harmonic_note)
    for ax, scale in zip(axes, (1, 2), strict=True):
        P.plot_spectrogram(scale * S, ax=ax, colorbar=False, vmin=-60, vmax=0)
    assert [ax.collections[0].get_clim() for ax in axes] == [(-60, 0), (-60, 0)]
    _, ax = P.plot_spectrogram(S)  # default: the data's own range
    assert ax.collections[0].get_clim() == pytest.approx((S.min(), S.max()))


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
    assert fig.axes[1].get_ylabel() == "valid accuracy"  # the metric's name
    legend_box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend_box.x0 >= ax.get_window_extent().x1  # beside the curves

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


def test_confusion_matrix_normalize_speaks_as_metrics_confusion_matrix_does():
    """``normalize`` was a bool here and a string in metrics.confusion_matrix."""
    from helpers.metrics import confusion_matrix

    y_true, y_pred = [0, 0, 0, 1, 1], [0, 1, 1, 1, 1]
    counts = confusion_matrix(y_true, y_pred)
    for normalize in (None, "true", "pred", "all"):
        fig, ax = P.plot_confusion_matrix(counts, normalize=normalize)
        np.testing.assert_allclose(
            ax.get_images()[0].get_array(),
            confusion_matrix(y_true, y_pred, normalize=normalize))
    for old, new in ((True, "'true'"), (False, "None")):
        with pytest.raises(ParameterError, match=f"{new} says the same"):
            P.plot_confusion_matrix(counts, normalize=old)


def test_plot_bars_draws_one_bar_per_group_and_series():
    scores = {"timbre": {"tall": 1.0, "wide": 0.7}, "tempo": {"tall": 0.5, "wide": 1.0}}
    spread = {g: {s: 0.05 for s in v} for g, v in scores.items()}
    fig, ax = plot_bars(scores, spread=spread, chance=0.5, ylabel="accuracy", title="t")
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == [0.5, 0.7, 1.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["timbre", "tempo"]
    assert ax.get_ylabel() == "accuracy" and ax.get_title() == "t"
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == {"tall", "wide", "chance"}


def test_plot_bars_rejects_empty_or_ragged_scores():
    with pytest.raises(ParameterError, match="at least one group"):
        plot_bars({})
    with pytest.raises(ParameterError, match="must have the series"):
        plot_bars({"a": {"x": 1.0}, "b": {"y": 1.0}})


def test_plot_bars_one_bar_per_name_with_colours_and_a_log_axis():
    fig, ax = plot_bars({"a": 0.5, "b": 0.7}, spread={"a": 0.1, "b": 0.0},
                        chance=0.1, colors=["C0", "C3"])
    assert len(ax.patches) == 2 and ax.get_ylim() == (0, 1.05)
    assert ax.patches[1].get_facecolor() != ax.patches[0].get_facecolor()
    _, ax = plot_bars({"a": 1e-6, "b": 0.1}, logy=True)
    assert ax.get_yscale() == "log"


def test_plot_bars_values_label_every_bar_even_a_zero_one():
    scores = {"g": {"x": 0.0, "y": 0.5}, "h": {"x": 0.25, "y": 1.0}}
    _, ax = plot_bars(scores, values=True)
    assert sorted(t.get_text() for t in ax.texts) == ["0.00", "0.25", "0.50", "1.00"]
    _, ax = plot_bars({"a": 0.5})
    assert not ax.texts


def test_plot_curves_shared_x_floor_and_markers():
    _, ax = plot_curves({"a": [1, 0, 1e-40], "b": [1.0, 0.5]}, x=[10, 20, 30],
                        logy=True, floor=1e-30, ylim=(1e-31, 10))
    a, b = ax.get_lines()
    assert a.get_xdata().tolist() == [10, 20, 30] and min(a.get_ydata()) == 1e-30
    assert b.get_xdata().tolist() == [10, 20]  # a shorter curve: the first x values
    assert ax.get_yscale() == "log" and ax.get_legend() is not None
    _, ax = plot_curves({"long": np.zeros(60)})
    assert ax.get_lines()[0].get_marker() in ("None", "", None)
    assert ax.get_lines()[0].get_xdata()[0] == 0
    with pytest.raises(ParameterError):
        plot_curves({})
