"""Tests for helpers.training: fit, evaluate, predict, checkpoints and errors.

Everything runs on the CPU with tiny models; the CUDA-only paths (autocast,
GradScaler, out-of-memory) are exercised through their CPU equivalents or by
raising the CUDA exception from a patched ``forward``.
"""

from __future__ import annotations

import math

import matplotlib
import pytest
import torch
from torch import nn

from helpers import training
from helpers.env import seed_everything
from helpers.errors import ParameterError, TrainingError
from helpers.metrics import accuracy
from helpers.training import (
    EpochState,
    History,
    TensorBatches,
    amp_dtype,
    evaluate,
    fit,
    flatten_outputs,
    model_device,
    predict,
)

matplotlib.use("Agg")
LOSS = nn.CrossEntropyLoss()


def make_data(n=256, d=8, seed=0):
    """Three classes separable by the signs of two features."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0).long()
    return X, y


def make_model(d=8, dropout=0.0):
    return nn.Sequential(
        nn.Linear(d, 32), nn.ReLU(), nn.Dropout(dropout), nn.Linear(32, 3)
    )


QUIET = dict(progress=False, live_plot=False)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models gain nothing from threads, and lose 10x on a busy machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# --------------------------------------------------------------------------- #
# fit learns, and returns a History                                            #
# --------------------------------------------------------------------------- #
def test_fit_learns_and_returns_history():
    seed_everything(0)
    X, y = make_data(384)
    model = make_model()
    history = fit(
        model,
        (X[:256], y[:256]),
        (X[256:], y[256:]),
        loss_fn=LOSS,
        lr=1e-2,
        num_epochs=15,
        batch_size=32,
        **QUIET,
    )
    assert isinstance(history, History)
    assert len(history.train_loss) == len(history.valid_loss) == 15
    assert history.epochs == list(range(1, 16))
    assert list(history.valid_metrics) == ["accuracy"]  # default for CE loss
    assert history.train_loss[-1] < 0.6 * history.train_loss[0]
    assert history.valid_metrics["accuracy"][-1] > 0.8
    assert history.monitor == "valid_loss" and history.mode == "min"
    assert history.best_value == min(history.valid_loss)
    assert history.valid_loss[history.best_epoch - 1] == history.best_value
    assert len(history.lr) == len(history.epoch_time) == 15
    assert not history.stopped_early
    # the model ends with the best epoch's weights
    scores = evaluate(model, (X[256:], y[256:]), loss_fn=LOSS)
    assert scores["loss"] == pytest.approx(history.best_value, rel=1e-5)


def test_fit_with_dataset_and_dataloader():
    from torch.utils.data import DataLoader, TensorDataset

    seed_everything(0)
    X, y = make_data(128)
    ds = TensorDataset(X, y)
    h1 = fit(make_model(), ds, ds, loss_fn=LOSS, lr=1e-2, num_epochs=4, **QUIET)
    loader = DataLoader(ds, batch_size=16, shuffle=True)
    h2 = fit(make_model(), loader, loader, loss_fn=LOSS, lr=1e-2, num_epochs=4, **QUIET)
    for h in (h1, h2):
        assert h.train_loss[-1] < h.train_loss[0]


def test_sequence_model_with_padding():
    """Many-to-many output (batch, frames, classes), targets with -100 padding."""

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(4, 16, batch_first=True)
            self.out = nn.Linear(16, 3)

        def forward(self, x):  # (batch, frames, 4) -> (batch, frames, 3)
            return self.out(self.gru(x)[0])

    seed_everything(0)
    X = torch.randn(24, 10, 4)
    y = (X[..., 0] > 0).long() + (X[..., 1] > 0).long()  # (24, 10)
    y[:, 8:] = -100  # padding
    model = Tagger()
    history = fit(
        model,
        (X, y),
        (X, y),
        loss_fn=LOSS,
        lr=2e-2,
        num_epochs=6,
        batch_size=8,
        train_metrics=True,
        **QUIET,
    )
    assert history.valid_loss[-1] < history.valid_loss[0]
    logits = predict(model, X)
    assert logits.shape == (24, 10, 3)
    # fit's accuracy is the frame accuracy without the padding
    expected = accuracy(y, logits)
    assert history.valid_metrics["accuracy"][-1] == pytest.approx(expected)
    assert "accuracy" in history.train_metrics


def test_flatten_outputs():
    logits, y = flatten_outputs(torch.zeros(2, 5, 3), torch.zeros(2, 5))
    assert logits.shape == (10, 3) and y.shape == (10,)
    logits, y = flatten_outputs(torch.zeros(2, 3, 5), torch.zeros(2, 5))
    assert logits.shape == (2, 3, 5)  # class axis second: left alone


def test_evaluate_and_predict_restore_mode():
    X, y = make_data(40)
    model = make_model(dropout=0.5)
    model.train()
    scores = evaluate(model, (X, y), loss_fn=LOSS, batch_size=7)
    assert set(scores) == {"loss", "accuracy"}
    assert model.training
    out = predict(model, X.numpy(), batch_size=7)
    assert out.shape == (40, 3) and out.device.type == "cpu"
    assert torch.allclose(out, predict(model, X), atol=1e-6)  # eval: no dropout
    with pytest.raises(ParameterError, match="batch_size"):
        predict(model, X, batch_size=0)


# --------------------------------------------------------------------------- #
# Early stopping, schedulers, hooks, clipping, mixed precision                  #
# --------------------------------------------------------------------------- #
def test_early_stopping_keeps_best_weights():
    seed_everything(0)
    X, y = make_data(64)
    scores = iter([0.1, 0.5, 0.4, 0.3, 0.2, 0.9, 0.9, 0.9])
    snapshots = {}

    def snapshot(state: EpochState):
        snapshots[state.epoch] = {
            k: v.clone() for k, v in state.model.state_dict().items()
        }

    model = make_model()
    history = fit(
        model,
        (X, y),
        (X, y),
        loss_fn=LOSS,
        num_epochs=8,
        metrics={"score": lambda y, logits: next(scores)},
        monitor="valid_score",
        patience=2,
        hooks=[snapshot],
        **QUIET,
    )
    assert history.mode == "max"
    assert history.best_epoch == 2
    assert history.stopped_early
    assert len(history.train_loss) == 4  # epochs 3 and 4 did not improve
    for k, v in model.state_dict().items():
        assert torch.equal(v, snapshots[2][k])


def test_schedulers_and_hooks():
    X, y = make_data(64)
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = fit(
        model,
        (X, y),
        loss_fn=LOSS,
        optimizer=opt,
        scheduler=sched,
        num_epochs=3,
        **QUIET,
    )
    assert h.lr == pytest.approx([0.1, 0.05, 0.025])
    assert h.monitor == "train_loss"

    seen = []
    h = fit(
        make_model(),
        (X, y),
        loss_fn=LOSS,
        lr=0.01,
        num_epochs=5,
        scheduler=lambda epoch, history: 0.01 / (epoch + 1),
        hooks=[lambda s: seen.append(s.epoch), lambda s: s.epoch == 3],
        **QUIET,
    )
    assert h.lr == pytest.approx([0.01, 0.005, 0.01 / 3])
    assert seen == [1, 2, 3] and h.stopped_early


def test_reduce_lr_on_plateau_gets_the_monitored_value():
    X, y = make_data(32)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=0)
    h = fit(
        model,
        (X, y),
        (X, y),
        loss_fn=LOSS,
        optimizer=opt,
        scheduler=sched,
        metrics={"s": lambda y, logits: 0.5},
        monitor="valid_s",
        num_epochs=3,
        **QUIET,
    )
    assert h.lr[-1] < h.lr[0]


def test_gradient_clipping_bounds_the_update():
    X, y = make_data(32)
    X = X * 1e4  # huge gradients
    model = nn.Linear(8, 3)
    before = model.weight.detach().clone()
    fit(
        model,
        (X, y),
        loss_fn=LOSS,
        optimizer=torch.optim.SGD(model.parameters(), lr=1.0),
        clip_grad_norm=1e-3,
        num_epochs=1,
        batch_size=32,
        shuffle=False,
        **QUIET,
    )
    assert (model.weight.detach() - before).norm() <= 1e-3 + 1e-6


def test_amp_dtype_choice():
    assert amp_dtype("cpu") is None
    assert amp_dtype("cpu", True) is None
    assert amp_dtype("cuda", False) is None
    assert amp_dtype("cpu", "bfloat16") is torch.bfloat16
    assert amp_dtype("cpu", torch.float16) is torch.float16
    with pytest.raises(ParameterError, match="amp"):
        amp_dtype("cpu", "float8")


@pytest.mark.parametrize("amp", ["bfloat16", "float16"])
def test_fit_under_autocast_on_cpu(amp):
    """The CUDA code path (autocast, and GradScaler for float16) on the CPU."""
    seed_everything(0)
    X, y = make_data(128)
    h = fit(
        make_model(),
        (X, y),
        (X, y),
        loss_fn=LOSS,
        lr=1e-2,
        amp=amp,
        num_epochs=3,
        clip_grad_norm=5.0,
        **QUIET,
    )
    assert all(math.isfinite(v) for v in h.train_loss)
    assert h.train_loss[-1] < h.train_loss[0]


# --------------------------------------------------------------------------- #
# Checkpoints and resuming                                                      #
# --------------------------------------------------------------------------- #
class Interrupt:
    """A loss function that raises KeyboardInterrupt at one step (a disconnect)."""

    def __init__(self, at_step: int):
        self.calls, self.at_step = 0, at_step

    def __call__(self, logits, y):
        self.calls += 1
        if self.calls == self.at_step:
            raise KeyboardInterrupt
        return LOSS(logits, y)


def _run(tmp_path, loss_fn, checkpoint):
    seed_everything(0)  # the notebook's visible seed, run again after a restart
    X, y = make_data(96)
    model = make_model(dropout=0.3)  # dropout: the torch RNG must be restored
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    history = fit(
        model,
        (X[:64], y[:64]),
        (X[64:], y[64:]),
        loss_fn=loss_fn,
        optimizer=opt,
        scheduler=sched,
        num_epochs=6,
        batch_size=16,
        metrics={"accuracy": accuracy},
        checkpoint=checkpoint,
        **QUIET,
    )
    return model, history


def test_resume_after_interruption_matches_uninterrupted_run(tmp_path):
    ref_model, ref = _run(tmp_path, LOSS, None)
    ckpt = tmp_path / "run.pt"
    with pytest.raises(KeyboardInterrupt):
        # 4 training steps and 1 validation call per epoch: epoch 4, step 2
        _run(tmp_path, Interrupt(at_step=5 * 3 + 2), ckpt)
    saved = training.load_checkpoint(ckpt)
    assert saved["epoch"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pt"]  # no tmp file
    model, history = _run(tmp_path, LOSS, ckpt)
    for k, v in ref_model.state_dict().items():
        assert torch.equal(v, model.state_dict()[k]), k
    assert history.train_loss == ref.train_loss
    assert history.valid_loss == ref.valid_loss
    assert history.valid_metrics == ref.valid_metrics
    assert history.lr == ref.lr and history.best_epoch == ref.best_epoch
    # A finished run resumes to its end result without training.
    model2, history2 = _run(tmp_path, Interrupt(at_step=1), ckpt)
    assert history2.train_loss == ref.train_loss
    for k, v in ref_model.state_dict().items():
        assert torch.equal(v, model2.state_dict()[k]), k


def test_unreadable_checkpoint_says_so(tmp_path):
    ckpt = tmp_path / "bad.pt"
    ckpt.write_bytes(b"not a checkpoint")
    X, y = make_data(16)
    with pytest.raises(TrainingError, match="delete it"):
        fit(make_model(), (X, y), loss_fn=LOSS, checkpoint=ckpt, **QUIET)


# --------------------------------------------------------------------------- #
# Errors that users hit                                                         #
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num_epochs=0), "num_epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=2.5), "batch_size"),
        (dict(patience=0), "patience"),
        (dict(clip_grad_norm=-1.0), "clip_grad_norm"),
        (dict(monitor="valid_f1"), "monitor"),
        (dict(mode="lowest"), "mode"),
        (dict(hooks=[42]), "hooks"),
        (dict(loss_fn="ce"), "loss_fn"),
        (dict(amp="int8"), "amp"),
    ],
)
def test_bad_arguments(kwargs, match):
    X, y = make_data(16)
    args = dict(loss_fn=LOSS, **QUIET) | kwargs
    with pytest.raises(ParameterError, match=match):
        fit(make_model(), (X, y), (X, y), **args)


def test_bad_data():
    X, y = make_data(16)
    with pytest.raises(ParameterError, match="one row per example"):
        fit(make_model(), (X, y[:10]), loss_fn=LOSS, **QUIET)
    with pytest.raises(ParameterError, match="pair"):
        fit(make_model(), (X, y, y), loss_fn=LOSS, **QUIET)
    with pytest.raises(ParameterError, match="Dataset"):
        fit(make_model(), "data.csv", loss_fn=LOSS, **QUIET)
    with pytest.raises(ParameterError, match="valid_"):
        fit(make_model(), (X, y), loss_fn=LOSS, monitor="valid_loss", **QUIET)


class NaNAt:
    def __init__(self, at_step, value=float("nan")):
        self.calls, self.at_step, self.value = 0, at_step, value

    def __call__(self, logits, y):
        self.calls += 1
        loss = LOSS(logits, y)
        return loss * self.value if self.calls == self.at_step else loss


@pytest.mark.parametrize(
    "n, batch_size, at_step, where, value",
    [
        (64, 16, 4 + 3, "epoch 2, step 3", float("nan")),
        (64, 16, 2, "epoch 1, step 2", float("inf")),
        (120, 1, 73, "epoch 1, step 73", float("nan")),  # after a periodic check
        (120, 1, 120 + 51, "epoch 2, step 51", float("nan")),
    ],
)
def test_nan_loss_names_epoch_and_step(n, batch_size, at_step, where, value):
    X, y = make_data(n)
    with pytest.raises(TrainingError, match=where) as info:
        fit(
            make_model(),
            (X, y),
            loss_fn=NaNAt(at_step, value),
            num_epochs=3,
            batch_size=batch_size,
            **QUIET,
        )
    assert "learning rate" in str(info.value)
    assert ("nan" if math.isnan(value) else "inf") in str(info.value)


def test_cuda_out_of_memory_suggests_smaller_batch(monkeypatch):
    X, y = make_data(64)
    model = make_model()

    def forward(x):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate")

    monkeypatch.setattr(model, "forward", forward)
    with pytest.raises(TrainingError, match="batch_size=16") as info:
        fit(model, (X, y), loss_fn=LOSS, batch_size=32, **QUIET)
    assert "epoch 1, step 1" in str(info.value)
    with pytest.raises(TrainingError, match="batch_size=8"):
        evaluate(model, (X, y), loss_fn=LOSS, batch_size=16)


def test_tensors_on_two_devices_say_which_is_where():
    class Offset(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(8, 3)
            self.offset = torch.zeros(3, device="meta")  # not a buffer: left behind

        def forward(self, x):
            return self.linear(x) + self.offset

    X, y = make_data(16)
    with pytest.raises(TrainingError, match="model is on cpu, the batch is on cpu"):
        fit(Offset(), (X, y), loss_fn=LOSS, **QUIET)
    with pytest.raises(TrainingError, match="register_buffer"):
        predict(Offset(), X)


def test_model_on_several_devices_is_refused():
    model = make_model()
    model[3].to("meta")
    with pytest.raises(ParameterError, match="several devices") as info:
        model_device(model)
    assert "cpu" in str(info.value) and "meta" in str(info.value)
    with pytest.raises(ParameterError, match="meta"):
        model_device(make_model().to("meta"))
    assert model_device(nn.ReLU()) == torch.device("cpu")


# --------------------------------------------------------------------------- #
# Device-resident batches                                                       #
# --------------------------------------------------------------------------- #
def test_tensor_batches_cover_every_example_once():
    X = torch.arange(10).float()[:, None]
    g = torch.Generator().manual_seed(0)
    tb = TensorBatches(X, torch.arange(10), batch_size=3, shuffle=True, generator=g)
    assert len(tb) == 4
    seen = torch.cat([yb for _, yb in tb])
    assert sorted(seen.tolist()) == list(range(10))
    first = torch.cat([yb for _, yb in tb])
    assert not torch.equal(seen, first)  # a new order each epoch


def test_tensor_batches_shard_over_ranks():
    X, y = torch.zeros(10, 1), torch.arange(10)
    shards = []
    for rank in range(3):
        g = torch.Generator().manual_seed(0)  # the same seed on every rank
        tb = TensorBatches(
            X, y, batch_size=2, shuffle=True, generator=g, rank=rank, world_size=3
        )
        assert len(tb) == 2
        shards.append(torch.cat([yb for _, yb in tb]).tolist())
    assert all(len(s) == 4 for s in shards)  # padded so every rank has 4
    assert set(sum(shards, [])) == set(range(10))


# --------------------------------------------------------------------------- #
# Progress output                                                               #
# --------------------------------------------------------------------------- #
def test_progress_lines_headless(capsys):
    X, y = make_data(32)
    fit(make_model(), (X, y), (X, y), loss_fn=LOSS, num_epochs=3, live_plot=False)
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3 | train_loss")
    assert "valid_accuracy" in lines[0]
    assert "it/s" not in out.err  # no progress bar in a log
    fit(make_model(), (X, y), loss_fn=LOSS, num_epochs=2, **QUIET)
    assert capsys.readouterr().out == ""


class FakeHandle:
    def __init__(self):
        self.updates = 0

    def update(self, fig):
        self.updates += 1


@pytest.mark.parametrize("static", [False, True])
def test_live_plot_in_jupyter(monkeypatch, capsys, static):
    import IPython.display

    shown = []

    def display(obj, display_id=False):
        shown.append(obj)
        return FakeHandle()

    monkeypatch.setattr(training, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    if static:
        monkeypatch.setenv("MIRDL_STATIC", "1")
    else:
        monkeypatch.delenv("MIRDL_STATIC", raising=False)
        monkeypatch.setattr("tqdm.auto.tqdm", _NoBar)
    X, y = make_data(32)
    fit(make_model(), (X, y), (X, y), loss_fn=LOSS, num_epochs=3)
    assert len(shown) == 1  # one figure, updated in place (live) or final (static)
    import matplotlib.pyplot as plt

    assert not plt.get_fignums()  # closed, so the inline backend does not redraw
    assert len(capsys.readouterr().out.strip().splitlines()) == 3


class _NoBar:
    def __init__(self, *args, **kwargs):
        pass

    def update(self, n=1):
        pass

    def close(self):
        pass
