"""Tests for helpers.training's loop: fit, evaluate, predict, and their errors.

Everything runs on the CPU with tiny models; the CUDA-only paths (autocast,
GradScaler, out-of-memory) are exercised through their CPU equivalents or by
raising the CUDA exception from a patched ``forward``.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from helpers.env import seed_everything
from helpers.errors import ParameterError, TrainingError
from helpers.metrics import accuracy
from helpers.training import (
    EpochState,
    History,
    TensorBatches,
    accuracy_of,
    amp_dtype,
    check_devices,
    distributed,
    evaluate,
    fit,
    model_device,
    predict,
)
from helpers.training import data as training_data
from helpers.training.loop import flatten_outputs

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


def adam(model, lr=1e-2):
    return torch.optim.Adam(model.parameters(), lr=lr)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


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
        optimizer=adam(model),
        num_epochs=15,
        batch_size=32,
        progress=False,
    )
    assert isinstance(history, History)
    assert len(history.train_loss) == len(history.valid_loss) == 15
    assert list(history.valid_metrics) == ["accuracy"]  # default for CE loss
    assert list(history.train_metrics) == ["accuracy"]  # on the trained batches
    assert len(history.train_metrics["accuracy"]) == 15
    assert history.train_loss[-1] < 0.6 * history.train_loss[0]
    assert history.valid_metrics["accuracy"][-1] > 0.8
    assert history.monitor == "valid_loss" and history.mode == "min"
    assert history.best_value == min(history.valid_loss)
    assert history.valid_loss[history.best_epoch - 1] == history.best_value
    assert history.value("valid_loss", history.best_epoch) == history.best_value
    assert len(history.lr) == len(history.epoch_time) == 15
    assert not history.stopped_early
    # the model ends with the best epoch's weights
    scores = evaluate(model, (X[256:], y[256:]), loss_fn=LOSS)
    assert scores["loss"] == pytest.approx(history.best_value, rel=1e-5)
    assert accuracy_of(model, X[256:], y[256:]) == pytest.approx(scores["accuracy"])
    with pytest.raises(ParameterError, match="valid_f1"):
        history.value("valid_f1")


def test_default_optimizer_is_adam_at_1e_3():
    seed_everything(0)
    X, y = make_data(64)
    model = make_model()
    history = fit(model, (X, y), loss_fn=LOSS, num_epochs=2, progress=False)
    assert history.lr == [1e-3, 1e-3]


def test_fit_with_dataset_and_dataloader():
    from torch.utils.data import DataLoader, TensorDataset

    seed_everything(0)
    X, y = make_data(128)
    ds = TensorDataset(X, y)
    m1, m2 = make_model(), make_model()
    h1 = fit(m1, ds, ds, loss_fn=LOSS, optimizer=adam(m1), num_epochs=4, progress=False)
    loader = DataLoader(ds, batch_size=16, shuffle=True)
    h2 = fit(
        m2,
        loader,
        loader,
        loss_fn=LOSS,
        optimizer=adam(m2),
        num_epochs=4,
        progress=False,
    )
    for h in (h1, h2):
        assert h.train_loss[-1] < h.train_loss[0]


def test_tensor_batches_choose_the_order():
    """shuffle, seed, drop_last: a TensorBatches passed as train."""

    def run(**kwargs):
        seed_everything(0)
        X, y = make_data(70)
        model = make_model()
        train = TensorBatches(X, y, batch_size=16, **kwargs)
        fit(
            model,
            train,
            loss_fn=LOSS,
            optimizer=adam(model),
            num_epochs=2,
            progress=False,
        )
        return model[0].weight.detach().clone(), len(train)

    w1, n1 = run(seed=1, drop_last=True)
    w2, _ = run(seed=1, drop_last=True)
    w3, _ = run(seed=2, drop_last=True)
    w4, n4 = run(shuffle=False)
    assert torch.equal(w1, w2) and not torch.equal(w1, w3)  # the seed sets the order
    assert not torch.equal(w1, w4)
    assert (n1, n4) == (4, 5)  # 70 examples: 4 full batches of 16, or 5


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
        optimizer=adam(model, lr=2e-2),
        num_epochs=6,
        batch_size=8,
        progress=False,
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
    logits, y = flatten_outputs(torch.zeros(4, 3), torch.zeros(4))
    assert logits.shape == (4, 3)  # one target per example: left alone
    with pytest.raises(ParameterError, match="class axis at dim 1"):
        flatten_outputs(torch.zeros(2, 3, 5), torch.zeros(2, 5))


def test_evaluate_and_predict_restore_mode():
    from torch.utils.data import DataLoader, TensorDataset

    X, y = make_data(40)
    model = make_model(dropout=0.5)
    model.train()
    scores = evaluate(model, (X, y), loss_fn=LOSS, batch_size=7)
    assert set(scores) == {"loss", "accuracy"}
    assert model.training
    out = predict(model, X.numpy(), batch_size=7)
    assert out.shape == (40, 3) and out.device.type == "cpu"
    assert torch.allclose(out, predict(model, X), atol=1e-6)  # eval: no dropout
    assert model.training
    loader = DataLoader(TensorDataset(X, y), batch_size=9)
    assert torch.allclose(out, predict(model, loader), atol=1e-6)
    assert evaluate(model, loader, loss_fn=LOSS) == pytest.approx(scores)
    with pytest.raises(ParameterError, match="batch_size"):
        predict(model, X, batch_size=0)
    with pytest.raises(ParameterError, match="one row per example"):
        predict(model, torch.tensor(1.0))


# --------------------------------------------------------------------------- #
# Early stopping, schedulers, hooks, clipping                                   #
# --------------------------------------------------------------------------- #
def test_early_stopping_keeps_best_weights():
    seed_everything(0)
    X, y = make_data(64)
    valid = [0.1, 0.5, 0.4, 0.3, 0.2, 0.9, 0.9, 0.9]
    scores = iter(x for v in valid for x in (0.0, v))  # train, then valid
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
        mode="max",
        patience=2,
        hooks=[snapshot],
        progress=False,
    )
    assert history.mode == "max"
    assert history.best_epoch == 2
    assert history.stopped_early
    assert len(history.train_loss) == 4  # epochs 3 and 4 did not improve
    for k, v in model.state_dict().items():
        assert torch.equal(v, snapshots[2][k])
    # The last weights instead of the best: keep them with a hook.
    assert not torch.equal(snapshots[4]["0.weight"], model[0].weight)


@pytest.mark.parametrize(
    "monitor, mode, expected",
    [("train_loss", None, "min"), ("valid_accuracy", None, "max"),
     ("valid_mae", "min", "min"), ("valid_f1", "max", "max"),
     ("valid_accuracy", "min", "min")],  # stated: used as it is
)
def test_mode_is_known_for_loss_and_accuracy_and_stated_for_the_rest(
        monitor, mode, expected):
    X, y = make_data(32)
    metrics = {"accuracy": accuracy, "mae": lambda y, logits: 0.5,
               "f1": lambda y, logits: 0.5}
    h = fit(make_model(), (X, y), (X, y), loss_fn=LOSS, metrics=metrics,
            monitor=monitor, mode=mode, num_epochs=1, progress=False)
    assert h.mode == expected


def test_a_metric_of_unknown_direction_needs_a_mode():
    """``monitor="valid_mae"`` was maximised: the direction was guessed from the
    name. Now only the loss and accuracy have a known direction."""
    X, y = make_data(32)
    mae = {"mae": lambda y, logits: float((logits.argmax(-1) - y).abs().float().mean())}
    with pytest.raises(ParameterError, match="mode='min'") as info:
        fit(make_model(), (X, y), (X, y), loss_fn=LOSS, metrics=mae,
            monitor="valid_mae", num_epochs=1, progress=False)
    assert "valid_mae" in str(info.value)
    with pytest.raises(ParameterError, match="mode must be one of"):
        fit(make_model(), (X, y), (X, y), loss_fn=LOSS, metrics=mae,
            monitor="valid_mae", mode="lower", num_epochs=1, progress=False)
    valid = [0.9, 0.1, 0.5]  # valid_mae per epoch: epoch 2 is the best
    scores = iter(x for v in valid for x in (0.0, v))  # train, then valid
    h = fit(make_model(), (X, y), (X, y), loss_fn=LOSS,
            metrics={"mae": lambda y, logits: next(scores)}, monitor="valid_mae",
            mode="min", num_epochs=3, progress=False)
    assert (h.best_epoch, h.best_value) == (2, 0.1)


def test_schedulers_as_hooks():
    X, y = make_data(64)
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    h = fit(
        model,
        (X, y),
        loss_fn=LOSS,
        optimizer=opt,
        num_epochs=3,
        hooks=[lambda state: sched.step()],
        progress=False,
    )
    assert h.lr == pytest.approx([0.1, 0.05, 0.025])
    assert h.monitor == "train_loss"

    def inverse_time(state):  # a schedule written as a plain hook
        for group in state.optimizer.param_groups:
            group["lr"] = 0.01 / (state.epoch + 1)

    seen = []
    model = make_model()
    h = fit(
        model,
        (X, y),
        loss_fn=LOSS,
        optimizer=adam(model, lr=0.01),
        num_epochs=5,
        hooks=[inverse_time, lambda s: seen.append(s.epoch), lambda s: s.epoch == 3],
        progress=False,
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
        hooks=[lambda state: sched.step(state.history.value("valid_s"))],
        metrics={"s": lambda y, logits: 0.5},
        monitor="valid_s",
        mode="max",
        num_epochs=3,
        progress=False,
    )
    assert h.lr[-1] < h.lr[0]


def test_gradient_clipping_bounds_the_update():
    X, y = make_data(32)
    X = X * 1e4  # huge gradients
    model = nn.Linear(8, 3)
    before = model.weight.detach().clone()
    fit(
        model,
        TensorBatches(X, y, batch_size=32, shuffle=False),
        loss_fn=LOSS,
        optimizer=torch.optim.SGD(model.parameters(), lr=1.0),
        clip_grad_norm=1e-3,
        num_epochs=1,
        progress=False,
    )
    assert (model.weight.detach() - before).norm() <= 1e-3 + 1e-6


# --------------------------------------------------------------------------- #
# Mixed precision                                                               #
# --------------------------------------------------------------------------- #
def test_amp_dtype_choice():
    assert amp_dtype("cpu") is None
    assert amp_dtype("cpu", True) is None
    assert amp_dtype("cuda", False) is None
    assert amp_dtype("cpu", "bfloat16") is torch.bfloat16
    assert amp_dtype("cpu", "float16") is torch.float16
    assert amp_dtype("cpu", torch.float16) is torch.float16
    with pytest.raises(ParameterError, match="amp"):
        amp_dtype("cpu", "float8")


@pytest.mark.parametrize("amp", ["bfloat16", "float16"])
def test_fit_under_autocast_on_cpu(amp):
    """The CUDA code path (autocast, and GradScaler for float16) on the CPU."""
    seed_everything(0)
    X, y = make_data(128)
    model = make_model()
    h = fit(
        model,
        (X, y),
        (X, y),
        loss_fn=LOSS,
        optimizer=adam(model),
        amp=amp,
        num_epochs=3,
        clip_grad_norm=5.0,
        progress=False,
    )
    assert all(math.isfinite(v) for v in h.train_loss)
    assert h.train_loss[-1] < h.train_loss[0]


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
        (dict(hooks=[42]), "hooks"),
        (dict(loss_fn="ce"), "loss_fn"),
        (dict(amp="int8"), "amp"),
    ],
)
def test_bad_arguments(kwargs, match):
    X, y = make_data(16)
    args = dict(loss_fn=LOSS, progress=False) | kwargs
    with pytest.raises(ParameterError, match=match):
        fit(make_model(), (X, y), (X, y), **args)


def test_bad_data():
    from torch.utils.data import DataLoader, TensorDataset

    X, y = make_data(16)
    quiet = dict(loss_fn=LOSS, progress=False)
    with pytest.raises(ParameterError, match="one row per example"):
        fit(make_model(), (X, y[:10]), **quiet)
    with pytest.raises(ParameterError, match="pair"):
        fit(make_model(), (X, y, y), **quiet)
    with pytest.raises(ParameterError, match="Dataset"):
        fit(make_model(), "data.csv", **quiet)
    with pytest.raises(ParameterError, match="valid_"):
        fit(make_model(), (X, y), monitor="valid_loss", **quiet)
    with pytest.raises(ParameterError, match="empty"):
        fit(make_model(), (X[:0], y[:0]), **quiet)
    with pytest.raises(ParameterError, match="pair"):
        fit(make_model(), DataLoader(TensorDataset(X), batch_size=4), **quiet)
    with pytest.raises(ParameterError, match="no batch"):
        fit(make_model(), TensorBatches(X, y, batch_size=32, drop_last=True), **quiet)


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
            progress=False,
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
        fit(model, (X, y), loss_fn=LOSS, batch_size=32, progress=False)
    assert "epoch 1, step 1" in str(info.value)
    with pytest.raises(TrainingError, match="batch_size=8") as info:
        evaluate(model, (X, y), loss_fn=LOSS, batch_size=16)
    assert "evaluation" in str(info.value)
    with pytest.raises(TrainingError, match="prediction"):
        predict(model, X)


def test_data_too_large_for_the_device_say_so(monkeypatch):
    def to(self, *args, **kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    batches = TensorBatches(*make_data(16))
    monkeypatch.setattr(torch.Tensor, "to", to)
    with pytest.raises(TrainingError, match="Dataset"):
        batches.to("cuda")


class Offset(nn.Module):
    """A model that keeps a tensor as a plain attribute: not a buffer."""

    def __init__(self, device="meta"):
        super().__init__()
        self.linear = nn.Linear(8, 3)
        self.offset = torch.zeros(3, device=device)  # left behind by .to(device)

    def forward(self, x):
        return self.linear(x) + self.offset


def test_a_stray_tensor_is_found_before_the_first_step():
    X, y = make_data(16)
    model = Offset()
    with pytest.raises(TrainingError, match="model is on cpu") as info:
        fit(model, (X, y), loss_fn=LOSS, progress=False)
    assert "offset is on meta" in str(info.value)
    assert "register_buffer('offset'" in str(info.value)
    assert model.linear.weight.grad is None  # no step was taken
    for run in (lambda: predict(model, X),
                lambda: evaluate(model, (X, y), loss_fn=LOSS)):
        with pytest.raises(TrainingError, match="offset is on meta"):
            run()
    fit(Offset("cpu"), (X, y), loss_fn=LOSS, num_epochs=1, progress=False)


def test_a_batch_on_another_device_names_both():
    model = make_model()
    with pytest.raises(TrainingError, match="batch is on meta, the model is on cpu"):
        check_devices(model, torch.zeros(2, 8, device="meta"))
    check_devices(model, torch.zeros(2, 8))


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
    tb = TensorBatches(X, torch.arange(10), batch_size=3, seed=0)
    assert len(tb) == 4
    seen = torch.cat([yb for _, yb in tb])
    assert sorted(seen.tolist()) == list(range(10))
    first = torch.cat([yb for _, yb in tb])
    assert not torch.equal(seen, first)  # a new order each epoch
    plain = TensorBatches(X, torch.arange(10), batch_size=4, shuffle=False)
    assert [len(yb) for _, yb in plain] == [4, 4, 2]


def test_tensor_batches_shard_over_ranks(monkeypatch):
    X, y = torch.zeros(10, 1), torch.arange(10)
    shards = []
    for rank in range(3):
        for module in (training_data, distributed):
            monkeypatch.setattr(module, "rank_and_world_size", lambda r=rank: (r, 3))
        tb = TensorBatches(X, y, batch_size=2, seed=0).to("cpu", shard=True)
        assert len(tb) == 2
        shards.append(torch.cat([yb for _, yb in tb]).tolist())
    assert all(len(s) == 4 for s in shards)  # padded so every rank has 4
    assert set(sum(shards, [])) == set(range(10))


# --------------------------------------------------------------------------- #
# Defects a review found: each fails clearly now                                #
# --------------------------------------------------------------------------- #
def test_hooks_from_a_generator_all_run():
    """The argument check consumed a generator, so no hook ever ran (0 calls
    over 2 epochs)."""
    X, y = make_data(16)
    calls = []
    fit(make_model(), (X, y), loss_fn=LOSS, num_epochs=2, progress=False,
        hooks=(h for h in [lambda state: calls.append(state.epoch)]))
    assert calls == [1, 2]


def test_a_single_hook_without_a_list_says_to_make_a_list(tmp_path):
    """``hooks=Checkpoint(path)`` gave a bare TypeError."""
    from helpers.training import Checkpoint

    X, y = make_data(16)
    for hook in (Checkpoint(tmp_path / "run.pt"), lambda state: None):
        with pytest.raises(ParameterError, match=r"put it in a list: hooks=\["):
            fit(make_model(), (X, y), loss_fn=LOSS, progress=False, hooks=hook)
    with pytest.raises(ParameterError, match="hooks must be a list"):
        fit(make_model(), (X, y), loss_fn=LOSS, progress=False, hooks=42)
    assert not (tmp_path / "run.pt").exists()


class FrameConv(nn.Module):
    """Frame-wise classes from a Conv1d: logits (batch, classes, frames), the
    layout nn.CrossEntropyLoss itself takes."""

    def __init__(self, n_in=4, n_classes=3):
        super().__init__()
        self.conv = nn.Conv1d(n_in, n_classes, kernel_size=3, padding=1)

    def forward(self, x):  # (batch, n_in, frames) -> (batch, classes, frames)
        return self.conv(x)


def test_class_axis_not_last_is_refused_before_the_first_step():
    """It trained an epoch, then the accuracy raised "y_pred must have the shape
    of y_true (8, 5) ... got (8, 3)"; with classes == frames it was silently
    wrong."""
    X, y = torch.randn(8, 4, 5), torch.randint(0, 3, (8, 5))
    model = FrameConv()
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(ParameterError, match="class axis at dim 1") as info:
        fit(model, (X, y), loss_fn=LOSS, num_epochs=2, progress=False)
    assert "transpose(1, 2)" in str(info.value)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(),
                                                 strict=True))  # no step taken
    square = torch.randint(0, 3, (8, 3))  # 3 frames, 3 classes: which is which?
    with pytest.raises(ParameterError, match="cannot tell which axis"):
        fit(FrameConv(), (torch.randn(8, 4, 3), square), loss_fn=LOSS,
            progress=False)
    with pytest.raises(ParameterError, match="class axis at dim 1"):
        accuracy_of(model, X, y)


class Transposed(FrameConv):
    def forward(self, x):  # (batch, frames, classes): what fit expects
        return self.conv(x).transpose(1, 2)


def test_class_axis_last_trains_frame_wise():
    X, y = torch.randn(8, 4, 5), torch.randint(0, 3, (8, 5))
    h = fit(Transposed(), (X, y), loss_fn=LOSS, num_epochs=2, progress=False)
    assert len(h.train_metrics["accuracy"]) == 2


def test_evaluate_without_loss_or_metrics_says_so_before_a_pass():
    """``evaluate(model, data)`` ran a full pass and returned ``{}``."""
    X, y = make_data(16)
    model = make_model()
    with pytest.raises(ParameterError, match="evaluate needs loss_fn or metrics"):
        evaluate(model, (X, y))
    with pytest.raises(ParameterError, match="predict"):
        evaluate(model, (X, y), metrics={})
    assert set(evaluate(model, (X, y), metrics={"accuracy": accuracy})) == {"accuracy"}


def test_inputs_of_the_wrong_width_name_the_batch_and_what_to_check():
    """fit gave PyTorch's "mat1 and mat2 shapes cannot be multiplied (4x7 and
    3x2)"."""
    X, y = torch.randn(16, 7), torch.randint(0, 2, (16,))
    with pytest.raises(ParameterError, match=r"batch X of shape \(4, 7\)") as info:
        fit(nn.Linear(3, 2), (X, y), loss_fn=LOSS, batch_size=4, progress=False)
    assert "in_features" in str(info.value) and "mat1 and mat2" in str(info.value)
    with pytest.raises(ParameterError, match="batch X of shape"):
        predict(nn.Linear(3, 2), X)


def test_targets_the_loss_cannot_take_name_both():
    X = torch.randn(16, 8)
    with pytest.raises(ParameterError, match="loss_fn cannot compare") as info:
        fit(make_model(), (X, torch.full((16,), 7)), loss_fn=LOSS, progress=False)
    assert "0 .. classes - 1" in str(info.value)  # class 7 of 3
    with pytest.raises(ParameterError, match=r"y of shape \(16,\) \(torch.float32\)"):
        fit(make_model(), (X, torch.rand(16)), loss_fn=LOSS, progress=False)


def test_training_metrics_are_computed_per_chunk_of_steps(monkeypatch):
    """fit kept every batch's logits of an epoch for the training metrics, so
    memory grew with the data; now it keeps at most ``SYNC_EVERY`` steps."""
    from helpers.training import loop

    monkeypatch.setattr(loop, "SYNC_EVERY", 3)
    X, y = make_data(40)
    y[::5] = -100  # padding: not counted, here or in the accuracy
    rows = []

    def spy(y_true, logits):
        rows.append(len(y_true))
        return accuracy(y_true, logits)

    seed_everything(0)
    model = make_model()
    h = fit(model, (X, y), loss_fn=LOSS, batch_size=4, num_epochs=1,
            metrics={"accuracy": spy}, progress=False)
    assert rows == [12, 12, 12, 4]  # 10 steps of 4: chunks of 3 steps
    # the mean over chunks, weighted by the targets counted, is the accuracy
    # of the epoch: the same as one call on every output
    seed_everything(0)
    outputs = []
    fit(make_model(), (X, y), loss_fn=LOSS, batch_size=4, num_epochs=1,
        progress=False, metrics={"accuracy": lambda t, o: outputs.append((t, o)) or 0})
    assert h.train_metrics["accuracy"][0] == pytest.approx(accuracy(
        torch.cat([t for t, _ in outputs]), torch.cat([o for _, o in outputs])))


def test_scores_are_summed_over_ranks_on_the_models_device(monkeypatch):
    """A tensor made on the CPU for NCCL, which reduces CUDA tensors only: the
    meta device stands in for a GPU."""
    seen = []
    monkeypatch.setattr(distributed, "rank_and_world_size", lambda: (0, 2))
    monkeypatch.setattr(distributed.dist, "all_reduce",
                        lambda values: seen.append(values.device))
    scores = {"loss": 1.0, "accuracy": 0.5}
    with pytest.raises(NotImplementedError):  # meta holds no data to read back
        distributed.mean_over_ranks(scores, torch.device("meta"))
    assert seen == [torch.device("meta")]
    assert distributed.mean_over_ranks(scores, torch.device("cpu")) == {
        "loss": 0.5, "accuracy": 0.25}  # the fake all_reduce summed nothing


def test_history_update_best_says_what_it_does():
    """``History.improved`` changed state but read as a question."""
    h = History(monitor="train_loss", mode="min")
    assert not hasattr(h, "improved")
    h.train_loss.append(1.0)
    assert h.update_best(1) and h.best_epoch == 1
    h.train_loss.append(2.0)
    assert not h.update_best(2) and h.best_epoch == 1
