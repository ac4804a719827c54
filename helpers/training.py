"""The training loop of ``01_background``, packaged (used from ``02`` on).

Notebook 01 writes the loop out in full. From then on the notebooks call
:func:`fit`, which is the same loop::

    for epoch in range(1, num_epochs + 1):
        for X, y in train_batches:                # already on the device
            with autocast_context(device, dtype):  # nullcontext() on the CPU
                loss = loss_fn(model(X), y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()          # scaler is off unless float16
            scaler.step(optimizer)
            scaler.update()

plus what a long run needs: mixed precision on CUDA, gradient clipping, early
stopping that keeps the best weights, a learning-rate schedule, hooks, a
progress bar and a live plot, a checkpoint every epoch that a later call
resumes from, clear errors for NaN losses, out-of-memory and device mix-ups,
and DistributedDataParallel when run under ``torchrun``.

Data that fit in GPU memory are moved there once (:class:`TensorBatches`): no
DataLoader, no copy per step. Larger data come through a ``Dataset`` and a
``DataLoader`` with pinned memory and non-blocking copies.
"""

from __future__ import annotations

import math
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import NoReturn

import numpy as np
import torch
from torch import nn

from .errors import ParameterError, TrainingError
from .metrics import accuracy

__all__ = [
    "History",
    "EpochState",
    "TensorBatches",
    "amp_dtype",
    "autocast_context",
    "model_device",
    "flatten_outputs",
    "fit",
    "evaluate",
    "predict",
    "accuracy_of",
    "save_checkpoint",
    "load_checkpoint",
]

#: Steps between two looks at the loss values (each look waits for the GPU).
SYNC_EVERY = 50

_CHECKPOINT_VERSION = 1


# --------------------------------------------------------------------------- #
# What fit returns, and what hooks see                                          #
# --------------------------------------------------------------------------- #
@dataclass
class History:
    """What happened during :func:`fit`, one entry per epoch.

    Epochs are numbered from 1: ``train_loss[epoch - 1]`` is the mean training
    loss of ``epoch``. ``helpers.plotting.plot_history`` draws it.

    Attributes
    ----------
    train_loss, valid_loss : list of float
        Mean loss per epoch (``valid_loss`` empty without validation data).
    train_metrics, valid_metrics : dict of str to list of float
        One value per epoch for each metric (``train_metrics`` only with
        ``fit(..., train_metrics=True)``).
    lr : list of float
        Learning rate of the first parameter group during each epoch.
    epoch_time : list of float
        Wall time of each epoch in seconds (training and validation).
    monitor, mode : str
        The quantity that picks the best epoch, and ``"min"`` or ``"max"``.
    best_epoch : int or None
        Epoch (from 1) with the best ``monitor`` value so far.
    best_value : float or None
        That value.
    stopped_early : bool
        Whether early stopping or a hook ended training before ``num_epochs``.
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

    @property
    def epochs(self) -> list[int]:
        """Epoch numbers ``1 .. len(train_loss)``, for the x axis of a plot."""
        return list(range(1, len(self.train_loss) + 1))

    def value(self, name: str, epoch: int = -1) -> float:
        """``train_loss``, ``valid_loss``, ``valid_<metric>`` or ``train_<metric>``
        at ``epoch`` (from 1; default the last)."""
        series = self.series(name)
        return series[epoch - 1 if epoch > 0 else epoch]

    def series(self, name: str) -> list[float]:
        """All values of one monitored quantity, e.g. ``"valid_accuracy"``."""
        if name in ("train_loss", "valid_loss"):
            return getattr(self, name)
        split, _, metric = name.partition("_")
        table = {"train": self.train_metrics, "valid": self.valid_metrics}.get(split)
        if table is None or metric not in table:
            raise ParameterError(f"History has no series named {name!r}")
        return table[metric]


@dataclass
class EpochState:
    """What a hook receives at the end of each epoch.

    A hook is a plain callable ``hook(state)``; it stops training by setting
    ``state.stop = True`` or by returning ``True``.
    """

    epoch: int
    num_epochs: int
    model: nn.Module
    optimizer: torch.optim.Optimizer
    history: History
    stop: bool = False


# --------------------------------------------------------------------------- #
# Device and mixed precision                                                    #
# --------------------------------------------------------------------------- #
def model_device(model: nn.Module) -> torch.device:
    """The device that holds ``model``'s parameters and buffers.

    Raises
    ------
    ParameterError
        If they are spread over several devices, naming which is where.
    """
    where: dict[torch.device, str] = {}
    for name, t in [*model.named_parameters(), *model.named_buffers()]:
        where.setdefault(t.device, name)
    if len(where) > 1:
        parts = ", ".join(f"{name!r} on {dev}" for dev, name in where.items())
        raise ParameterError(
            f"the model is on several devices ({parts}); move all of it with "
            "model.to(device)"
        )
    if not where:
        return torch.device("cpu")
    device = next(iter(where))
    if device.type == "meta":
        raise ParameterError(
            "the model is on the 'meta' device (shapes, no data); create it on a "
            "real device or call model.to_empty(device=...) and initialise it"
        )
    return device


_DTYPES = {
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float16": torch.float16,
    "fp16": torch.float16,
}


def amp_dtype(device, amp: bool | str | torch.dtype = "auto") -> torch.dtype | None:
    """Choose the mixed-precision dtype for ``device``; ``None`` means float32.

    ``"auto"`` (or ``True``) uses bfloat16 on CUDA GPUs that support it
    (Ampere and newer), float16 with gradient scaling on older ones (Colab's
    T4), and plain float32 elsewhere (CPU, Apple MPS). ``False`` is float32;
    ``"bfloat16"`` or ``"float16"`` force that dtype on any device.

    Parameters
    ----------
    device : torch.device or str
    amp : bool, str or torch.dtype

    Returns
    -------
    dtype : torch.dtype or None
    """
    device = torch.device(device)
    if amp is False or amp is None:
        return None
    if amp is True or amp == "auto":
        if device.type != "cuda":
            return None
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if isinstance(amp, torch.dtype) and amp in (torch.bfloat16, torch.float16):
        return amp
    if isinstance(amp, str) and amp.lower() in _DTYPES:
        return _DTYPES[amp.lower()]
    raise ParameterError(
        f"amp must be 'auto', True, False, 'bfloat16' or 'float16', got {amp!r}"
    )


def autocast_context(device, dtype: torch.dtype | None):
    """``torch.autocast`` for mixed precision, ``nullcontext()`` for float32."""
    if dtype is None:
        return nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)


# --------------------------------------------------------------------------- #
# Data: device-resident tensors, or a DataLoader                                #
# --------------------------------------------------------------------------- #
class TensorBatches:
    """Mini-batches sliced from tensors that stay on the device.

    A dataset that fits in GPU memory is copied there once; each epoch draws a
    permutation and slices batches from it, with no DataLoader, no collation
    and no host-to-device copy per step. Under ``torch.distributed`` each rank
    takes every ``world_size``-th index of the same permutation.

    Parameters
    ----------
    X : torch.Tensor or np.ndarray [shape=(n, ...)]
        Inputs.
    y : torch.Tensor or np.ndarray [shape=(n, ...)]
        Targets.
    batch_size : int > 0
    device : torch.device or str
        Where the tensors live.
    shuffle : bool
        Draw a new order every epoch.
    generator : torch.Generator, optional
        CPU generator for the order (its state is saved in checkpoints).
    drop_last : bool
        Drop a last batch smaller than ``batch_size``.
    rank, world_size : int
        This process's shard when training on several processes.
    """

    def __init__(
        self,
        X,
        y,
        *,
        batch_size: int,
        device="cpu",
        shuffle: bool = False,
        generator: torch.Generator | None = None,
        drop_last: bool = False,
        rank: int = 0,
        world_size: int = 1,
    ):
        X, y = torch.as_tensor(X), torch.as_tensor(y)
        if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
            raise ParameterError(
                "X and y must have one row per example, got shapes "
                f"{tuple(X.shape)} and {tuple(y.shape)}"
            )
        if len(X) == 0:
            raise ParameterError("X and y are empty")
        _check_positive_int(batch_size, "batch_size")
        try:
            self.X, self.y = X.to(device), y.to(device)
        except torch.cuda.OutOfMemoryError as err:
            gib = (X.nbytes + y.nbytes) / 2**30
            raise TrainingError(
                f"the data ({gib:.2f} GiB) do not fit in the memory of {device}; "
                "pass a torch.utils.data.Dataset instead, which fit streams "
                "through a DataLoader"
            ) from err
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.generator = generator
        self.rank, self.world_size = rank, world_size

    def _indices(self) -> torch.Tensor:
        n = len(self.X)
        if self.shuffle:
            order = torch.randperm(n, generator=self.generator)
        else:
            order = torch.arange(n)
        if self.world_size > 1:
            # Pad by wrapping around so every rank runs the same number of steps
            # (as DistributedSampler does), then take this rank's stride.
            total = math.ceil(n / self.world_size) * self.world_size
            order = torch.cat([order, order[: total - n]])[self.rank :: self.world_size]
        return order.to(self.X.device)

    def __len__(self) -> int:
        n = math.ceil(len(self.X) / self.world_size)
        return (
            n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        )

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        if not self.shuffle and self.world_size == 1:
            index = None  # plain slices are views: no gather at all
        else:
            index = self._indices()
        n = len(self.X) if index is None else len(index)
        for i in range(len(self)):
            start, stop = i * self.batch_size, min((i + 1) * self.batch_size, n)
            if index is None:
                yield self.X[start:stop], self.y[start:stop]
            else:
                idx = index[start:stop]
                yield self.X[idx], self.y[idx]


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be a positive int, got {value!r}")
    if value <= 0:
        raise ParameterError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _to_device(batch, device: torch.device):
    """Move a batch (tensor, or tuple/list of tensors) with non-blocking copies."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, (tuple, list)):
        return type(batch)(_to_device(b, device) for b in batch)
    return batch


class _LoaderBatches:
    """A DataLoader whose batches are moved to the device as they come."""

    def __init__(self, loader: torch.utils.data.DataLoader, device: torch.device):
        self.loader, self.device = loader, device

    def __len__(self) -> int:
        return len(self.loader)

    def set_epoch(self, epoch: int) -> None:
        sampler = getattr(self.loader, "sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(epoch)

    def __iter__(self):
        for batch in self.loader:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise ParameterError(
                    "each batch must be a pair (X, y); the Dataset's items must "
                    "be pairs (x, y)"
                )
            yield _to_device(batch, self.device)


def _batches(
    data,
    *,
    name: str,
    device: torch.device,
    batch_size: int,
    shuffle: bool,
    generator: torch.Generator | None = None,
    drop_last: bool = False,
    num_workers: int = 0,
    rank: int = 0,
    world_size: int = 1,
):
    """Turn what the user passed as ``train``/``valid`` into batches on ``device``."""
    from torch.utils.data import DataLoader, Dataset, DistributedSampler

    if isinstance(data, (TensorBatches, _LoaderBatches)):
        return data
    if isinstance(data, (tuple, list)):
        if len(data) != 2:
            raise ParameterError(
                f"{name} must be a pair (X, y), a Dataset or a DataLoader; got a "
                f"{type(data).__name__} of length {len(data)}"
            )
        return TensorBatches(
            data[0],
            data[1],
            batch_size=batch_size,
            device=device,
            shuffle=shuffle,
            generator=generator,
            drop_last=drop_last,
            rank=rank,
            world_size=world_size,
        )
    if isinstance(data, DataLoader):
        if world_size > 1 and not isinstance(data.sampler, DistributedSampler):
            raise ParameterError(
                f"under torch.distributed, pass {name} as a Dataset (fit shards "
                "it) or as a DataLoader with a DistributedSampler"
            )
        return _LoaderBatches(data, device)
    if isinstance(data, Dataset):
        sampler = None
        if world_size > 1:
            seed = int(torch.randint(2**31, (1,), generator=generator).item())
            sampler = DistributedSampler(
                data, num_replicas=world_size, rank=rank, shuffle=shuffle, seed=seed
            )
        loader = DataLoader(
            data,
            batch_size=batch_size,
            shuffle=shuffle and sampler is None,
            sampler=sampler,
            generator=generator,
            drop_last=drop_last,
            num_workers=num_workers,
            persistent_workers=num_workers > 0,
            pin_memory=device.type == "cuda",  # lets .to(non_blocking=True) overlap
        )
        return _LoaderBatches(loader, device)
    raise ParameterError(
        f"{name} must be a pair (X, y) of tensors or arrays, a "
        f"torch.utils.data.Dataset or a DataLoader; got {type(data).__name__}"
    )


def flatten_outputs(logits: torch.Tensor, y: torch.Tensor):
    """Flatten a sequence model's output for the loss and the metrics.

    ``logits (batch, frames, classes)`` with ``y (batch, frames)`` become
    ``(batch * frames, classes)`` and ``(batch * frames,)``, which
    ``nn.CrossEntropyLoss`` (and its ``ignore_index`` for padding) expects.
    Anything else is returned unchanged: the class axis is taken to be last.
    """
    if logits.ndim > 2 and logits.ndim == y.ndim + 1 and logits.shape[:-1] == y.shape:
        return logits.reshape(-1, logits.shape[-1]), y.reshape(-1)
    return logits, y


# --------------------------------------------------------------------------- #
# Errors that users hit, in words                                               #
# --------------------------------------------------------------------------- #
_DEVICE_MIX = re.compile(r"same device|expected device|should be the same", re.I)


def _raise_explained(
    err: BaseException, *, where: str, batch_size: int, model: nn.Module, X
) -> NoReturn:
    """Raise a :class:`TrainingError` that explains ``err``, or ``err`` itself."""
    if isinstance(err, torch.cuda.OutOfMemoryError):
        smaller = max(1, batch_size // 2)
        raise TrainingError(
            f"CUDA ran out of memory at {where} with batch_size={batch_size}. "
            f"Try a smaller batch, e.g. batch_size={smaller}, or a smaller model. "
            "(In a notebook, restart the kernel to free the memory.)"
        ) from err
    if isinstance(err, RuntimeError) and _DEVICE_MIX.search(str(err)):
        devices = sorted({str(p.device) for p in model.parameters()}) or ["cpu"]
        batch = str(X.device) if isinstance(X, torch.Tensor) else "unknown"
        raise TrainingError(
            f"tensors on two devices at {where}: the model is on "
            f"{', '.join(devices)}, the batch is on {batch}. A tensor that the "
            "model creates or keeps as a plain attribute is probably elsewhere: "
            "create it with device=x.device, or register it with "
            f"self.register_buffer so that model.to(device) moves it. ({err})"
        ) from err
    raise err


def _check_finite(pending: list, *, epoch: int, first_step: int) -> None:
    """Raise if any of the pending per-step losses is NaN or infinite."""
    losses = torch.stack(pending).float()
    bad = ~torch.isfinite(losses)
    if bool(bad.any()):  # the one wait for the GPU every SYNC_EVERY steps
        i = int(bad.nonzero()[0, 0])
        value = losses[i].item()
        raise TrainingError(
            f"the loss became {value} at epoch {epoch}, step {first_step + i}. "
            "Try a lower learning rate, gradient clipping "
            "(clip_grad_norm=1.0), or check the inputs for NaN and infinity."
        )


# --------------------------------------------------------------------------- #
# evaluate and predict                                                          #
# --------------------------------------------------------------------------- #
def _default_metrics(loss_fn) -> dict[str, Callable]:
    if isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)):
        return {"accuracy": partial(accuracy, ignore_index=loss_fn.ignore_index)}
    return {}


@torch.no_grad()
def _outputs(model, batches, *, dtype, batch_size):
    """All logits and targets of ``batches``, flattened, on the device."""
    logits, targets = [], []
    X = None
    try:
        for X, y in batches:
            with autocast_context(X.device, dtype):
                out = model(X)
            out, y = flatten_outputs(out.float(), y)
            logits.append(out)
            targets.append(y)
    except RuntimeError as err:
        _raise_explained(
            err, where="evaluation", batch_size=batch_size, model=model, X=X
        )
    return torch.cat(logits), torch.cat(targets)


def _scores(logits, y, *, loss_fn, metrics, prefix: str = "") -> dict[str, float]:
    scores = {}
    if loss_fn is not None:
        scores[f"{prefix}loss"] = float(loss_fn(logits, y))
    for name, metric in metrics.items():
        scores[f"{prefix}{name}"] = float(metric(y, logits))
    return scores


def evaluate(
    model: nn.Module,
    data,
    *,
    loss_fn: Callable | None = None,
    metrics: Mapping[str, Callable] | None = None,
    batch_size: int = 256,
    amp: bool | str = "auto",
) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``data``, without training.

    Introduced in ``01_background``. The model is put in ``eval()`` mode (dropout
    off, batch-norm statistics frozen) and restored to its mode afterwards.

    Parameters
    ----------
    model : nn.Module
    data : (X, y) tuple of tensors or arrays, Dataset or DataLoader
        Moved to the model's device batch by batch (or at once for tensors).
    loss_fn : callable, optional
        ``loss_fn(logits, y)``; its mean over all examples is ``"loss"``.
    metrics : dict of str to callable, optional
        ``metric(y_true, logits) -> float``; default accuracy when ``loss_fn``
        is a cross-entropy loss.
    batch_size : int > 0
    amp : bool or str
        Mixed precision, as in :func:`amp_dtype`.

    Returns
    -------
    scores : dict of str to float
        ``"loss"`` (when ``loss_fn`` is given) and one entry per metric.
    """
    device = model_device(model)
    _check_positive_int(batch_size, "batch_size")
    if metrics is None:
        metrics = _default_metrics(loss_fn)
    batches = _batches(
        data, name="data", device=device, batch_size=batch_size, shuffle=False
    )
    was_training = model.training
    model.eval()
    try:
        logits, y = _outputs(
            model, batches, dtype=amp_dtype(device, amp), batch_size=batch_size
        )
        return _scores(logits, y, loss_fn=loss_fn, metrics=dict(metrics))
    finally:
        model.train(was_training)


@torch.no_grad()
def predict(
    model: nn.Module, X, *, batch_size: int = 256, amp: bool | str = "auto"
) -> torch.Tensor:
    """The model's outputs (logits) for inputs ``X``, in batches, on the CPU.

    Introduced in ``01_background``.

    Parameters
    ----------
    model : nn.Module
    X : torch.Tensor or np.ndarray [shape=(n, ...)], or a DataLoader
        Inputs; a DataLoader may yield ``x`` or pairs ``(x, y)``.
    batch_size : int > 0
    amp : bool or str
        Mixed precision, as in :func:`amp_dtype`.

    Returns
    -------
    logits : torch.Tensor [shape=(n, ...)], float32, on the CPU
    """
    from torch.utils.data import DataLoader

    device = model_device(model)
    _check_positive_int(batch_size, "batch_size")
    dtype = amp_dtype(device, amp)
    if isinstance(X, DataLoader):
        inputs = (b[0] if isinstance(b, (tuple, list)) else b for b in X)
    else:
        X = torch.as_tensor(X)
        if X.ndim == 0:
            raise ParameterError("X must have one row per example, got a scalar")
        inputs = (X[i : i + batch_size] for i in range(0, len(X), batch_size))
    was_training = model.training
    model.eval()
    outputs = []
    try:
        for xb in inputs:
            xb = xb.to(device, non_blocking=True)
            with autocast_context(device, dtype):
                outputs.append(model(xb).float().cpu())
    except RuntimeError as err:
        _raise_explained(
            err, where="prediction", batch_size=batch_size, model=model, X=xb
        )
    finally:
        model.train(was_training)
    return torch.cat(outputs)


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


# --------------------------------------------------------------------------- #
# Checkpoints                                                                   #
# --------------------------------------------------------------------------- #
def _rng_states(generator: torch.Generator) -> dict:
    # NumPy's state is stored as plain lists so that torch.load(weights_only=True)
    # can read the file back.
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": (kind, keys.tolist(), pos, has_gauss, gauss),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "shuffle": generator.get_state(),
    }


def _set_rng_states(states: dict, generator: torch.Generator) -> None:
    random.setstate(states["python"])
    kind, keys, pos, has_gauss, gauss = states["numpy"]
    np.random.set_state(
        (kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, gauss)
    )
    torch.set_rng_state(states["torch"].cpu())
    if states["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([t.cpu() for t in states["cuda"]])
    generator.set_state(states["shuffle"].cpu())


def save_checkpoint(path, state: dict) -> Path:
    """Write ``state`` with ``torch.save`` atomically.

    The file is written next to ``path`` and then renamed over it, so a run
    killed mid-write (a Colab session that disconnects) leaves the previous
    checkpoint intact, never half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def load_checkpoint(path, *, map_location="cpu") -> dict:
    """Read a checkpoint written by :func:`fit` (tensors, numbers and strings)."""
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise TrainingError(
            f"cannot read the checkpoint {str(path)!r} ({err}); delete it to "
            "start training from scratch"
        ) from err


def _state_dict_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# --------------------------------------------------------------------------- #
# Progress: bars, printed lines, a live plot                                    #
# --------------------------------------------------------------------------- #
def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class _Reporter:
    """Shows progress where the user is looking.

    - Jupyter: a progress bar per epoch (removed when the epoch ends), one
      line per epoch, and a figure of the curves redrawn every epoch.
    - Jupyter run headless (``MIRDL_STATIC=1``, e.g. by nbclient in CI): one
      line per epoch and the final figure once, no bars.
    - A terminal: a bar if stderr is a terminal, one line per epoch. Logs get
      the lines only.
    """

    def __init__(self, *, progress: bool, live_plot, enabled: bool):
        from .env import static_widgets

        notebook = _in_notebook()
        static = static_widgets()
        self.print_lines = progress and enabled
        self.bars = (
            self.print_lines and not static and (notebook or sys.stderr.isatty())
        )
        if live_plot == "auto":
            live_plot = notebook
        self.plot = bool(live_plot) and enabled and notebook
        self.live = self.plot and not static
        self.fig = self.handle = None

    def bar(self, epoch: int, num_epochs: int, total: int):
        if not self.bars:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=total, desc=f"epoch {epoch}/{num_epochs}", leave=False)

    def epoch_end(self, history: History, epoch: int, num_epochs: int, secs: float):
        if self.live:  # the figure first, so that the lines collect below it
            self._draw(history)
        if self.print_lines:
            parts = [f"epoch {epoch:>{len(str(num_epochs))}}/{num_epochs}"]
            parts.append(f"train_loss {history.train_loss[-1]:.4f}")
            for k, v in history.train_metrics.items():
                parts.append(f"train_{k} {v[-1]:.4f}")
            if history.valid_loss:
                parts.append(f"valid_loss {history.valid_loss[-1]:.4f}")
            for k, v in history.valid_metrics.items():
                parts.append(f"valid_{k} {v[-1]:.4f}")
            parts.append(f"{secs:.1f} s" if secs >= 1 else f"{1000 * secs:.0f} ms")
            best = " *" if history.best_epoch == epoch else ""
            print(" | ".join(parts) + best, flush=True)

    def _draw(self, history: History) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .plotting import plot_history

        if self.fig is None:
            self.fig = plt.figure(figsize=(7, 3))
        self.fig.clf()  # plot_history adds a twin axis: start afresh each epoch
        plot_history(history, ax=self.fig.add_subplot())
        self.fig.tight_layout()
        if self.handle is None:
            self.handle = display(self.fig, display_id=True)
        else:
            self.handle.update(self.fig)

    def close(self, history: History) -> None:
        if not self.plot or not history.train_loss:
            return
        if not self.live:  # headless notebook: the final curves, once
            self._draw(history)
        if self.fig is not None:
            import matplotlib.pyplot as plt

            plt.close(self.fig)  # else the inline backend draws it a second time


# --------------------------------------------------------------------------- #
# Several processes (torchrun)                                                  #
# --------------------------------------------------------------------------- #
def _dist():
    """``(rank, world_size)``, ``(0, 1)`` outside ``torch.distributed``."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _broadcast(value, world_size: int):
    """Rank 0's ``value`` on every rank (a seed, a stop decision)."""
    if world_size == 1:
        return value
    import torch.distributed as dist

    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def _mean_over_ranks(value: torch.Tensor, world_size: int) -> torch.Tensor:
    if world_size == 1:
        return value
    import torch.distributed as dist

    value = value.clone()
    dist.all_reduce(value)  # SUM: the gloo backend has no AVG
    return value / world_size


# --------------------------------------------------------------------------- #
# fit                                                                           #
# --------------------------------------------------------------------------- #
def _resolve_monitor(monitor, mode, *, has_valid, metric_names, train_metrics):
    names = ["train_loss"]
    if train_metrics:
        names += [f"train_{m}" for m in metric_names]
    if has_valid:
        names += ["valid_loss"] + [f"valid_{m}" for m in metric_names]
    if monitor is None:
        monitor = "valid_loss" if has_valid else "train_loss"
    if monitor not in names:
        raise ParameterError(
            f"monitor must be one of {names}, got {monitor!r}"
            + ("" if has_valid else " (valid_* needs validation data)")
        )
    if mode == "auto":
        mode = "min" if monitor.endswith("loss") else "max"
    if mode not in ("min", "max"):
        raise ParameterError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    return monitor, mode


def _check_fit_args(*, num_epochs, batch_size, patience, clip_grad_norm, hooks):
    _check_positive_int(num_epochs, "num_epochs")
    _check_positive_int(batch_size, "batch_size")
    if patience is not None:
        _check_positive_int(patience, "patience")
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ParameterError(f"clip_grad_norm must be > 0, got {clip_grad_norm!r}")
    for hook in hooks:
        if not callable(hook):
            raise ParameterError(f"hooks must be callables, got {hook!r}")


def _improved(value: float, best: float | None, mode: str) -> bool:
    if math.isnan(value):
        return False
    return best is None or (value < best if mode == "min" else value > best)


def _step_scheduler(scheduler, history: History, epoch: int, optimizer) -> None:
    if scheduler is None:
        return
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(history.value(history.monitor))
    elif hasattr(scheduler, "step"):
        scheduler.step()
    else:  # a plain callable(epoch, history) -> new lr or None
        lr = scheduler(epoch, history)
        if lr is not None:
            for group in optimizer.param_groups:
                group["lr"] = float(lr)


def _append(table: dict[str, list[float]], scores: dict[str, float]) -> None:
    for name, value in scores.items():
        table.setdefault(name, []).append(value)


def _checkpoint_state(
    epoch, model, optimizer, scaler, scheduler, history, best_state, generator
) -> dict:
    return {
        "version": _CHECKPOINT_VERSION,
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scaler": scaler.state_dict(),
        "scheduler": (
            scheduler.state_dict() if hasattr(scheduler, "state_dict") else None
        ),
        "history": asdict(history),
        "best_state": best_state,
        "rng": _rng_states(generator),
    }


def _train_step(X, y, *, net, loss_fn, optimizer, scaler, dtype, clip_grad_norm):
    """One optimisation step: the body of the loop of ``01_background``."""
    with autocast_context(X.device, dtype):  # nullcontext() in float32
        logits, y = flatten_outputs(net(X), y)
        loss = loss_fn(logits, y)
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()  # the scaler is a no-op unless float16
    if clip_grad_norm is not None:
        scaler.unscale_(optimizer)  # clip the true gradients, not scaled ones
        params = [p for group in optimizer.param_groups for p in group["params"]]
        nn.utils.clip_grad_norm_(params, clip_grad_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach(), logits.detach(), y


def _train_epoch(step, batches, *, epoch: int, batch_size: int, bar, keep: bool):
    """Run ``step`` over one epoch of ``batches``.

    Returns the mean loss (a tensor on the device, weighted by batch size) and,
    if ``keep``, the epoch's logits and targets. Loss values are looked at only
    every ``SYNC_EVERY`` steps, so the GPU never waits for Python.
    """
    if hasattr(batches, "set_epoch"):
        batches.set_epoch(epoch)  # a DistributedSampler reshuffles per epoch
    losses, sizes, outs, checked = [], [], [], 0
    i, X = 0, None
    try:
        for i, (X, y) in enumerate(batches, start=1):
            loss, logits, target = step(X, y)
            losses.append(loss)
            sizes.append(len(y))
            if keep:
                outs.append((logits.float(), target))
            if i % SYNC_EVERY == 0:
                _check_finite(losses[checked:], epoch=epoch, first_step=checked + 1)
                checked = i
            if bar is not None:
                bar.update()
    except RuntimeError as err:
        net = step.keywords["net"]
        model = getattr(net, "module", net)
        _raise_explained(
            err,
            where=f"epoch {epoch}, step {i}",
            batch_size=batch_size,
            model=model,
            X=X,
        )
    finally:
        if bar is not None:
            bar.close()
    if not losses:
        raise ParameterError("train yielded no batch; is it empty?")
    if checked < len(losses):
        _check_finite(losses[checked:], epoch=epoch, first_step=checked + 1)
    w = torch.tensor(sizes, dtype=torch.float32, device=losses[0].device)
    mean = (torch.stack(losses).float() * w).sum() / w.sum()
    if not keep:
        return mean, None
    return mean, (torch.cat([o for o, _ in outs]), torch.cat([t for _, t in outs]))


def fit(
    model: nn.Module,
    train,
    valid=None,
    *,
    loss_fn: Callable,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    num_epochs: int = 10,
    batch_size: int = 64,
    metrics: Mapping[str, Callable] | None = None,
    train_metrics: bool = False,
    monitor: str | None = None,
    mode: str = "auto",
    patience: int | None = None,
    restore_best: bool = True,
    clip_grad_norm: float | None = None,
    scheduler=None,
    amp: bool | str = "auto",
    checkpoint: str | os.PathLike | None = None,
    hooks: Sequence[Callable[[EpochState], bool | None]] = (),
    progress: bool = True,
    live_plot: bool | str = "auto",
    shuffle: bool = True,
    seed: int | None = None,
    drop_last: bool = False,
    num_workers: int = 0,
) -> History:
    """Train ``model`` in place; the loop of ``01_background``, packaged.

    The device is the model's: move the model first (``model.to(device)``).
    Under ``torchrun`` (``torch.distributed`` initialised), the model is
    wrapped in DistributedDataParallel, each process trains on its shard of
    ``train``, and only rank 0 prints, plots and writes the checkpoint.

    Parameters
    ----------
    model : nn.Module
        Trained in place; ends with the best weights if ``restore_best``.
    train : (X, y) pair of tensors or arrays, Dataset or DataLoader
        A pair is copied to the model's device once and sliced there (fast for
        data that fit in GPU memory); a Dataset is read through a DataLoader
        with pinned memory and non-blocking copies. Items/batches are
        ``(X, y)`` with ``X [shape=(batch, ...)]``.
    valid : same kinds as ``train``, optional
        Evaluated after every epoch (on every rank, in full).
    loss_fn : callable
        ``loss_fn(logits, y) -> scalar tensor``. Sequence outputs
        ``(batch, frames, classes)`` with targets ``(batch, frames)`` are
        flattened first (see :func:`flatten_outputs`).
    optimizer : torch.optim.Optimizer, optional
        Default ``torch.optim.Adam(model.parameters(), lr=lr)``.
    lr : float
        Learning rate of the default optimizer.
    num_epochs : int > 0
        Total epochs, counting those of a resumed checkpoint.
    batch_size : int > 0
        Per process under ``torchrun``.
    metrics : dict of str to callable, optional
        ``metric(y_true, logits) -> float`` on the whole validation set, e.g.
        :func:`helpers.metrics.accuracy`. Default: accuracy for
        ``nn.CrossEntropyLoss``/``nn.NLLLoss``, else none.
    train_metrics : bool
        Also compute the metrics on the training batches of each epoch.
    monitor : str, optional
        ``"valid_loss"`` (default with ``valid``), ``"train_loss"``,
        ``"valid_<metric>"`` or ``"train_<metric>"``: picks the best epoch.
    mode : {"auto", "min", "max"}
        Whether lower or higher ``monitor`` is better; ``"auto"``: lower for
        losses, higher for metrics.
    patience : int > 0, optional
        Stop after this many epochs without improvement of ``monitor``.
    restore_best : bool
        End with the weights of the best epoch (else those of the last).
    clip_grad_norm : float > 0, optional
        Clip the global gradient norm to this value.
    scheduler : optional
        A ``torch.optim.lr_scheduler`` built on ``optimizer`` and stepped once
        per epoch (``ReduceLROnPlateau`` gets the ``monitor`` value), or a plain
        callable ``scheduler(epoch, history) -> lr or None``.
    amp : {"auto", True, False, "bfloat16", "float16"}
        Mixed precision (see :func:`amp_dtype`): bfloat16 on recent GPUs,
        float16 with gradient scaling on older ones, float32 on the CPU.
    checkpoint : path, optional
        Saved atomically after every epoch; if it exists, training resumes from
        it and ends as an uninterrupted run would.
    hooks : sequence of callables
        ``hook(state: EpochState)`` after every epoch; return ``True`` (or set
        ``state.stop``) to stop.
    progress : bool
        Progress bar and one printed line per epoch.
    live_plot : {"auto", True, False}
        Curves redrawn every epoch in Jupyter (the final figure only when run
        headless with ``MIRDL_STATIC=1``); ``"auto"``: in Jupyter only.
    shuffle : bool
        New order of the training examples every epoch.
    seed : int, optional
        Seed of the shuffling order; default drawn from ``torch``'s global
        generator, so ``seed_everything`` makes runs repeatable.
    drop_last : bool
        Drop the last, smaller training batch.
    num_workers : int
        DataLoader worker processes when ``train`` is a Dataset.

    Returns
    -------
    history : History

    Raises
    ------
    ParameterError
        Bad arguments, or a model spread over several devices.
    TrainingError
        NaN or infinite loss (with epoch and step), CUDA out of memory (with a
        smaller batch size to try), tensors on two devices (which is where).
    """
    _check_fit_args(
        num_epochs=num_epochs,
        batch_size=batch_size,
        patience=patience,
        clip_grad_norm=clip_grad_norm,
        hooks=hooks,
    )
    if not callable(loss_fn):
        raise ParameterError(f"loss_fn must be callable, got {loss_fn!r}")
    device = model_device(model)
    rank, world_size = _dist()
    metrics = _default_metrics(loss_fn) if metrics is None else dict(metrics)
    monitor, mode = _resolve_monitor(
        monitor,
        mode,
        has_valid=valid is not None,
        metric_names=list(metrics),
        train_metrics=train_metrics,
    )
    dtype = amp_dtype(device, amp)
    if optimizer is None:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scaler = torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)
    if seed is None:  # from the global generator, the same on every rank
        seed = _broadcast(int(torch.randint(2**62, (1,)).item()), world_size)
    generator = torch.Generator().manual_seed(seed)
    common = dict(device=device, batch_size=batch_size, num_workers=num_workers)
    train_batches = _batches(
        train,
        name="train",
        shuffle=shuffle,
        generator=generator,
        drop_last=drop_last,
        rank=rank,
        world_size=world_size,
        **common,
    )
    valid_batches = None
    if valid is not None:
        valid_batches = _batches(valid, name="valid", shuffle=False, **common)
    history, best_state, start = History(monitor=monitor, mode=mode), None, 1
    if checkpoint is not None and Path(checkpoint).exists():
        # On the CPU: random-generator states must stay there; load_state_dict
        # copies the rest to the model's device.
        state = load_checkpoint(checkpoint, map_location="cpu")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        if state["scheduler"] is not None and hasattr(scheduler, "load_state_dict"):
            scheduler.load_state_dict(state["scheduler"])
        history = History(**state["history"])
        best_state = state["best_state"]
        _set_rng_states(state["rng"], generator)
        start = state["epoch"] + 1
        if rank == 0 and progress and start <= num_epochs:
            print(f"Resuming from {checkpoint} after epoch {state['epoch']}")

    net = model
    if world_size > 1:  # after loading: DDP broadcasts rank 0's weights
        from torch.nn.parallel import DistributedDataParallel

        ids = None
        if device.type == "cuda":
            ids = [
                torch.cuda.current_device() if device.index is None else device.index
            ]
        net = DistributedDataParallel(model, device_ids=ids)

    report = _Reporter(progress=progress, live_plot=live_plot, enabled=rank == 0)
    step = partial(
        _train_step,
        net=net,
        loss_fn=loss_fn,
        optimizer=optimizer,
        scaler=scaler,
        dtype=dtype,
        clip_grad_norm=clip_grad_norm,
    )
    try:
        for epoch in range(start, num_epochs + 1):
            if history.stopped_early:
                break
            t0 = time.perf_counter()
            net.train()
            bar = report.bar(epoch, num_epochs, len(train_batches))
            train_loss, outs = _train_epoch(
                step,
                train_batches,
                epoch=epoch,
                batch_size=batch_size,
                bar=bar,
                keep=train_metrics,
            )
            history.train_loss.append(float(_mean_over_ranks(train_loss, world_size)))
            history.lr.append(float(optimizer.param_groups[0]["lr"]))
            if train_metrics:
                scores = _scores(*outs, loss_fn=None, metrics=metrics)
                _append(history.train_metrics, scores)
            if valid_batches is not None:
                model.eval()
                outs = _outputs(
                    model, valid_batches, dtype=dtype, batch_size=batch_size
                )
                scores = _scores(*outs, loss_fn=loss_fn, metrics=metrics)
                history.valid_loss.append(scores.pop("loss"))
                _append(history.valid_metrics, scores)
            history.epoch_time.append(time.perf_counter() - t0)

            if _improved(history.value(monitor), history.best_value, mode):
                history.best_epoch, history.best_value = epoch, history.value(monitor)
                if restore_best:
                    best_state = _state_dict_copy(model)
            _step_scheduler(scheduler, history, epoch, optimizer)
            state = EpochState(epoch, num_epochs, model, optimizer, history)
            stop = any([bool(hook(state)) for hook in hooks]) or state.stop
            if patience is not None and history.best_epoch is not None:
                stop = stop or epoch - history.best_epoch >= patience
            stop = _broadcast(stop, world_size)  # all ranks stop together
            history.stopped_early = bool(stop) and epoch < num_epochs
            if checkpoint is not None and rank == 0:
                save_checkpoint(
                    checkpoint,
                    _checkpoint_state(
                        epoch,
                        model,
                        optimizer,
                        scaler,
                        scheduler,
                        history,
                        best_state,
                        generator,
                    ),
                )
            report.epoch_end(history, epoch, num_epochs, history.epoch_time[-1])
            if stop:
                break
    finally:
        report.close(history)
    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
    return history
