"""Device, seeds, quick mode and the data folder (introduced in ``01_background``).

Everything that depends on the machine is decided here, in one place:

- :func:`get_device` picks CUDA, then Apple MPS, then the CPU, and says which.
- :func:`seed_everything` seeds Python, NumPy and PyTorch; call it visibly.
- :func:`quick_mode` reads the one switch between the quick run (CI, impatient
  readers) and the full run (a GPU). CI sets the environment variable
  ``MIRDL_QUICK=1``; a notebook can call :func:`set_quick_mode`.
- :func:`data_dir` is where generated datasets and caches live.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np

from .validate import positive_int

__all__ = [
    "QUICK_ENV", "DATA_ENV", "STATIC_ENV", "get_device", "seed_everything",
    "quick_mode", "set_quick_mode", "pick", "static_widgets", "data_dir",
]  # fmt: skip

#: Environment variable that switches quick mode on ("1", "true", "yes").
QUICK_ENV = "MIRDL_QUICK"
#: Environment variable that overrides the data folder.
DATA_ENV = "MIRDL_DATA"
#: Environment variable that makes widgets draw static figures (headless runs).
STATIC_ENV = "MIRDL_STATIC"

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def get_device(verbose: bool = True, *, cpu_threads: int | None = None):
    """Return the best available ``torch.device``: CUDA, then Apple MPS, then CPU.

    Introduced in ``01_background``.

    Parameters
    ----------
    verbose : bool
        Print which device was chosen, and why.
    cpu_threads : int or None
        When the choice is the CPU, use this many PyTorch threads (ignored on a
        GPU; ``None`` keeps PyTorch's default, one per core). The models here are
        small: one thread is often faster than several that wait on each other,
        and on a busy machine (CI) many threads can be 10-40x slower.

    Returns
    -------
    device : torch.device
    """
    import torch

    cpu_threads = positive_int(cpu_threads, "cpu_threads", allow_none=True)
    if torch.cuda.is_available():
        device = torch.device("cuda")
        why = torch.cuda.get_device_name(0)
    elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        device = torch.device("mps")
        why = "Apple Metal (MPS)"
    else:
        device = torch.device("cpu")
        if cpu_threads is not None:
            torch.set_num_threads(cpu_threads)
        n = torch.get_num_threads()
        why = f"no GPU found; {n} CPU thread{'s' * (n != 1)}"
    if verbose:
        print(f"Using device: {device} ({why})")
    return device


def seed_everything(seed: int = 0, deterministic: bool = False) -> int:
    """Seed Python, NumPy and PyTorch (CPU and every GPU); return ``seed``.

    Introduced in ``01_background``. ``deterministic=True`` also asks PyTorch
    for deterministic algorithms (opt-in: slower; some CUDA operations refuse).
    """
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds every CUDA device too
    if deterministic:
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    return seed


def quick_mode() -> bool:
    """Whether the quick mode is on (the ``MIRDL_QUICK`` environment variable).

    Introduced in ``01_background``."""
    return _flag(QUICK_ENV)


def set_quick_mode(on: bool = True) -> bool:
    """Switch quick mode on or off for this process and its children.

    No notebook calls it; README shows it to readers who run a notebook on Colab.
    """
    os.environ[QUICK_ENV] = "1" if on else "0"
    return on


def pick(quick, full):
    """Return ``quick`` in quick mode and ``full`` otherwise.

    Introduced in ``01_background``. One code path for both modes: only sizes
    differ, e.g. ``num_epochs = pick(quick=3, full=30)``.
    """
    return quick if quick_mode() else full


def static_widgets() -> bool:
    """Whether widgets should draw static figures instead of live controls.

    Used by :mod:`helpers.widgets` and the live curves of
    :class:`helpers.training.Progress`.

    True when ``MIRDL_STATIC`` is set, which the headless notebook runner does,
    so that executed notebooks and their HTML copies show pictures.
    """
    return _flag(STATIC_ENV)


def data_dir() -> Path:
    """Return (and create) the folder for generated datasets and caches.

    Used by :mod:`helpers.datasets` (each dataset's cache).

    ``$MIRDL_DATA`` if set; else ``data/`` of the repository checkout when the
    package runs from one; else ``~/.cache/mirdl``.
    """
    if os.environ.get(DATA_ENV):
        path = Path(os.environ[DATA_ENV]).expanduser()
    else:
        repo = Path(__file__).resolve().parents[1]
        if (repo / "pyproject.toml").exists() and (repo / "notebooks").is_dir():
            path = repo / "data"
        else:
            path = Path.home() / ".cache" / "mirdl"
    path.mkdir(parents=True, exist_ok=True)
    return path
