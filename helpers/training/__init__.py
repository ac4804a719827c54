"""Training: :func:`fit` is the loop that ``01_background`` writes out in full
(read its body in ``loop.py``), plus what a long run needs, by concern:

- ``loop``: :func:`fit` and the :class:`History` it returns, the
  :class:`EpochState` that hooks receive; :func:`evaluate`, :func:`predict`,
  :func:`accuracy_of`.
- ``data``: :class:`TensorBatches` (tensors kept on the device: no
  DataLoader), or a DataLoader with pinned memory.
- ``device``: the model's device, a device check before the first step, the
  mixed-precision dtype (:func:`amp_dtype`, :func:`autocast_context`).
- ``checkpoint``: :class:`Checkpoint` and :func:`load_checkpoint`.
- ``distributed``: DDP, sharding, averages over ranks, rank 0's decisions.
- ``progress``: :class:`Progress` (a bar, a line per epoch, live curves).

``fit`` takes what the notebooks pass; optional machinery is switched on by
passing an object: ``progress=Progress(...)``; ``train=TensorBatches(...)`` or
a DataLoader (order, seed, workers); ``hooks=[...]``, plain callables called
after every epoch (``lambda state: scheduler.step()``, ``Checkpoint(path)``).
One more rule: a hook with a ``resume(state)`` method is called once before the
first epoch, which is how a ``Checkpoint`` resumes. Under ``torchrun``, ``fit``
uses ``distributed`` by itself.
"""

from .checkpoint import Checkpoint, load_checkpoint
from .data import TensorBatches
from .device import amp_dtype, autocast_context, check_devices, model_device
from .loop import EpochState, History, accuracy_of, evaluate, fit, predict
from .progress import Progress

__all__ = ["fit", "evaluate", "predict", "accuracy_of", "History", "EpochState"]
__all__ += ["Checkpoint", "load_checkpoint", "Progress", "TensorBatches"]
__all__ += ["amp_dtype", "autocast_context", "model_device", "check_devices"]
