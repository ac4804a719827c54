"""What the benchmarks share: sizes, the model, synthetic clips, timing, a table.

The benchmarks time the helpers against the obvious alternatives, side by side
in one run, and print ratios. Record the figures in ``benchmarks/RESULTS.md``
with the device, the versions and the date.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

# Run as `python benchmarks/bench_*.py` from a checkout: make `helpers` importable.
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from helpers.config import HOP_LENGTH, N_FFT, N_MELS, SR  # noqa: E402

#: Per size: number of clips, timed epochs (one warm-up epoch more), batch size.
SIZES = {
    "tiny": dict(n=2, epochs=1, batch_size=2),  # a smoke test, not a measurement
    "small": dict(n=128, epochs=2, batch_size=32),
    "full": dict(n=2048, epochs=3, batch_size=64),
}
#: Clip length: 3 s gives 130 frames at hop 512, as in the paper's CNNs.
SECONDS = 3.0
N_CLASSES = 10


class CompactCNN(nn.Module):
    """A compact 2-D CNN on log-mel input, of the kind Choi et al. describe.

    Stands in for the model of ``03_cnn`` in the benchmarks: five blocks of
    3x3 convolution, batch norm, ReLU and 2x2 max-pooling, then global average
    pooling and one dense layer.
    """

    def __init__(self, n_classes: int = N_CLASSES, channels=(16, 32, 64, 64, 64)):
        super().__init__()
        blocks, c_in = [], 1
        for c_out in channels:
            blocks += [
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
            c_in = c_out
        self.features = nn.Sequential(*blocks)
        self.head = nn.Linear(c_in, n_classes)

    def forward(self, x):  # (batch, 1, n_mels, frames)
        x = self.features(x)  # (batch, 64, n_mels / 32, frames / 32)
        return self.head(x.mean(dim=(2, 3)))  # (batch, n_classes)


def make_clips(n: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` clips of ``SECONDS`` s: a tone whose pitch depends on the class, and
    noise. Returns audio ``(n, samples)`` float32 and labels ``(n,)`` int64."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(SECONDS * SR)) / SR
    y = rng.integers(N_CLASSES, size=n)
    f0 = 220.0 * 2 ** (y / 12)  # one semitone per class
    audio = 0.3 * np.sin(2 * np.pi * f0[:, None] * t) + 0.05 * rng.standard_normal(
        (n, t.size)
    )
    return audio.astype(np.float32), y.astype(np.int64)


def log_mel(y: np.ndarray) -> np.ndarray:
    """Log-mel of one clip with the project's parameters, ``(n_mels, frames)``.

    ``helpers.features.log_mel`` when it is there; otherwise the same librosa
    calls, so the benchmark runs on a checkout without it.
    """
    try:
        from helpers.features import log_mel as _log_mel

        return _log_mel(y, sr=SR, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS)
    except ImportError:
        import librosa

        S = librosa.feature.melspectrogram(
            y=y, sr=SR, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS
        )
        return librosa.power_to_db(S, ref=1.0, top_db=80.0)


def parse_args(description: str, **extra) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--size", choices=list(SIZES), default="small")
    p.add_argument(
        "--device",
        default="auto",
        help="cpu, cuda, cuda:1, or auto (CUDA if there is one)",
    )
    for name, kwargs in extra.items():
        p.add_argument(f"--{name}", **kwargs)
    args = p.parse_args()
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    args.device = torch.device(args.device)
    if args.device.type == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda, but torch finds no CUDA GPU")
    return args


def sync(device: torch.device) -> None:
    """Wait for the GPU, so that a timer measures the work and not its launch."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class Timer:
    """``with Timer(device) as t: ...`` then ``t.seconds``; synchronises CUDA."""

    def __init__(self, device: torch.device):
        self.device = device

    def __enter__(self):
        sync(self.device)
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        sync(self.device)
        self.seconds = time.perf_counter() - self.start


def describe(device: torch.device) -> str:
    """One line with the date, device, torch and Python versions."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        cap = ".".join(map(str, torch.cuda.get_device_capability(device)))
        dev = f"{name} (compute capability {cap}, CUDA {torch.version.cuda})"
    else:
        dev = f"CPU {_cpu_name()}, {torch.get_num_threads()} threads"
    return (
        f"{datetime.date.today().isoformat()} | {dev} | torch {torch.__version__} | "
        f"Python {platform.python_version()}"
    )


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(rows: list[tuple], header: tuple) -> str:
    """A Markdown table, to paste into RESULTS.md as printed."""
    cells = [tuple(map(str, header))] + [tuple(map(str, r)) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
