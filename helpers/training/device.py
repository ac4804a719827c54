"""Where the model lives, and in which precision it runs."""

from contextlib import nullcontext

import torch
from torch import nn

from ..errors import ParameterError, TrainingError

_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16}


def model_device(model: nn.Module) -> torch.device:
    """The device of ``model``'s parameters and buffers (the CPU if it has none).

    Raises a :class:`ParameterError` if they are on several devices (naming
    which is where) or on 'meta'.
    """
    tensors = [*model.named_parameters(), *model.named_buffers()]
    where = {t.device: name for name, t in reversed(tensors)}  # the first name of each
    if len(where) > 1:
        parts = ", ".join(f"{name!r} on {dev}" for dev, name in where.items())
        raise ParameterError(f"the model is on several devices ({parts}); move "
                             "all of it with model.to(device)")
    device = next(iter(where), torch.device("cpu"))
    if device.type == "meta":
        raise ParameterError("the model is on the 'meta' device (shapes, no data): "
                             "create it on a real device, or to_empty() and initialise")
    return device


def check_devices(model: nn.Module, X: torch.Tensor | None = None) -> None:
    """Raise a :class:`TrainingError` naming both devices unless the batch ``X``
    and the plain tensor attributes of ``model``'s modules (``self.w = ...``,
    which ``model.to(device)`` does not move) are on the model's device.

    ``fit``, ``evaluate`` and ``predict`` call it before the first step.
    """
    device = model_device(model)
    if isinstance(X, torch.Tensor) and X.device != device:
        raise TrainingError(f"the batch is on {X.device}, the model is on {device}:"
                            " move both to one device (X.to(device), model.to(device))")
    for prefix, module in model.named_modules():
        for name, value in vars(module).items():
            if isinstance(value, torch.Tensor) and value.device != device:
                raise TrainingError(
                    f"the model is on {device}, its tensor {prefix or 'model'}."
                    f"{name} is on {value.device}: a plain attribute, which "
                    "model.to(device) does not move. Register it with "
                    f"self.register_buffer({name!r}, ...) or create it in "
                    "forward with device=x.device"
                )


def amp_dtype(device, amp: bool | str | torch.dtype = "auto") -> torch.dtype | None:
    """The mixed-precision dtype for ``device``, ``None`` for float32 (for ``fit``,
    ``evaluate``, ``predict`` and the benchmarks).

    Parameters
    ----------
    device : torch.device or str
    amp : {"auto", True, False, "bfloat16", "float16"} or torch.dtype
        ``"auto"``, ``True``: bfloat16 on CUDA GPUs that support it, float16 on
        older ones such as Colab's T4 (``fit`` adds gradient scaling), float32
        elsewhere. ``False``: float32. A dtype is used on any device.
    """
    if amp is False or amp is None:
        return None
    if amp is True or amp == "auto":
        if torch.device(device).type != "cuda":
            return None
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if amp in _DTYPES.values() or isinstance(amp, str) and amp in _DTYPES:
        return _DTYPES.get(amp, amp)
    raise ParameterError(
        f"amp must be 'auto', True, False, 'bfloat16' or 'float16', got {amp!r}"
    )


def autocast_context(device, dtype: torch.dtype | None):
    """``torch.autocast`` in ``dtype``, or ``nullcontext()`` for float32 (None), as
    ``fit`` and ``benchmarks/bench_training.py`` use it."""
    if dtype is None:
        return nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)
