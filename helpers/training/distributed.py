"""Several processes: what ``fit`` does by itself under ``torchrun`` (DDP from
rank 0's weights, a shard per rank, scores averaged, a seed and stopping decided
by rank 0); on one process each function does nothing."""

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


def mean_over_ranks(scores: dict[str, float], device) -> dict[str, float]:
    """Each score averaged over the ranks; the sum is taken on ``device`` (the
    model's: NCCL reduces CUDA tensors only)."""
    world_size = rank_and_world_size()[1]
    if world_size == 1:
        return scores
    values = torch.tensor(list(scores.values()), dtype=torch.float64, device=device)
    dist.all_reduce(values)  # SUM: the gloo backend has no AVG
    return dict(zip(scores, (values / world_size).tolist(), strict=True))


def wrap(model: nn.Module, device: torch.device) -> nn.Module:
    """``model`` in DistributedDataParallel (on ``device``)."""
    if rank_and_world_size()[1] == 1:
        return model
    ids = [device.index] if device.type == "cuda" else None  # from model_device
    return nn.parallel.DistributedDataParallel(model, device_ids=ids)


def shard(order: torch.Tensor) -> torch.Tensor:
    """This rank's share of the indices ``order``, wrapped around so that every
    rank has as many (as ``DistributedSampler`` does)."""
    rank, world_size = rank_and_world_size()
    total = math.ceil(len(order) / world_size) * world_size
    return torch.cat([order, order[: total - len(order)]])[rank::world_size]
