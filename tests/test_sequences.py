"""helpers.sequences and helpers.sequence_plots (04_rnn), and the chord and
onset wrangling 04 uses: transposition, onset times and targets."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers.datasets import onset_targets, onset_times, transpose_ids
from helpers.errors import ParameterError
from helpers.sequence_plots import mark_times, plot_chord_frames
from helpers.sequences import gradient_vs_lag, lstm_gates, memory_task, random_excerpts


def test_memory_task_marks_the_class_in_the_first_frame_only():
    X, y = memory_task(50, 20, generator=torch.Generator().manual_seed(0))
    assert X.shape == (50, 20, 8) and y.shape == (50,)
    assert torch.equal(X[:, 0, :4].argmax(dim=1), y)
    assert X[:, 1:, :4].abs().max() == 0
    with pytest.raises(ParameterError):
        memory_task(0, 20)


def test_gradient_vs_lag_vanishes_for_a_small_rnn_and_not_for_an_open_lstm():
    torch.manual_seed(0)
    X, y = memory_task(16, 60, generator=torch.Generator().manual_seed(1))
    rnn, head = nn.RNN(8, 16, batch_first=True), nn.Linear(16, 4)
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(0.3)
    g = gradient_vs_lag(rnn, head, X, y)
    assert g.shape == (60,) and g[0] == pytest.approx(1.0) and g[-1] < 1e-6
    lstm = nn.LSTM(8, 16, batch_first=True)
    with torch.no_grad():
        lstm.bias_ih_l0[16:32] = 5.0
    assert gradient_vs_lag(lstm, head, X, y)[-1] > 1e-3
    with pytest.raises(ParameterError):
        gradient_vs_lag(rnn, head, X[0], y)


def test_lstm_gates_reproduce_the_layer():
    torch.manual_seed(0)
    lstm, x = nn.LSTM(3, 5, batch_first=True), torch.randn(2, 7, 3)
    gates, h = lstm_gates(lstm, x)
    assert set(gates) == {"input gate", "forget gate", "output gate", "cell"}
    assert gates["cell"].shape == (7, 2, 5)
    assert torch.allclose(h, lstm(x)[1][0][0], atol=1e-6)
    cell = torch.from_numpy(gates["cell"][-1])
    assert torch.allclose(cell, lstm(x)[1][1][0], atol=1e-6)
    with pytest.raises(ParameterError):
        lstm_gates(nn.GRU(3, 5), x)


def test_random_excerpts_cut_aligned_pairs_and_augment():
    pieces = [(np.arange(300)[:, None] * np.ones((1, 3)), np.arange(300), "item")]
    X, y = random_excerpts(pieces, 5, np.random.default_rng(0), length=50)
    assert X.shape == (5, 50, 3) and y.shape == (5, 50)
    assert torch.equal(X[..., 0].long(), y)  # features and targets stay aligned
    _, y2 = random_excerpts(pieces, 5, np.random.default_rng(0), length=50,
                            augment=lambda X, y, rng: (X, -y))
    assert torch.equal(y2, -y)
    with pytest.raises(ParameterError, match="at least length=301 frames"):
        random_excerpts(pieces, 5, np.random.default_rng(0), length=301)


def test_transposition_moves_chord_ids():
    ids = np.array([0, 11, 12, 23, 24])  # C, B, c, b, none
    assert transpose_ids(ids, 1).tolist() == [1, 0, 13, 12, 24]
    assert transpose_ids(9, 3) == 0 and isinstance(transpose_ids(9, 3), int)


def test_onset_times_and_targets():
    item = {"notes": [[0.0, 1, 60, 0], [0.01, 1, 64, 1], [0.5, 1, 67, 2]]}
    times = onset_times(item)
    assert times.tolist() == [0.0, 0.5]
    y = onset_targets(times, 40, sr=100, hop_length=2)  # 50 frames per second
    assert y[0] == 1 and y[1] == 0.5 and y[25] == 1 and y[24] == y[26] == 0.5
    assert y.sum() == pytest.approx(2 + 3 * 0.5)
    with pytest.raises(ParameterError):
        onset_times({"notes": []})


def test_sequence_plots_return_figure_and_axes():
    _, ax = plot_chord_frames({"ref": [0, 0, 1], "est": [0, 1, 1]}, ["C", "C#"],
                              seconds=10)
    assert len(ax.collections) == 2
    mark_times(ax, [0.01, 5, 20], until=10)
    assert len(ax.lines) == 2


def test_chord_frames_legend_sits_beside_the_frames():
    fig, ax = plot_chord_frames({"ref": [0, 0, 1], "est": [0, 1, 1]}, ["C", "C#"])
    legend_box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend_box.x0 >= ax.get_window_extent().x1


def test_onset_scores_of_no_detection_are_zero_without_a_warning():
    import warnings

    from helpers.metrics import onset_scores

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = onset_scores([0.5, 1.0], [])
    assert scores == {"f_measure": 0.0, "precision": 0.0, "recall": 0.0}


def test_lstm_gates_build_their_state_on_the_layers_device():
    """lstm_gates made its zero state on the CPU, so it failed for an LSTM on
    CUDA. The meta device stands in for a GPU: a tensor on the wrong device
    raises "not on the expected device"; only reading the gates back, after
    every step ran on the layer's device, is beyond a meta tensor."""
    lstm = nn.LSTM(3, 5, batch_first=True).to("meta")
    x = torch.zeros(2, 7, 3, device="meta")
    with pytest.raises(NotImplementedError, match="meta"):
        lstm_gates(lstm, x)
    with pytest.raises(ParameterError, match=r"x must be a tensor of shape \(batch"):
        lstm_gates(nn.LSTM(3, 5, batch_first=True), torch.zeros(2, 7, 4))


def test_random_excerpts_use_every_start_and_a_piece_of_exactly_length():
    """The last valid start was never drawn, and a piece of exactly ``length``
    frames was refused."""
    piece = (np.arange(55)[:, None] * np.ones((1, 2)), np.arange(55))
    _, y = random_excerpts([piece], 400, np.random.default_rng(0), length=50)
    assert set(y[:, 0].tolist()) == set(range(6))  # starts 0 .. 55 - 50
    exact = (np.zeros((50, 2)), np.arange(50))
    _, y = random_excerpts([exact], 3, np.random.default_rng(0), length=50)
    assert torch.equal(y, torch.arange(50).repeat(3, 1))
    with pytest.raises(ParameterError, match="np.random.Generator"):
        random_excerpts([exact], 3, 0, length=50)
