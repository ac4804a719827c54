"""Checkpoints: the whole training state after every epoch, and an exact resume."""

import random
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from ..errors import TrainingError
from ..validate import atomic_write
from .distributed import rank_and_world_size

#: Written into every checkpoint; a file with another version is refused.
#: 3: the history records ``mode`` (lower or higher is better).
VERSION = 3


class Checkpoint:
    """A hook that saves all that training needs to go on, after every epoch.

    ``fit(..., hooks=[..., Checkpoint("runs/cnn.pt")])``, last, to save what the
    hooks before it decided. ``fit`` calls its ``resume`` first: if the file
    exists, training goes on after its last epoch and, on the CPU, ends exactly
    as a run never interrupted. Rank 0 writes it (``validate.atomic_write``).

    Parameters
    ----------
    path : str or os.PathLike
    *stateful : objects with ``state_dict()`` and ``load_state_dict()``
        Saved too, e.g. a learning-rate scheduler. Model, optimizer, gradient
        scaler, history, best weights and random generators always are.

    Not used by the notebooks: for long runs (``docs/training.md``).
    """

    def __init__(self, path, *stateful):
        self.path, self.stateful = Path(path), stateful

    def __call__(self, state) -> None:
        if rank_and_world_size()[0] != 0:
            return
        saved = {
            "version": VERSION, "epoch": state.epoch, "stop": bool(state.stop),
            "model": state.model.state_dict(), "scaler": state.scaler.state_dict(),
            "optimizer": state.optimizer.state_dict(), "history": asdict(state.history),
            "best_state": state.best_state, "rng": _rng_states(state.generator),
            "stateful": [obj.state_dict() for obj in self.stateful],
        }
        with atomic_write(self.path) as tmp:
            torch.save(saved, tmp)

    def resume(self, state) -> None:
        """Load the file, if there is one, into ``state`` (an ``EpochState``)."""
        if not self.path.exists():
            return
        saved = load_checkpoint(self.path)
        try:
            for name in ("model", "optimizer", "scaler"):
                getattr(state, name).load_state_dict(saved[name])
            for obj, obj_state in zip(self.stateful, saved["stateful"], strict=True):
                obj.load_state_dict(obj_state)
        except (RuntimeError, ValueError, KeyError) as err:
            raise TrainingError(
                f"{str(self.path)!r} was written by another model, optimizer or "
                f"scheduler than this run's ({str(err).splitlines()[0]}); delete it "
                "to train this model from scratch, or give this run another path"
            ) from err
        state.history = type(state.history)(**saved["history"])
        state.epoch, state.stop = saved["epoch"], saved["stop"]
        state.best_state = saved["best_state"]
        _set_rng_states(saved["rng"], state.generator)
        if rank_and_world_size()[0] == 0 and state.epoch < state.num_epochs:
            print(f"Resuming from {self.path} after epoch {state.epoch}")


def load_checkpoint(path, *, map_location="cpu") -> dict:
    """The dict that a :class:`Checkpoint` saved at ``path`` (its ``resume`` reads
    it with this; so can you, to inspect a run).

    Raises
    ------
    TrainingError
        If the file cannot be read, or was written by something else or an
        older ``Checkpoint`` (its ``"version"`` differs).
    """
    try:
        saved = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise TrainingError(f"cannot read the checkpoint {str(path)!r} ({err}); "
                            "delete it to start training from scratch") from err
    found = saved.get("version") if isinstance(saved, dict) else None
    if found != VERSION:
        raise TrainingError(f"{str(path)!r} is not a checkpoint of this version "
                            f"(version {found}, expected {VERSION}); delete it to "
                            "start training from scratch")
    return saved


def _rng_states(generator: torch.Generator | None) -> dict:
    kind, keys, *rest = np.random.get_state()  # as lists: weights_only can read them
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
    shuffle = None if generator is None else generator.get_state()
    return dict(python=random.getstate(), numpy=(kind, keys.tolist(), *rest),
                torch=torch.get_rng_state(), cuda=cuda, shuffle=shuffle)


def _set_rng_states(states: dict, generator: torch.Generator | None) -> None:
    random.setstate(states["python"])
    kind, keys, *rest = states["numpy"]
    np.random.set_state((kind, np.asarray(keys, np.uint32), *rest))
    torch.set_rng_state(states["torch"])
    if states["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])
    if generator is not None and states["shuffle"] is not None:
        generator.set_state(states["shuffle"])
