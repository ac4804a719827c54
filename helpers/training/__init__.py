"""Training: the loop of ``01_background``, packaged as :func:`fit`.

Notebook 01 writes the loop out in full; :func:`fit` is the same loop (read
its body in ``loop.py``: forward under autocast, backward, clip, step), plus
what a long run needs. The package is split by concern:

- ``loop``: :func:`fit`, :func:`evaluate`, :func:`predict`,
  :func:`accuracy_of`, the :class:`History` that ``fit`` returns, the
  :class:`EpochState` that hooks receive, and :class:`Schedule`.
- ``data``: :class:`TensorBatches` (tensors kept on the device, sliced each
  epoch: no DataLoader) and DataLoaders with pinned memory.
- ``device``: the model's device, the device check before the first step,
  the mixed-precision dtype (:func:`amp_dtype`, :func:`autocast_context`).
- ``checkpoint``: :class:`Checkpoint`, :func:`load_checkpoint`.
- ``distributed``: DDP wrapping, sharding, averaging over ranks, broadcasts.
- ``progress``: :class:`Progress` (bar, epoch lines, live curves).

``fit`` takes what the notebooks pass. Optional machinery is switched on by
passing an object or a hook, never by more keywords: ``progress=`` a
:class:`Progress`; ``train=`` a :class:`TensorBatches` or a DataLoader (to
choose the order, workers, ``drop_last``); ``hooks=[...]``, plain callables
``hook(state)`` called after every epoch, e.g. :class:`Schedule` for a
learning-rate scheduler and :class:`Checkpoint`. One extra rule: a hook with a
``resume(state)`` method is called once before the first epoch (that is how a
``Checkpoint`` resumes), and a ``Checkpoint`` saves the ``state_dict()`` of
every hook that has one. Several processes need nothing: under ``torchrun``
``fit`` uses ``distributed`` by itself.
"""

from .checkpoint import Checkpoint, load_checkpoint
from .data import TensorBatches
from .device import amp_dtype, autocast_context, check_devices, model_device
from .loop import EpochState, History, accuracy_of, evaluate, fit, flatten_outputs, predict
from .progress import Progress

__all__ = ["fit", "evaluate", "predict", "accuracy_of", "History", "EpochState"]
__all__ += ["Checkpoint", "load_checkpoint", "Progress", "TensorBatches"]
__all__ += ["flatten_outputs", "amp_dtype", "autocast_context", "model_device"]
__all__ += ["check_devices"]
