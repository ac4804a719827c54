"""Training speed: a typical tutorial loop, a minimal loop, and ``fit``.

Same model (``CompactCNN``), same clips, same optimizer, batch size and epochs:

(a) tutorial: a ``Dataset`` computes the librosa log-mel of each clip in
    ``__getitem__`` and a ``DataLoader`` feeds the model; ``loss.item()`` every
    step, as most tutorials write it.
(b) minimal: features computed once, kept on the device as tensors; a
    hand-written loop slices shuffled batches from them.
(c) ``helpers.training.fit`` on the same tensors.

Goals on a CUDA GPU: (c) at least 10x faster per epoch than (a), and within
10% of (b). Per-epoch times exclude one warm-up epoch; (b) and (c) pay the
feature extraction once, reported on its own line.

    python benchmarks/bench_training.py --size full --device cuda
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import torch
from common import (
    SIZES,
    CompactCNN,
    Timer,
    describe,
    log_mel,
    make_clips,
    parse_args,
    sync,
    table,
)
from torch import nn
from torch.utils.data import DataLoader, Dataset

from helpers.env import seed_everything
from helpers.training import amp_dtype, autocast_context, fit


class LibrosaClips(Dataset):
    """(a)'s Dataset: librosa features computed per item, every epoch."""

    def __init__(self, audio: np.ndarray, labels: np.ndarray):
        self.audio, self.labels = audio, labels

    def __len__(self):
        return len(self.audio)

    def __getitem__(self, i):
        M = log_mel(self.audio[i])  # (n_mels, frames)
        return torch.from_numpy(M).unsqueeze(0), int(self.labels[i])


def _setup(device):
    seed_everything(0)  # the same initial weights for every variant
    model = CompactCNN().to(device)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()


def tutorial_loop(audio, labels, *, device, batch_size, workers):
    """(a) The loop most tutorials show; returns a function that runs one epoch."""
    model, optimizer, loss_fn = _setup(device)
    loader = DataLoader(
        LibrosaClips(audio, labels),
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        pin_memory=device.type == "cuda",
    )

    def epoch():
        with Timer(device) as t:
            model.train()
            running = 0.0
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                optimizer.zero_grad()
                loss = loss_fn(model(X), y)
                loss.backward()
                optimizer.step()
                running += loss.item()
        return t.seconds

    return epoch


def minimal_loop(X, y, *, device, batch_size):
    """(b) A minimal hand-written loop over device-resident tensors.

    Same precision as ``fit`` picks (float32 on the CPU, autocast on CUDA), so
    that (b) against (c) measures the loop and nothing else.
    """
    model, optimizer, loss_fn = _setup(device)
    dtype = amp_dtype(device)
    scaler = torch.amp.GradScaler(device.type, enabled=dtype == torch.float16)

    def epoch():
        with Timer(device) as t:
            model.train()
            total = torch.zeros((), device=device)
            order = torch.randperm(len(X), device=device)
            for i in range(0, len(X), batch_size):
                idx = order[i : i + batch_size]
                with autocast_context(device, dtype):
                    loss = loss_fn(model(X[idx]), y[idx])
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
                total += loss.detach()
            total.item()
        return t.seconds

    return epoch


def fit_loop(X, y, *, device, batch_size):
    """(c) ``fit`` on the same tensors, one epoch per call (its own epoch timer)."""
    model, optimizer, loss_fn = _setup(device)

    def epoch():
        history = fit(
            model,
            (X, y),
            loss_fn=loss_fn,
            optimizer=optimizer,
            num_epochs=1,
            batch_size=batch_size,
            progress=False,
        )
        return history.epoch_time[0]

    return epoch


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        workers=dict(type=int, default=0, help="DataLoader workers for (a)"),
    )
    size = SIZES[args.size]
    device, epochs, bs = args.device, size["epochs"] + 1, size["batch_size"]
    torch.backends.cudnn.benchmark = True
    print(describe(device))
    print(
        f"size {args.size}: {size['n']} clips of 3 s, batch {bs}, "
        f"{size['epochs']} timed epochs after 1 warm-up, interleaved; "
        f"precision of (b), (c): {amp_dtype(device) or 'float32'}; "
        f"DataLoader workers of (a): {args.workers}"
    )
    audio, labels = make_clips(size["n"])
    log_mel(audio[0])  # librosa's first call compiles (numba): not timed

    t0 = time.perf_counter()
    feats = np.stack([log_mel(clip) for clip in audio])[:, None]  # (n, 1, mels, t)
    X = torch.from_numpy(feats).to(device)
    y = torch.from_numpy(labels).to(device)
    sync(device)
    extract = time.perf_counter() - t0
    variants = {
        "a": tutorial_loop(
            audio, labels, device=device, batch_size=bs, workers=args.workers
        ),
        "b": minimal_loop(X, y, device=device, batch_size=bs),
        "c": fit_loop(X, y, device=device, batch_size=bs),
    }
    # Interleaved, one epoch of each in turn, so that anything else running on
    # the machine slows all three alike; the first round is a warm-up.
    times = {k: [] for k in variants}
    for _ in range(epochs):
        for k, run_epoch in variants.items():
            times[k].append(run_epoch())
    med = {k: statistics.median(v[1:]) for k, v in times.items()}
    rows = [
        ("(a) tutorial: librosa in Dataset + DataLoader", f"{med['a']:.3f}", "1.00"),
        (
            "(b) minimal loop, device tensors",
            f"{med['b']:.3f}",
            f"{med['a'] / med['b']:.2f}",
        ),
        ("(c) helpers.training.fit", f"{med['c']:.3f}", f"{med['a'] / med['c']:.2f}"),
    ]
    print(table(rows, ("variant", "s / epoch", "speed-up vs (a)")))
    print(f"one-off log-mel extraction for (b) and (c): {extract:.3f} s")
    print(f"ratio (a)/(c) = {med['a'] / med['c']:.2f}x  (goal on CUDA: >= 10x)")
    print(f"ratio (c)/(b) = {med['c'] / med['b']:.3f}  (goal on CUDA: <= 1.10)")


if __name__ == "__main__":
    main()
