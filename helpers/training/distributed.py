"""Several processes (``torchrun``): what ``fit`` does once ``torch.distributed``
is initialised, with no argument to pass. Each function is a no-op on one process.

DDP starts every rank from rank 0's weights, each rank trains on its shard,
training scores are averaged over ranks, decisions (a seed, stopping) are rank
0's, and only rank 0 prints, plots and writes checkpoints.
"""

from __future__ import annotations

import math

import torch
import torch.distributed as dist
from torch import nn


def rank_and_world_size() -> tuple[int, int]:
    """``(rank, world_size)``, ``(0, 1)`` outside ``torch.distributed``."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def broadcast(value):
    """Rank 0's ``value`` (any picklable object) on every rank."""
    box = [value]
    if rank_and_world_size()[1] > 1:
        dist.broadcast_object_list(box, src=0)
    return box[0]


def mean_over_ranks(scores: dict[str, float]) -> dict[str, float]:
    """Each score averaged over the ranks."""
    world_size = rank_and_world_size()[1]
    if world_size == 1:
        return scores
    values = torch.tensor(list(scores.values()), dtype=torch.float64)
    dist.all_reduce(values)  # SUM: the gloo backend has no AVG
    return dict(zip(scores, (values / world_size).tolist(), strict=True))


def wrap(model: nn.Module, device: torch.device) -> nn.Module:
    """``model`` in DistributedDataParallel (on ``device``)."""
    if rank_and_world_size()[1] == 1:
        return model
    ids = None
    if device.type == "cuda":
        ids = [torch.cuda.current_device() if device.index is None else device.index]
    return nn.parallel.DistributedDataParallel(model, device_ids=ids)


def shard(order: torch.Tensor) -> torch.Tensor:
    """This rank's share of the example indices ``order``: every
    ``world_size``-th, after wrapping around so that every rank has as many
    (as ``DistributedSampler`` does)."""
    rank, world_size = rank_and_world_size()
    total = math.ceil(len(order) / world_size) * world_size
    return torch.cat([order, order[: total - len(order)]])[rank::world_size]
