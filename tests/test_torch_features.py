"""The batched PyTorch feature path against librosa, and its bad input.

It must match :mod:`helpers.features` within the tolerances stated in
:mod:`helpers.torch_features` on real music (a phrase played by sampled
instruments, the ``phrases`` fixture in ``conftest.py``), not only on noise.
"""

import librosa
import numpy as np
import pytest
import torch

from helpers import features as F
from helpers import torch_features as T
from helpers.errors import ParameterError


def test_torch_stft_matches_librosa(phrases):
    for y in phrases:
        ref = F.stft_magnitude(y)
        ours = T.torch_stft_magnitude(torch.from_numpy(y))[0].numpy()
        assert ours.shape == ref.shape
        assert np.abs(ours - ref).max() <= T.TORCH_RTOL * ref.max()


def test_torch_mel_matches_librosa(phrases):
    ours = T.torch_mel_spectrogram(torch.from_numpy(phrases)).numpy()
    for y, m in zip(phrases, ours, strict=True):
        ref = F.mel_spectrogram(y)
        assert np.abs(m - ref).max() <= T.TORCH_RTOL * ref.max()


def test_torch_log_mel_and_mfcc_match_librosa(phrases):
    batch = torch.from_numpy(phrases)
    log_mels = T.torch_log_mel(batch).numpy()
    mfccs = T.torch_mfcc(batch).numpy()
    for y, lm, mf in zip(phrases, log_mels, mfccs, strict=True):
        np.testing.assert_allclose(lm, F.log_mel(y), atol=T.TORCH_DB_ATOL)
        # MFCC sums 128 bands of dB values, so the absolute error scales with them
        np.testing.assert_allclose(mf, F.mfcc(y), atol=T.TORCH_DB_ATOL * 12)


def test_log_mel_module_matches_function_and_moves_with_model(phrases):
    layer = T.LogMel()
    out = layer(torch.from_numpy(phrases))
    assert out.shape == (2, 1, 128, F.log_mel(phrases[0]).shape[1])
    np.testing.assert_allclose(
        out[:, 0].numpy(), T.torch_log_mel(torch.from_numpy(phrases)).numpy()
    )
    assert {name for name, _ in layer.named_buffers()} == {"window", "mel_basis"}


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.zeros(4096, np.float32), "torch.Tensor"),
        (torch.zeros(4096, dtype=torch.int16), "floating-point"),
        (torch.zeros(2, 2, 4096), r"\(batch, samples\)"),
        (torch.zeros(2, 100), "larger than the signal"),
        (torch.full((1, 4096), float("nan")), "NaN"),
        (torch.zeros(0, 4096), "empty"),
    ],
)
def test_torch_path_rejects_bad_input(y, match):
    with pytest.raises(ParameterError, match=match):
        T.torch_log_mel(y)
    with pytest.raises(ParameterError, match=match):
        T.LogMel()(y)


def test_torch_path_keeps_device_and_dtype(phrases):
    x = torch.from_numpy(phrases).to(torch.float64)
    out = T.torch_log_mel(x)
    assert out.dtype == torch.float64 and out.device == x.device
    reference = librosa.power_to_db(
        librosa.feature.melspectrogram(y=phrases[0].astype(np.float64), sr=22050),
        top_db=80.0,
    )
    np.testing.assert_allclose(out[0].numpy(), reference, atol=1e-6)


# Issue 22: notebook 02's comparison once read 0.24 dB instead of 0.001 dB in CI,
# in a JupyterLab kernel and in the Colab-pinned environment, never when rerun.
# The same comparison, under the conditions that differed there, repeated.

#: The batch of notebook 02, section 2.9 (quick mode): the melody, repeated,
#: shifted and rescaled. Prints the largest difference and where it is.
_NOTEBOOK_COMPARISON = """
import json, os, platform, sys
import numpy as np, torch
from helpers.audio import harmonic_tone
from helpers.config import SR
from helpers.features import log_mel
from helpers import torch_features as T
threads, chunk = int(sys.argv[1]), int(sys.argv[2])
junk = [np.random.default_rng(i).random(n) for i, n in enumerate((3, 70001, 400003))]
torch.set_num_threads(threads)
T._CPU_CHUNK = chunk
synth = {"amplitudes": (1, 0.5, 0.33, 0.25, 0.2), "attack": 0.01, "peak": 0.3}
notes = (60, 64, 67, 72, 67, 64, 60)
melody = np.concatenate([harmonic_tone(n, 0.4, **synth) for n in notes])
rng = np.random.default_rng(0)
base = np.resize(melody, 10 * SR)
clips = np.stack([np.roll(base, rng.integers(SR)) * rng.uniform(0.3, 1.0)
                  for _ in range(8)]).astype(np.float32)
reference = np.stack([log_mel(c) for c in clips])
diffs = [np.abs(reference - T.torch_log_mel(torch.from_numpy(clips)).numpy())
         for _ in range(3)]
d = max(diffs, key=np.max)
where = tuple(int(i) for i in np.unravel_index(d.argmax(), d.shape))
print(json.dumps({
    "max_diff_db": float(d.max()), "where (clip, band, frame)": where,
    "librosa": float(reference[where]), "peak": float(reference[where[0]].max()),
    "threads asked": threads, "threads now": torch.get_num_threads(), "chunk": chunk,
    "mkl": torch.backends.mkl.is_available(), "torch": torch.__version__,
    "cpu": platform.processor() or platform.machine(),
    "in kernel": "ipykernel" in sys.modules,
}))
"""


def _comparison_result(text: str) -> dict:
    import json

    line = [ln for ln in text.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


@pytest.mark.parametrize(("threads", "chunk"), [(1, 2), (2, 2), (4, 3), (3, 8)])
def test_notebook_comparison_is_the_same_in_every_process(threads, chunk, tmp_path):
    """Fresh processes, other thread counts and chunk sizes, a used heap: the
    largest difference stays far under the tolerance, and the thread count the
    caller set is restored after the one-thread FFT."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _NOTEBOOK_COMPARISON, str(threads), str(chunk)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = _comparison_result(out.stdout)
    assert result["max_diff_db"] <= T.TORCH_DB_ATOL / 2, result
    assert result["threads now"] == threads, result


def test_notebook_comparison_in_a_jupyter_kernel():
    """The same comparison in a kernel started as JupyterLab and nbval start one."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        code = "import sys; sys.argv = ['x', '2', '2']\n" + _NOTEBOOK_COMPARISON
        chunks = []
        reply = kc.execute_interactive(
            code, timeout=300,
            output_hook=lambda msg: chunks.append(msg["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    result = _comparison_result("".join(chunks))
    assert result["in kernel"], result
    assert result["max_diff_db"] <= T.TORCH_DB_ATOL / 2, result


def test_cached_filterbank_is_read_only_and_never_shared():
    fb = T._mel_basis(22050, 2048, 128)
    assert not fb.flags.writeable
    with pytest.raises(ValueError):
        fb[0, 0] = 1.0
    layer = T.LogMel()
    assert not np.shares_memory(layer.mel_basis.numpy(), fb)
    noise = np.random.default_rng(0).standard_normal((1, 22050), np.float32)
    y = torch.from_numpy(noise)
    before = T.torch_log_mel(y)
    layer.mel_basis.mul_(0.5)  # an in-place change to one model's buffer ...
    torch.testing.assert_close(T.torch_log_mel(y), before)  # ... changes nothing else
    assert not T._dct_matrix(20, 128).flags.writeable


def test_cpu_fft_runs_on_one_thread_and_restores_the_count(monkeypatch):
    seen = []
    real_stft = torch.stft

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real_stft(*args, **kwargs)

    monkeypatch.setattr(torch, "stft", spy)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        T.torch_log_mel(torch.zeros(3, 4096))
        assert seen and set(seen) == {1}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
