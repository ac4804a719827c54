"""Mixed precision against float32, training the CNN that stands in for ``03_cnn``.

``fit`` with ``amp=False`` (float32) and with mixed precision (``amp="auto"``:
bfloat16 on GPUs that support it, float16 with gradient scaling on older ones)
on the same device-resident log-mel-shaped input ``(batch, 1, 128, 130)``.
Goal on a CUDA GPU: at least 1.5x.

On the CPU ``"auto"`` means float32, so the comparison uses ``--dtype``
(default bfloat16 there); CPU figures say little about GPUs.

    python benchmarks/bench_amp.py --size full --device cuda
"""

from __future__ import annotations

import statistics

import torch
from common import SIZES, CompactCNN, describe, parse_args, table
from torch import nn

from helpers.config import N_MELS
from helpers.env import seed_everything
from helpers.training import amp_dtype, fit

FRAMES = 130  # 3 s at hop 512


def make_run(X, y, *, amp, batch_size):
    """A function that trains one more epoch with ``fit`` and returns its time."""
    seed_everything(0)
    model = CompactCNN().to(X.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        history = fit(
            model,
            (X, y),
            loss_fn=nn.CrossEntropyLoss(),
            optimizer=optimizer,
            num_epochs=1,
            batch_size=batch_size,
            amp=amp,
            progress=False,
        )
        return history.epoch_time[0]

    return epoch


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        dtype=dict(
            choices=["auto", "bfloat16", "float16"],
            default=None,
            help="mixed-precision dtype (default: auto on CUDA, bfloat16 on CPU)",
        ),
    )
    device = args.device
    amp = args.dtype or ("auto" if device.type == "cuda" else "bfloat16")
    dtype = amp_dtype(device, amp)
    size = SIZES[args.size]
    n, bs, epochs = size["n"], size["batch_size"], size["epochs"] + 1
    torch.backends.cudnn.benchmark = True
    print(describe(device))
    print(
        f"size {args.size}: {n} inputs (1, {N_MELS}, {FRAMES}), batch {bs}, "
        f"{size['epochs']} timed epochs after 1 warm-up, interleaved; "
        f"mixed precision: {dtype}"
        + (" with gradient scaling" if dtype == torch.float16 else "")
    )
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, 1, N_MELS, FRAMES, generator=g).to(device)
    y = torch.randint(10, (n,), generator=g).to(device)
    runs = {
        "float32": make_run(X, y, amp=False, batch_size=bs),
        str(dtype).replace("torch.", ""): make_run(X, y, amp=amp, batch_size=bs),
    }
    times = {k: [] for k in runs}
    for _ in range(epochs):
        for k, run_epoch in runs.items():
            times[k].append(run_epoch())
    med = {k: statistics.median(v[1:]) for k, v in times.items()}
    base = med["float32"]
    rows = [(k, f"{v:.3f}", f"{n / v:.1f}", f"{base / v:.2f}") for k, v in med.items()]
    print(table(rows, ("precision", "s / epoch", "examples / s", "speed-up")))
    mixed = list(med)[1]
    print(f"ratio float32/{mixed} = {base / med[mixed]:.2f}x  (goal on CUDA: >= 1.5x)")


if __name__ == "__main__":
    main()
