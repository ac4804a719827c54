"""Shared fixtures: a non-interactive matplotlib and small real-ish signals."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture
def sr():
    from helpers.config import SR

    return SR


@pytest.fixture
def harmonic_note(sr):
    """One second of a decaying harmonic tone at A3 (220 Hz), float32."""
    t = np.arange(sr) / sr
    y = sum(np.sin(2 * np.pi * 220 * k * t) / k for k in range(1, 8))
    return (0.3 * y * np.exp(-2 * t) / np.abs(y).max()).astype(np.float32)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
