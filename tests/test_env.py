import numpy as np
import pytest
import torch

from helpers import env
from helpers.errors import ParameterError


def test_get_device_prefers_cuda_then_mps_then_cpu(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert env.get_device().type == "cpu"
    assert "Using device: cpu" in capsys.readouterr().out
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert env.get_device(verbose=False).type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i: "Fake GPU")
    assert env.get_device().type == "cuda"
    assert "Fake GPU" in capsys.readouterr().out


def test_get_device_sets_cpu_threads_only_on_the_cpu(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    before = torch.get_num_threads()
    try:
        env.get_device(cpu_threads=1)
        assert torch.get_num_threads() == 1
        assert "1 CPU thread)" in capsys.readouterr().out
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda i: "Fake GPU")
        torch.set_num_threads(before)
        env.get_device(cpu_threads=1)
        assert torch.get_num_threads() == before  # a GPU run keeps its CPU threads
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -2, 1.5, "1", True])
def test_get_device_rejects_bad_cpu_threads(monkeypatch, bad):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(ParameterError, match="cpu_threads"):
        env.get_device(cpu_threads=bad)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with pytest.raises(ParameterError, match="cpu_threads"):  # on any machine
        env.get_device(cpu_threads=bad)


def test_seed_everything_repeats_every_generator():
    import random

    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    env.seed_everything(3)
    first = draw()
    env.seed_everything(3)
    assert draw() == first
    env.seed_everything(4)
    assert draw() != first


def test_quick_mode_is_one_switch(monkeypatch):
    monkeypatch.delenv(env.QUICK_ENV, raising=False)
    assert not env.quick_mode()
    assert env.pick(quick=1, full=2) == 2
    monkeypatch.setenv(env.QUICK_ENV, "1")
    assert env.quick_mode()
    assert env.pick(quick=1, full=2) == 1
    env.set_quick_mode(False)
    assert not env.quick_mode()


def test_static_widgets_follows_env(monkeypatch):
    monkeypatch.setenv(env.STATIC_ENV, "true")
    assert env.static_widgets()
    monkeypatch.setenv(env.STATIC_ENV, "0")
    assert not env.static_widgets()


def test_data_dir_is_overridable(monkeypatch, tmp_path):
    monkeypatch.setenv(env.DATA_ENV, str(tmp_path / "cache"))
    assert env.data_dir() == tmp_path / "cache"
    assert (tmp_path / "cache").is_dir()


def test_import_has_no_side_effects():
    import subprocess
    import sys

    code = (
        "import numpy as np, random; s = np.random.get_state()[1][0];"
        "import helpers, helpers.env, helpers.audio, helpers.features, "
        "helpers.plotting, helpers.checks;"
        "assert np.random.get_state()[1][0] == s"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
