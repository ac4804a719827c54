"""Mini-batches on the model's device: from tensors kept there, or a DataLoader."""

import math

import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from ..errors import ParameterError, TrainingError
from ..validate import positive_int
from .distributed import broadcast, rank_and_world_size, shard


def _generator(seed: int | None = None) -> torch.Generator:
    # By default seeded from torch's generator (seed_everything fixes it), rank 0's
    if seed is None:
        seed = broadcast(int(torch.randint(2**62, (1,)).item()))
    return torch.Generator().manual_seed(seed)


class TensorBatches:
    """Mini-batches sliced from tensors that stay on the device.

    Data that fit in GPU memory are copied there once and sliced in a new order
    each epoch: no DataLoader, no copy per step. ``fit`` makes one of a pair
    ``(X, y)``; pass your own as ``train`` to choose the order.

    Parameters
    ----------
    X, y : torch.Tensor or np.ndarray [shape=(n, ...)]
        Inputs and targets, one row per example.
    batch_size : int > 0
    shuffle, seed : bool, int or None
        A new order every epoch, from ``seed`` (default: torch's generator).
    drop_last : bool
        Drop a last batch smaller than ``batch_size``.

    Not used by the notebooks, which pass pairs; the benchmarks use it.
    """

    def __init__(self, X, y, *, batch_size=64, shuffle=True, seed=None,
                 drop_last=False):
        self.X, self.y = torch.as_tensor(X), torch.as_tensor(y)
        if self.X.ndim == 0 or self.y.ndim == 0 or len(self.X) != len(self.y):
            raise ParameterError("X and y must have one row per example, got shapes "
                                 f"{tuple(self.X.shape)} and {tuple(self.y.shape)}")
        if len(self.X) == 0:
            raise ParameterError("X and y are empty")
        self.batch_size = positive_int(batch_size, "batch_size")
        self.shuffle, self.drop_last, self.world_size = shuffle, drop_last, 1
        self.generator = _generator(seed) if shuffle else None

    def to(self, device, *, shard: bool = False) -> "TensorBatches":
        """Move the tensors to ``device``; ``shard``: one share per rank."""
        try:
            self.X, self.y = self.X.to(device), self.y.to(device)
        except torch.cuda.OutOfMemoryError as err:
            gib = (self.X.nbytes + self.y.nbytes) / 2**30
            raise TrainingError(
                f"the data ({gib:.2f} GiB) do not fit in the memory of {device}; "
                "pass a torch.utils.data.Dataset, which fit streams instead"
            ) from err
        self.world_size = rank_and_world_size()[1] if shard else 1
        return self

    def __len__(self) -> int:
        n, size = math.ceil(len(self.X) / self.world_size), self.batch_size
        return n // size if self.drop_last else math.ceil(n / size)

    def __iter__(self):
        n, index = len(self.X), None  # None: plain slices, views without a gather
        if self.shuffle:
            index = torch.randperm(n, generator=self.generator)
        if self.world_size > 1:
            index = shard(torch.arange(n) if index is None else index)
        if index is not None:
            index, n = index.to(self.X.device), len(index)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            i = slice(start, min(start + self.batch_size, n))
            i = i if index is None else index[i]
            yield self.X[i], self.y[i]


class _LoaderBatches:
    """A DataLoader whose pairs ``(X, y)`` are moved to the device as they come."""

    def __init__(self, loader: DataLoader, device):
        self.loader, self.device, self.generator = loader, device, loader.generator

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self):
        if hasattr(self.loader.sampler, "set_epoch"):  # a new order each epoch,
            epoch = torch.randint(2**31, (1,), generator=self.generator)  # resumable
            self.loader.sampler.set_epoch(broadcast(int(epoch)))
        for batch in self.loader:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise ParameterError("each batch must be a pair (X, y)")
            yield tuple(b.to(self.device, non_blocking=True) for b in batch)


def as_batches(data, *, name: str, device, batch_size: int, train: bool = False):
    """``data`` (``fit``'s ``train``, ``valid``) as batches on ``device``;
    ``train``: shuffled and, under ``torchrun``, sharded."""
    sharded = train and rank_and_world_size()[1] > 1
    if isinstance(data, (tuple, list)) and len(data) == 2:
        data = TensorBatches(*data, batch_size=batch_size, shuffle=train)
    if isinstance(data, TensorBatches):
        return data.to(device, shard=train)
    if isinstance(data, DataLoader):
        if sharded and not isinstance(data.sampler, DistributedSampler):
            raise ParameterError(f"under torchrun, pass {name} as a Dataset "
                                 "or a DataLoader with a DistributedSampler")
        return _LoaderBatches(data, device)
    if not isinstance(data, Dataset):
        raise ParameterError(
            f"{name} must be a pair (X, y) of tensors or arrays, a "
            f"torch.utils.data.Dataset or a DataLoader; got {type(data).__name__}"
        )
    generator = _generator() if train else None
    seed = int(torch.randint(2**31, (1,), generator=generator)) if sharded else 0
    loader = DataLoader(
        data, batch_size, shuffle=train and not sharded, generator=generator,
        sampler=DistributedSampler(data, seed=seed) if sharded else None,
        pin_memory=torch.device(device).type == "cuda",  # for non_blocking copies
    )
    return _LoaderBatches(loader, device)
