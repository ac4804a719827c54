"""Mel extraction: librosa, one clip at a time, against the batched PyTorch path.

    python benchmarks/bench_features.py                    # 32 clips of 30 s
    python benchmarks/bench_features.py --clips 4 --seconds 5 --repeat 1   # smoke

Measures, side by side in one run, the log-mel spectrogram of a batch of clips
(22.05 kHz, n_fft 2048, hop 512, 128 mels):

- librosa on the CPU, looping over the clips (the reference);
- ``helpers.torch_features.torch_log_mel`` on the CPU, one batch;
- the same on CUDA when a GPU is present, with a warm-up and
  ``torch.cuda.synchronize()`` around the timed region, both with the clips
  already on the GPU and including the host-to-device copy.

Prints the best of ``--repeat`` runs, the throughput in seconds of audio per
second, and each ratio against librosa; checks that the numbers agree.
Goals (issue 2): on a data-centre GPU at least 100x librosa on the same
machine; on the CPU not slower than librosa.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.config import SR  # noqa: E402
from helpers.features import log_mel  # noqa: E402
from helpers.torch_features import TORCH_DB_ATOL, torch_log_mel  # noqa: E402


def make_clips(n_clips: int, seconds: float, seed: int = 0) -> np.ndarray:
    """Clips of harmonic notes with noise: (n_clips, seconds * SR) float32."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    clips = np.empty((n_clips, n), np.float32)
    for i in range(n_clips):
        f0 = 110 * 2 ** (rng.integers(0, 36) / 12)
        y = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))
        clips[i] = 0.2 * y / 5 + 0.01 * rng.standard_normal(n)
    return clips


def best_time(fn, repeat: int, sync=None) -> float:
    best = float("inf")
    for _ in range(repeat):
        if sync:
            sync()
        start = time.perf_counter()
        fn()
        if sync:
            sync()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    clips = make_clips(args.clips, args.seconds)
    audio_s = args.clips * args.seconds
    batch = torch.from_numpy(clips)
    print(
        f"{args.clips} clips x {args.seconds:g} s = {audio_s:g} s of audio; "
        f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, "
        f"{platform.processor() or platform.machine()}"
    )

    log_mel(clips[0])  # warm-up: librosa's first call compiles with numba
    torch_log_mel(batch[:1])
    results = {
        "librosa (CPU, per clip)": best_time(
            lambda: [log_mel(c) for c in clips], args.repeat
        ),
        "torch (CPU, one call)": best_time(lambda: torch_log_mel(batch), args.repeat),
    }
    reference = np.stack([log_mel(c) for c in clips])
    max_diff = float(np.abs(torch_log_mel(batch).numpy() - reference).max())
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        on_gpu = batch.cuda()
        torch_log_mel(on_gpu)  # warm-up: kernels, cuFFT plans
        sync = torch.cuda.synchronize
        results[f"torch (CUDA {name}, on device)"] = best_time(
            lambda: torch_log_mel(on_gpu), args.repeat, sync
        )
        results[f"torch (CUDA {name}, with copy)"] = best_time(
            lambda: torch_log_mel(batch.cuda(non_blocking=False)).cpu(),
            args.repeat,
            sync,
        )
        max_diff = max(
            max_diff,
            float(np.abs(torch_log_mel(on_gpu).cpu().numpy() - reference).max()),
        )
    base = results["librosa (CPU, per clip)"]
    print(f"\n{'method':44s} {'time':>9s} {'audio s / s':>12s} {'vs librosa':>11s}")
    for method, seconds in results.items():
        print(
            f"{method:44s} {1000 * seconds:7.1f} ms {audio_s / seconds:12.0f} "
            f"{base / seconds:10.2f}x"
        )
    print(
        f"\nlargest log-mel difference against librosa: {max_diff:.5f} dB "
        f"(tolerance {TORCH_DB_ATOL} dB)"
    )
    if max_diff > TORCH_DB_ATOL:
        raise SystemExit("the PyTorch path does not match librosa")
    return {"results": results, "max_diff_db": max_diff}


if __name__ == "__main__":
    main()
