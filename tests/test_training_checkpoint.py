"""Tests for helpers.training's checkpoints: an exact resume, float16 included.

A run is interrupted by a ``KeyboardInterrupt`` raised from the loss function
(what a Colab disconnect does to a cell), then run again from the top, as a
reader would: it must end with exactly the weights and history of a run that
was never interrupted.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from helpers.env import seed_everything
from helpers.errors import TrainingError
from helpers.metrics import accuracy
from helpers.training import Checkpoint, fit, load_checkpoint
from helpers.training.checkpoint import VERSION

LOSS = nn.CrossEntropyLoss()


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def make_data(n, d=8):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, d, generator=g)
    return X, (X[:, 0] > 0).long() + (X[:, 1] > 0).long()


class Interrupt:
    """A loss function that raises KeyboardInterrupt at one step (a disconnect)."""

    def __init__(self, at_step: int):
        self.calls, self.at_step = 0, at_step

    def __call__(self, logits, y):
        self.calls += 1
        if self.calls == self.at_step:
            raise KeyboardInterrupt
        return LOSS(logits, y)


class Float16Spy(nn.Module):
    """A small net that records the autocast state it runs under."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3)
        )
        self.seen = set()

    def forward(self, x):
        if self.training:
            enabled = torch.is_autocast_enabled("cpu")
            self.seen.add(torch.get_autocast_dtype("cpu") if enabled else None)
        return self.net(x)


def _run(loss_fn, checkpoint, amp=False, dataset=False):
    seed_everything(0)  # the notebook's visible seed, run again after a restart
    X, y = make_data(96)
    model = Float16Spy()  # dropout: the torch RNG must be restored
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    scalers = {}  # the gradient scaler's state after each epoch
    hooks = [lambda state: sched.step()]
    hooks.append(lambda state: scalers.update({state.epoch: state.scaler.state_dict()}))
    if checkpoint is not None:
        hooks.append(Checkpoint(checkpoint, sched))
    history = fit(
        model,
        TensorDataset(X[:64], y[:64]) if dataset else (X[:64], y[:64]),
        (X[64:], y[64:]),
        loss_fn=loss_fn,
        optimizer=opt,
        num_epochs=6,
        batch_size=16,
        metrics={"accuracy": accuracy},
        amp=amp,
        hooks=hooks,
        progress=False,
    )
    return model, history, scalers


def _same(a, b):
    (model_a, history_a, scalers_a), (model_b, history_b, scalers_b) = a, b
    assert all(scalers_a[epoch] == scalers_b[epoch] for epoch in scalers_b)
    for k, v in model_a.state_dict().items():
        assert torch.equal(v, model_b.state_dict()[k]), k
    for field in ("train_loss", "valid_loss", "train_metrics", "valid_metrics"):
        assert getattr(history_a, field) == getattr(history_b, field), field
    assert (history_a.lr, history_a.best_epoch) == (history_b.lr, history_b.best_epoch)


@pytest.mark.parametrize(
    "amp, dataset", [(False, False), ("float16", False), (False, True)]
)
def test_resume_after_interruption_matches_uninterrupted_run(tmp_path, amp, dataset):
    """Tensors on the device, or a Dataset through a DataLoader."""
    ref = _run(LOSS, None, amp, dataset)
    ckpt = tmp_path / "run.pt"
    with pytest.raises(KeyboardInterrupt):
        # 4 training steps and 1 validation call per epoch: epoch 4, step 2
        _run(Interrupt(at_step=5 * 3 + 2), ckpt, amp, dataset)
    saved = load_checkpoint(ckpt)
    assert saved["epoch"] == 3 and saved["version"] == VERSION
    assert saved["stateful"][0]["last_epoch"] == 3  # the scheduler's state
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pt"]  # no tmp file
    resumed = _run(LOSS, ckpt, amp, dataset)
    _same(ref, resumed)
    assert resumed[1].lr == [0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]
    # A finished run resumes to its end result without training.
    _same(ref, _run(Interrupt(at_step=1), ckpt, amp, dataset))


def test_float16_on_the_cpu_uses_autocast_and_a_gradient_scaler(tmp_path):
    """What a Colab T4 runs (float16 with gradient scaling), on the CPU."""
    model, history, scalers = _run(LOSS, tmp_path / "fp16.pt", amp="float16")
    assert scalers[6]["_growth_tracker"] == 6 * 4  # one step more each step
    assert model.seen == {torch.float16}
    scaler = load_checkpoint(tmp_path / "fp16.pt")["scaler"]
    assert scaler["scale"] > 0  # an enabled GradScaler saves its scale
    assert history.train_loss[-1] < 0.85 * history.train_loss[0]  # it learns
    model, *_ = _run(LOSS, tmp_path / "fp32.pt")
    assert model.seen == {None}  # float32: no autocast
    assert load_checkpoint(tmp_path / "fp32.pt")["scaler"] == {}  # disabled


def test_resume_prints_where_it_goes_on(tmp_path, capsys):
    ckpt = tmp_path / "run.pt"
    X, y = make_data(32)
    for num_epochs in (2, 3):
        seed_everything(0)
        fit(
            nn.Linear(8, 3),
            (X, y),
            loss_fn=LOSS,
            num_epochs=num_epochs,
            hooks=[Checkpoint(ckpt)],
            progress=False,
        )
    assert capsys.readouterr().out == f"Resuming from {ckpt} after epoch 2\n"


def test_an_early_stopped_run_stays_stopped(tmp_path):
    X, y = make_data(32)
    stop_at_2 = [lambda state: state.epoch == 2, Checkpoint(tmp_path / "run.pt")]
    for _ in range(2):
        h = fit(
            nn.Linear(8, 3),
            (X, y),
            loss_fn=LOSS,
            num_epochs=5,
            hooks=stop_at_2,
            progress=False,
        )
        assert len(h.train_loss) == 2 and h.stopped_early


@pytest.mark.parametrize(
    "content, found",
    [
        ({"model": {}}, "version None"),  # another program's file
        ({"version": 1, "epoch": 3}, "version 1"),  # an older Checkpoint
        ([1, 2, 3], "version None"),
        (b"not a checkpoint", "cannot read"),  # not even a torch file
    ],
)
def test_foreign_older_or_unreadable_checkpoint_is_refused(tmp_path, content, found):
    ckpt = tmp_path / "other.pt"
    if isinstance(content, bytes):
        ckpt.write_bytes(content)
    else:
        torch.save(content, ckpt)
        found = f"{found}, expected {VERSION}"
    with pytest.raises(TrainingError, match=found):
        load_checkpoint(ckpt)
    X, y = make_data(16)
    with pytest.raises(TrainingError, match="delete it"):
        fit(
            nn.Linear(8, 3),
            (X, y),
            loss_fn=LOSS,
            hooks=[Checkpoint(ckpt)],
            progress=False,
        )


def test_a_checkpoint_of_another_model_says_what_to_do(tmp_path):
    """Resuming a Checkpoint written by another model raised PyTorch's raw
    state-dict size mismatch."""
    X, y = make_data(16)
    ckpt = Checkpoint(tmp_path / "run.pt")
    fit(nn.Linear(8, 3), (X, y), loss_fn=LOSS, num_epochs=1, hooks=[ckpt],
        progress=False)
    wider = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    for model in (wider, nn.Linear(8, 3, bias=False)):
        with pytest.raises(TrainingError, match="written by another model") as info:
            fit(model, (X, y), loss_fn=LOSS, num_epochs=2, hooks=[ckpt],
                progress=False)
        assert "delete it" in str(info.value) and "run.pt" in str(info.value)
