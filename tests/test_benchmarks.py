"""Smoke tests: every benchmark of ours runs at its tiny size, so none rots.

They check that the scripts run and print their ratios, not the figures: the
figures are measured on purpose, on a quiet machine, and kept in
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    "script, expected",
    [
        ("bench_training.py", ["(a)/(c)", "(c)/(b)", "helpers.training.fit"]),
        ("bench_amp.py", ["float32/bfloat16", "examples / s"]),
    ],
)
def test_benchmark_runs_at_tiny_size(script, expected):
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), "--size", "tiny", "--device", "cpu"],
        cwd=BENCH.parent,
        # One thread: a smoke test, and fast even when the machine is busy.
        env=dict(os.environ, PYTHONPATH=str(BENCH.parent), OMP_NUM_THREADS="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for text in expected:
        assert text in proc.stdout, proc.stdout


def test_feature_benchmark_runs_at_tiny_size():
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "bench_features.py"),
            "--clips",
            "2",
            "--seconds",
            "1",
            "--repeat",
            "1",
        ],
        cwd=BENCH.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "vs librosa" in proc.stdout and "largest log-mel difference" in proc.stdout
