"""The loop: ``fit`` and the ``History`` it returns; ``evaluate``, ``predict``."""

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import torch
from torch import nn

from ..errors import ParameterError, TrainingError
from ..metrics import IGNORE_INDEX, accuracy, check_class_axis
from ..validate import one_of, positive_int, positive_number
from .data import as_batches
from .device import amp_dtype, autocast_context, check_devices, model_device
from .distributed import broadcast, mean_over_ranks, rank_and_world_size, wrap
from .progress import as_progress

#: Steps between two looks at the loss values (each look waits for the GPU); the
#: training metrics are computed on the outputs of this many steps at a time.
SYNC_EVERY = 50
#: Which way is better, for the scores whose direction is known: a lower loss,
#: a higher accuracy. Any other ``monitor`` needs ``mode``.
DIRECTIONS = {"loss": "min", "accuracy": "max"}


@dataclass
class History:
    """What happened during :func:`fit`, one value per epoch (epochs from 1).

    Attributes
    ----------
    train_loss, valid_loss : list of float
        Mean loss per epoch (``valid_loss`` is empty without validation data).
    train_metrics, valid_metrics : dict of str to list of float
        Each metric per epoch, on the batches as trained and on ``valid``.
    lr, epoch_time : list of float
        The first parameter group's learning rate; wall time in seconds.
    monitor, mode : str
        What picks the best epoch (``"valid_accuracy"``), and whether lower
        (``"min"``) or higher (``"max"``) is better.
    best_epoch, best_value : int or None, float or None
        That epoch; its value.
    stopped_early : bool
        Early stopping or a hook ended training before ``num_epochs``.

    Returned by ``fit`` (from ``01_background`` on); ``plotting.plot_history``
    draws it.
    """

    train_loss: list[float] = field(default_factory=list)
    valid_loss: list[float] = field(default_factory=list)
    train_metrics: dict[str, list[float]] = field(default_factory=dict)
    valid_metrics: dict[str, list[float]] = field(default_factory=dict)
    lr: list[float] = field(default_factory=list)
    epoch_time: list[float] = field(default_factory=list)
    monitor: str = "valid_loss"
    mode: str = "min"
    best_epoch: int | None = None
    best_value: float | None = None
    stopped_early: bool = False

    def scores(self, split: str) -> dict[str, list[float]]:
        """``{"loss": [...], metric: [...]}`` of ``"train"`` or ``"valid"``."""
        losses = getattr(self, f"{split}_loss", None)
        return {"loss": losses, **getattr(self, f"{split}_metrics")} if losses else {}

    def value(self, name: str, epoch: int = -1) -> float:
        """``"<train|valid>_<loss|metric>"`` at ``epoch`` (from 1; default last)."""
        split, _, metric = name.partition("_")
        series = self.scores(split).get(metric) if split in ("train", "valid") else 0
        if not series:
            raise ParameterError(f"History has no values of {name!r}")
        return series[epoch - 1 if epoch > 0 else epoch]

    def append(self, split: str, scores: dict[str, float]) -> None:
        """Add one epoch's ``{"loss": ..., metric: ...}`` of ``split``."""
        getattr(self, f"{split}_loss").append(scores["loss"])
        for name, value in scores.items():
            if name != "loss":
                getattr(self, f"{split}_metrics").setdefault(name, []).append(value)

    def update_best(self, epoch: int) -> bool:
        """Note ``epoch`` as the best if it is the best so far by ``monitor``;
        return whether it was."""
        value, best = self.value(self.monitor), self.best_value
        sign = 1 if self.mode == "min" else -1
        if math.isnan(value) or best is not None and sign * value >= sign * best:
            return False
        self.best_epoch, self.best_value = epoch, value
        return True


@dataclass
class EpochState:
    """What a hook receives after every epoch (``epoch``: the one just done).

    A hook stops training by returning ``True`` or setting ``stop``. One with
    a ``resume(state)`` method (a ``Checkpoint``) is also called before the
    first epoch, and may load every field."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    history: History
    num_epochs: int
    scaler: torch.amp.GradScaler
    generator: torch.Generator | None = None  # of the training data's order
    epoch: int = 0
    stop: bool = False
    best_state: dict | None = None  # a copy of the best epoch's state_dict


def flatten_outputs(logits: torch.Tensor, y: torch.Tensor):
    """``logits (batch, frames, classes)``, ``y (batch, frames)`` as ``(batch *
    frames, classes)``, ``(batch * frames,)`` for the loss and the metrics;
    anything else unchanged.

    The class axis must be last. Outputs ``(batch, classes, frames)`` (the
    layout ``nn.CrossEntropyLoss`` takes, and a ``Conv1d``'s) are refused before
    the first step, saying which axis to move, and so is an output whose
    class axis cannot be told (``frames == classes``).
    """
    if logits.ndim > 2 and logits.ndim == y.ndim + 1:
        check_class_axis(tuple(logits.shape), tuple(y.shape), name="the model's output")
        if logits.shape[:-1] == y.shape:
            return logits.reshape(-1, logits.shape[-1]), y.reshape(-1)
    return logits, y


def _forward(net, X):
    """``net(X)``, with an error that names the batch when the model refuses it."""
    try:
        return net(X)
    except RuntimeError as err:
        if isinstance(err, (TrainingError, torch.cuda.OutOfMemoryError)):
            raise
        raise ParameterError(
            f"the model cannot take a batch X of shape {tuple(X.shape)} ({X.dtype}): "
            f"{str(err).rstrip('.')}. Check that X has the shape and dtype the "
            "model's first layer expects (nn.Linear: in_features as the last axis; "
            "nn.Conv2d: (batch, in_channels, height, width), e.g. X.unsqueeze(1) "
            "for one channel; float32 inputs)"
        ) from err


def _loss(loss_fn, logits, y):
    """``loss_fn(logits, y)``, with an error that names both when it fails."""
    try:
        return loss_fn(logits, y)
    except (RuntimeError, ValueError, IndexError) as err:
        if isinstance(err, (ParameterError, TrainingError,
                            torch.cuda.OutOfMemoryError)):
            raise
        raise ParameterError(
            f"loss_fn cannot compare the model's output of shape "
            f"{tuple(logits.shape)} ({logits.dtype}) with y of shape "
            f"{tuple(y.shape)} ({y.dtype}): {str(err).rstrip('.')}. Check that y "
            "holds what loss_fn expects: nn.CrossEntropyLoss takes (batch, classes) "
            "logits and int64 class ids 0 .. classes - 1 of shape (batch,); "
            "nn.BCEWithLogitsLoss and nn.MSELoss take float targets of the "
            "output's shape"
        ) from err


def _targets_counted(y: torch.Tensor, ignore_index: int) -> int:
    """How many targets of ``y`` a metric counts: padding is not; float targets
    (tags, regression) count one per row."""
    if torch.is_floating_point(y):
        return len(y)
    return int((y != ignore_index).sum())


class _Tally:
    """One epoch's losses and metrics, kept on the device: looked at every
    ``SYNC_EVERY`` steps only, so that the GPU never waits.

    The metrics are computed on the outputs of ``SYNC_EVERY`` steps at a time,
    which are then let go, so memory does not grow with the data; the epoch's
    value is the mean over these chunks weighted by the targets each counts
    (for accuracy, exactly the accuracy over the epoch).
    """

    def __init__(self, epoch: int, metrics: dict[str, Callable],
                 ignore_index: int = IGNORE_INDEX):
        self.epoch, self.metrics, self.ignore_index = epoch, metrics, ignore_index
        self.losses, self.sizes, self.outputs, self.checked = [], [], [], 0
        self.sums, self.counted = dict.fromkeys(metrics, 0.0), 0

    def add(self, loss, logits, y, batch_size: int) -> None:
        self.losses.append(loss.detach())
        self.sizes.append(batch_size)
        if self.metrics:
            self.outputs.append((logits.detach().float(), y))
        if len(self.losses) % SYNC_EVERY == 0:
            self._check_finite()
            self._score_outputs()

    def _score_outputs(self) -> None:
        """Add the metrics of the outputs kept since the last look, then drop them."""
        if not self.outputs:
            return
        logits = torch.cat([out for out, _ in self.outputs])
        y = torch.cat([y for _, y in self.outputs])
        self.outputs = []
        counted = _targets_counted(y, self.ignore_index)
        if counted:
            for name, metric in self.metrics.items():
                self.sums[name] += float(metric(y, logits)) * counted
            self.counted += counted

    def _check_finite(self) -> None:
        losses = torch.stack(self.losses[self.checked :]).float()
        bad = ~torch.isfinite(losses)
        if bool(bad.any()):  # the one wait for the GPU every SYNC_EVERY steps
            i = int(bad.nonzero()[0, 0])
            raise TrainingError(
                f"the loss became {losses[i].item()} at epoch {self.epoch}, step "
                f"{self.checked + i + 1}. Try a lower learning rate, gradient "
                "clipping (clip_grad_norm=1.0), or check the inputs for NaN."
            )
        self.checked = len(self.losses)

    def scores(self) -> dict[str, float]:
        """The epoch's mean loss (weighted by batch size) and metrics."""
        if not self.losses:
            raise ParameterError("train yielded no batch; is it empty?")
        self._check_finite()
        w = torch.tensor(self.sizes, dtype=torch.float32, device=self.losses[0].device)
        loss = float((torch.stack(self.losses).float() * w).sum() / w.sum())
        self._score_outputs()
        counted = self.counted or float("nan")  # no target counted: NaN, as accuracy
        return {"loss": loss} | {name: s / counted for name, s in self.sums.items()}


def _out_of_memory(where: str, batch_size: int) -> TrainingError:
    return TrainingError(
        f"CUDA ran out of memory at {where} with batch_size={batch_size}. "
        f"Try a smaller batch, e.g. batch_size={max(1, batch_size // 2)}, or a "
        "smaller model. (In a notebook, restart the kernel to free the memory.)"
    )


def _default_metrics(loss_fn) -> dict[str, Callable]:
    if isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)):
        return {"accuracy": partial(accuracy, ignore_index=loss_fn.ignore_index)}
    return {}


def _scores(logits, y, loss_fn, metrics) -> dict[str, float]:
    scores = {} if loss_fn is None else {"loss": float(_loss(loss_fn, logits, y))}
    return scores | {name: float(metric(y, logits)) for name, metric in metrics.items()}


@torch.no_grad()
def _outputs(model, batches, dtype, where: str, batch_size: int):
    """``(model(X) in float32, *rest)`` for each ``(X, *rest)``, in eval mode."""
    check_devices(model)
    was_training = model.training
    model.eval()
    try:
        for X, *rest in batches:
            with autocast_context(X.device, dtype):
                yield _forward(model, X).float(), *rest
    except torch.cuda.OutOfMemoryError as err:
        raise _out_of_memory(where, batch_size) from err
    finally:
        model.train(was_training)


def _evaluate(model, batches, loss_fn, metrics, dtype, batch_size: int):
    """Loss and metrics of ``model`` over all of ``batches``."""
    logits, targets = [], []
    for out, y in _outputs(model, batches, dtype, "evaluation", batch_size):
        out, y = flatten_outputs(out, y)
        logits.append(out)
        targets.append(y)
    return _scores(torch.cat(logits), torch.cat(targets), loss_fn, metrics)


def _check_fit_args(loss_fn, num_epochs, batch_size, patience, clip_grad_norm,
                    hooks) -> list:
    """Check fit's arguments; return ``hooks`` as a list (read once: a generator
    is not used up by the check)."""
    if not callable(loss_fn):
        raise ParameterError(f"loss_fn must be callable, got {loss_fn!r}")
    positive_int(num_epochs, "num_epochs")
    positive_int(batch_size, "batch_size")
    positive_int(patience, "patience", allow_none=True)
    if clip_grad_norm is not None:
        positive_number(clip_grad_norm, "clip_grad_norm")
    if callable(hooks) or isinstance(hooks, (str, bytes)):
        raise ParameterError(
            f"hooks must be a list of callables, got one {type(hooks).__name__}; "
            f"put it in a list: hooks=[{type(hooks).__name__}(...)]"
        )
    try:
        hooks = list(hooks)
    except TypeError as err:
        raise ParameterError(f"hooks must be a list of callables, got {hooks!r}"
                             ) from err
    if not all(callable(hook) for hook in hooks):
        raise ParameterError(f"hooks must be callables, got {hooks!r}")
    return hooks


def _monitor(monitor: str | None, mode: str | None, has_valid: bool, metrics):
    """``(monitor, mode)``: what picks the best epoch, and which way is better."""
    splits = ["train", "valid"] if has_valid else ["train"]
    names = [f"{split}_{m}" for split in splits for m in ["loss", *metrics]]
    monitor = monitor or ("valid_loss" if has_valid else "train_loss")
    if monitor not in names:
        hint = "" if has_valid else " (valid_* needs validation data)"
        raise ParameterError(f"monitor must be one of {names}, got {monitor!r}{hint}")
    if mode is None:
        mode = DIRECTIONS.get(monitor.partition("_")[2])
        if mode is None:
            raise ParameterError(
                f"fit cannot tell whether a higher {monitor} is better: pass "
                "mode='min' (lower is better, like a loss or an error) or "
                "mode='max' (higher is better, like an F1 score)"
            )
    return monitor, one_of(mode, "mode", ("min", "max"))


def fit(model: nn.Module, train, valid=None, *, loss_fn: Callable, optimizer=None,
        num_epochs=10, batch_size=64, metrics: Mapping[str, Callable] | None = None,
        monitor=None, mode=None, patience=None, clip_grad_norm=None, amp="auto",
        progress=True, hooks: Sequence[Callable] = ()) -> History:
    """Train ``model`` (on its device) in place; it ends with the best weights.

    Introduced in ``01_background``, which writes the same loop out in full.

    Parameters
    ----------
    model : nn.Module
    train, valid : (X, y) pair, Dataset, DataLoader or TensorBatches
        A pair of tensors or arrays is copied to the device once and sliced
        there, shuffled every epoch; a Dataset is read through a DataLoader
        with pinned memory. Batches are ``(X [shape=(batch, ...)], y)``.
        ``valid`` (optional) is evaluated after every epoch.
    loss_fn : callable
        ``loss_fn(logits, y) -> scalar``, after :func:`flatten_outputs` (the
        class axis of the model's output is last).
    optimizer : torch.optim.Optimizer, optional
        Default ``torch.optim.Adam(model.parameters(), lr=1e-3)``.
    num_epochs, batch_size : int > 0
        Epochs in all (a resumed run's included); examples per step.
    metrics : dict of str to callable, optional
        ``metric(y, logits) -> float`` on ``valid`` and on the trained batches
        (``SYNC_EVERY`` steps at a time, averaged); default accuracy for a
        cross-entropy ``loss_fn``.
    monitor : str, optional
        ``"valid_loss"`` (without ``valid``: ``"train_loss"``), or
        ``"<train|valid>_<metric>"``: picks the best epoch.
    mode : {"min", "max"}, optional
        Whether lower or higher ``monitor`` is better; known for the loss
        (``"min"``) and accuracy (``"max"``), required for any other metric.
    patience : int > 0, optional
        Stop after this many epochs without a better ``monitor``.
    clip_grad_norm : float > 0, optional
        Clip the global norm of the gradients to this value.
    amp : {"auto", True, False, "bfloat16", "float16"}
        Mixed precision (:func:`amp_dtype`); float32 on the CPU by default.
    progress : bool or Progress
        A bar, a line per epoch and live curves in Jupyter; or silent.
    hooks : sequence of callables
        ``hook(state: EpochState)`` after every epoch, in order; ``True``
        stops. E.g. ``lambda state: scheduler.step()``; :class:`Checkpoint`.

    Returns
    -------
    history : History

    Raises
    ------
    ParameterError
        Bad arguments, or a model spread over several devices.
    TrainingError
        A NaN or infinite loss (naming epoch and step), CUDA out of memory
        (suggesting a batch size), tensors on two devices (naming both).
    """
    hooks = _check_fit_args(loss_fn, num_epochs, batch_size, patience, clip_grad_norm,
                            hooks)
    device, (rank, _) = model_device(model), rank_and_world_size()
    metrics = _default_metrics(loss_fn) if metrics is None else dict(metrics)
    monitor, mode = _monitor(monitor, mode, valid is not None, metrics)
    history = History(monitor=monitor, mode=mode)
    dtype = amp_dtype(device, amp)  # None: float32, no autocast
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=1e-3)
    scaler = torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)
    batches = partial(as_batches, device=device, batch_size=batch_size)
    train = batches(train, name="train", train=True)  # shuffled (and sharded)
    valid = valid if valid is None else batches(valid, name="valid")
    state = EpochState(model, optimizer, history, num_epochs, scaler, train.generator)
    for hook in hooks:
        if hasattr(hook, "resume"):  # a Checkpoint loads its file into state
            hook.resume(state)
    net, history = wrap(model, device), state.history  # DDP under torchrun
    progress = as_progress(progress, enabled=rank == 0)
    try:
        for epoch in range(state.epoch + 1, num_epochs + 1):
            if state.stop:  # a resumed run that had stopped early
                break
            ignore = getattr(loss_fn, "ignore_index", IGNORE_INDEX)
            t0, tally = time.perf_counter(), _Tally(epoch, metrics, ignore)
            net.train()
            try:
                for X, y in progress.track(train, epoch, num_epochs):
                    if not tally.losses:
                        check_devices(model, X)  # before the first step
                    with autocast_context(device, dtype):  # nullcontext() in fp32
                        logits, target = flatten_outputs(_forward(net, X), y)
                        loss = _loss(loss_fn, logits, target)
                    optimizer.zero_grad(set_to_none=True)
                    scaler.scale(loss).backward()  # the scaler is off unless fp16
                    if clip_grad_norm is not None:
                        scaler.unscale_(optimizer)  # clip the true gradients
                        nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
                    scaler.step(optimizer)
                    scaler.update()
                    tally.add(loss, logits, target, len(X))
            except torch.cuda.OutOfMemoryError as err:
                where = f"epoch {epoch}, step {len(tally.losses) + 1}"
                raise _out_of_memory(where, batch_size) from err
            history.append("train", mean_over_ranks(tally.scores(), device))
            history.lr.append(float(optimizer.param_groups[0]["lr"]))
            if valid is not None:
                scores = _evaluate(model, valid, loss_fn, metrics, dtype, batch_size)
                history.append("valid", scores)
            history.epoch_time.append(time.perf_counter() - t0)
            if history.update_best(epoch):  # a new best: keep a copy of its weights
                state.best_state = {k: v.clone() for k, v in model.state_dict().items()}
            best, state.epoch = history.best_epoch or epoch, epoch
            state.stop = patience is not None and epoch - best >= patience
            for hook in hooks:
                state.stop = bool(hook(state)) or state.stop
            state.stop = broadcast(bool(state.stop))  # every rank stops together
            progress.epoch_end(history, epoch, num_epochs)
    finally:
        progress.close(history)
    history.stopped_early = state.stop and len(history.train_loss) < num_epochs
    if state.best_state is not None:
        model.load_state_dict(state.best_state)
    return history


def evaluate(model: nn.Module, data, *, loss_fn=None, metrics=None, batch_size=256,
             amp="auto") -> dict[str, float]:
    """Loss and metrics of ``model`` on ``data``, in ``eval()`` mode.

    No notebook calls it: ``docs/training.md`` scores a test set with it.

    Parameters
    ----------
    data : (X, y) pair, Dataset or DataLoader
        As ``valid`` in :func:`fit`, and so are the other arguments.

    Returns
    -------
    scores : dict of str to float
        ``"loss"`` (with ``loss_fn``: its mean over all examples) and one
        entry per metric.

    Raises
    ------
    ParameterError
        Without ``loss_fn`` and metrics: there would be nothing to compute
        (:func:`predict` gives the outputs).
    """
    device, batch_size = model_device(model), positive_int(batch_size, "batch_size")
    metrics = _default_metrics(loss_fn) if metrics is None else dict(metrics)
    if loss_fn is None and not metrics:
        raise ParameterError(
            "evaluate needs loss_fn or metrics (or both): without them there is "
            "nothing to compute; for the model's outputs, use predict(model, X)"
        )
    if loss_fn is not None and not callable(loss_fn):
        raise ParameterError(f"loss_fn must be callable, got {loss_fn!r}")
    batches = as_batches(data, name="data", device=device, batch_size=batch_size)
    dtype = amp_dtype(device, amp)
    return _evaluate(model, batches, loss_fn, metrics, dtype, batch_size)


def predict(model: nn.Module, X, *, batch_size: int = 256, amp="auto") -> torch.Tensor:
    """The model's outputs (logits) for inputs ``X``, in ``eval()`` mode.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    X : torch.Tensor or np.ndarray [shape=(n, ...)], or a DataLoader
        Inputs; a DataLoader may yield ``x`` or pairs ``(x, y)``.

    Returns
    -------
    logits : torch.Tensor [shape=(n, ...)], float32, on the CPU
    """
    device, batch_size = model_device(model), positive_int(batch_size, "batch_size")
    if isinstance(X, torch.utils.data.DataLoader):
        inputs = (b[0] if isinstance(b, (tuple, list)) else b for b in X)
    else:
        X = torch.as_tensor(X)
        if X.ndim == 0:
            raise ParameterError("X must have one row per example, got a scalar")
        inputs = (X[i : i + batch_size] for i in range(0, len(X), batch_size))
    inputs = ((xb.to(device, non_blocking=True),) for xb in inputs)
    outputs = _outputs(model, inputs, amp_dtype(device, amp), "prediction", batch_size)
    return torch.cat([out[0].cpu() for out in outputs])


def accuracy_of(model: nn.Module, X, y, *, batch_size: int = 256) -> float:
    """Accuracy of ``model`` on the examples ``(X, y)``: one number.

    Introduced in ``01_background``. The model runs in ``eval()`` mode (dropout
    off), in batches, and its highest-scoring class is compared with ``y``.

    Parameters
    ----------
    model : nn.Module
    X : torch.Tensor or np.ndarray [shape=(n, ...)]
        Inputs, on any device (moved to the model's).
    y : torch.Tensor or np.ndarray [shape=(n,) or (n, frames)], integer
        Target class ids; ``-100`` (padding) is not counted.
    batch_size : int > 0

    Returns
    -------
    accuracy : float
        In ``[0, 1]``.
    """
    return accuracy(torch.as_tensor(y).cpu(), predict(model, X, batch_size=batch_size))
