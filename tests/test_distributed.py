"""fit under torchrun: two CPU processes, gloo backend, the same weights at the end.

The worker below is an ordinary training script: it calls ``fit`` unchanged.
Each rank is seeded differently on purpose, so the test also checks that
``fit`` makes them agree (DDP broadcasts rank 0's initial weights, and the
shuffling seed is broadcast too).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]

WORKER = textwrap.dedent(
    """
    import sys
    from dataclasses import asdict
    from pathlib import Path

    import torch
    import torch.distributed as dist
    from torch import nn
    from torch.utils.data import TensorDataset

    from helpers.env import seed_everything
    from helpers.training import Checkpoint, fit

    out = Path(sys.argv[1])
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    seed_everything(100 + rank)  # different on every rank, on purpose

    g = torch.Generator().manual_seed(0)  # the same data on every rank
    X = torch.randn(256, 8, generator=g)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0).long()
    results = {}
    for kind, train in [("tensors", (X, y)), ("dataset", TensorDataset(X, y))]:
        model = nn.Sequential(
            nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 3)
        )
        history = fit(
            model, train, (X, y), loss_fn=nn.CrossEntropyLoss(),
            optimizer=torch.optim.Adam(model.parameters(), lr=1e-2),
            num_epochs=4, batch_size=16, progress=True,  # printed by rank 0 only
            hooks=[Checkpoint(out / f"{kind}.pt")],
        )
        results[kind] = {"state": model.state_dict(), "history": asdict(history)}
    torch.save(results, out / f"rank{rank}.pt")
    dist.barrier()  # no rank tears down gloo while another still talks to it
    dist.destroy_process_group()
    """
)


def test_two_processes_train_the_same_model(tmp_path):
    import torch.distributed as dist

    if not dist.is_available() or not dist.is_gloo_available():
        pytest.skip("torch.distributed with gloo is not available")
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    cmd += ["--nproc_per_node", "2", str(script), str(tmp_path)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    ranks = [torch.load(tmp_path / f"rank{r}.pt") for r in (0, 1)]
    for kind in ("tensors", "dataset"):
        a, b = (r[kind] for r in ranks)
        for name, value in a["state"].items():
            assert torch.equal(value, b["state"][name]), (kind, name)
        same = ("train_loss", "valid_loss", "train_metrics", "valid_metrics")
        for field in (*same, "best_epoch"):
            assert a["history"][field] == b["history"][field], (kind, field)
        loss = a["history"]["train_loss"]
        assert loss[-1] < 0.8 * loss[0], (kind, loss)
        assert (tmp_path / f"{kind}.pt").exists()  # written by rank 0
    # Only rank 0 prints: one line per epoch and fit call.
    assert proc.stdout.count("epoch 1/4") == 2
