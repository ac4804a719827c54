"""A walk through the bad inputs a learner gives: each raises a project error.

The bad-input paragraph of ``docs/package.md`` lists integer or NaN audio,
empty or stereo signals, a non-positive sample rate, ``n_fft`` longer than the
signal, a missing or corrupt file; a review added the defects of issue 24. Every one
must raise :class:`~helpers.errors.ParameterError` or a sibling (the project's
exceptions) whose message names the argument and says what was expected or
what to do, never a bare ``TypeError``, ``KeyError`` or PyTorch's own words.
"""

import numpy as np
import pytest
import torch
from torch import nn

from helpers import errors
from helpers.audio import harmonic_tone, load_audio
from helpers.chords import transpose_ids
from helpers.datasets import (
    AudioDataset,
    FeatureDataset,
    build,
    load_gtzan,
    load_notes,
    load_unheard_chorales,
)
from helpers.features import extract, log_mel, mel_spectrogram, shift_bins
from helpers.metrics import accuracy
from helpers.plotting import plot_confusion_matrix
from helpers.render import midi_from_notes, program_name
from helpers.sequences import lstm_gates, random_excerpts
from helpers.training import Checkpoint, evaluate, fit
from helpers.validate import sample_rate

PROJECT_ERRORS = (errors.ParameterError, errors.DatasetError, errors.TrainingError)
#: Words that say what was expected or what to do.
ADVICE = ("must", "expected", "use ", "pass ", "delete", "check", "put it", "move",
          "convert", "average")

Y = (0.1 * np.sin(np.arange(4096) / 10)).astype(np.float32)
X2 = torch.randn(8, 2)
LOSS = nn.CrossEntropyLoss()


def _quiet_fit(model, data, **kwargs):
    return fit(model, data, loss_fn=kwargs.pop("loss_fn", LOSS), num_epochs=1,
               progress=False, **kwargs)


class _Conv(nn.Module):  # logits (batch, classes, frames)
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 3, 1)

    def forward(self, x):
        return self.conv(x)


def _corrupt(tmp_path):
    path = tmp_path / "corrupt.mp3"
    path.write_bytes(b"\xff\xfb" + bytes(range(256)) * 8)
    return path


def _foreign_checkpoint(tmp_path):
    path = tmp_path / "run.pt"
    _quiet_fit(nn.Linear(2, 3), (X2, torch.zeros(8, dtype=torch.long)),
               hooks=[Checkpoint(path)])
    return path


BAD_INPUTS = {
    # docs/package.md's paragraph
    "integer audio": (lambda tmp: log_mel((Y * 32768).astype(np.int16)), "y"),
    "NaN audio": (lambda tmp: log_mel(np.where(Y > 0.05, np.nan, Y)), "y"),
    "empty signal": (lambda tmp: log_mel(Y[:0]), "y"),
    "stereo signal": (lambda tmp: log_mel(np.stack([Y, Y])), "y"),
    "non-positive sample rate": (lambda tmp: mel_spectrogram(Y, sr=0), "sr"),
    "n_fft longer than the signal": (lambda tmp: log_mel(Y[:1000]), "n_fft"),
    "missing file": (lambda tmp: load_audio(tmp / "missing.wav"), "path"),
    "corrupt file": (lambda tmp: load_audio(_corrupt(tmp)), "decode"),
    # the review's (issue 24)
    "a sample rate of half a hertz": (lambda tmp: sample_rate(22050.5), "sr"),
    "a transposition of 1.5 semitones": (
        lambda tmp: transpose_ids([0, 24, -100], 1.5), "k"),
    "a tone above the Nyquist frequency": (lambda tmp: harmonic_tone(127), "midi"),
    "a negative MIDI pitch": (lambda tmp: harmonic_tone(-5), "midi"),
    "a shift of 1.5 bins": (lambda tmp: shift_bins(np.zeros((4, 3)), 1.5), "k"),
    "a keyword the feature does not take": (
        lambda tmp: extract(Y, "chroma", n_fft=1024), "n_fft"),
    "one hook without a list": (
        lambda tmp: _quiet_fit(nn.Linear(2, 3), (X2, torch.zeros(8).long()),
                               hooks=Checkpoint(tmp / "c.pt")), "hooks"),
    "logits with the class axis second": (
        lambda tmp: _quiet_fit(_Conv(), (torch.randn(8, 2, 5),
                                         torch.zeros(8, 5).long())), "class axis"),
    "a metric of unknown direction": (
        lambda tmp: _quiet_fit(nn.Linear(2, 3), (X2, torch.zeros(8).long()),
                               metrics={"mae": lambda y, p: 0.0},
                               monitor="train_mae"), "mode"),
    "evaluate with nothing to compute": (
        lambda tmp: evaluate(nn.Linear(2, 3), (X2, torch.zeros(8).long())),
        "loss_fn"),
    "inputs of the wrong width": (
        lambda tmp: _quiet_fit(nn.Linear(3, 3), (X2, torch.zeros(8).long())), "X"),
    "targets the loss cannot take": (
        lambda tmp: _quiet_fit(nn.Linear(2, 3), (X2, torch.full((8,), 5))), "y"),
    "a checkpoint of another model": (
        lambda tmp: _quiet_fit(nn.Linear(2, 4), (X2, torch.zeros(8).long()),
                               hooks=[Checkpoint(_foreign_checkpoint(tmp))]),
        "run.pt"),
    "frame targets from waveforms": (
        lambda tmp: AudioDataset([{"audio_path": "a.wav", "chords": []}],
                                 target="chords"), "target"),
    "an unknown feature": (
        lambda tmp: FeatureDataset([], feature="wavelet", target="x"), "feature"),
    "a split as GTZAN's folder": (lambda tmp: load_gtzan("train"), "split"),
    "a MIDI program of 128": (
        lambda tmp: load_unheard_chorales("test", programs=[128]), "programs"),
    "one program, not a list": (
        lambda tmp: load_unheard_chorales("test", programs=4), "programs"),
    "no programs": (lambda tmp: load_unheard_chorales("test", programs=[]), "programs"),
    "programs as a string": (
        lambda tmp: load_unheard_chorales("test", programs="4, 11"), "programs"),
    "the name of program 128": (lambda tmp: program_name(128), "program"),
    "a track of program 1.5": (lambda tmp: midi_from_notes([(1.5, [])]), "program"),
    "an unknown split": (lambda tmp: load_notes("training"), "split"),
    "an unknown dataset": (lambda tmp: build("gtzan"), "name"),
    "normalize as a bool": (
        lambda tmp: plot_confusion_matrix(np.eye(2), normalize=True), "normalize"),
    "pieces shorter than the excerpts": (
        lambda tmp: random_excerpts([(np.zeros((10, 2)), np.zeros(10))], 2,
                                    np.random.default_rng(0), length=20), "length"),
    "a GRU for the LSTM's gates": (
        lambda tmp: lstm_gates(nn.GRU(2, 3), torch.zeros(1, 4, 2)), "lstm"),
    "accuracy of class-second logits": (
        lambda tmp: accuracy(torch.zeros(8, 5).long(), torch.zeros(8, 3, 5)),
        "y_pred"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_raises_a_project_error_that_says_what_to_do(case, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("MIRDL_DATA", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    call, argument = BAD_INPUTS[case]
    with pytest.raises(PROJECT_ERRORS) as info:
        call(tmp_path)
    message = str(info.value)
    assert argument in message, f"{case}: the message does not name {argument!r}"
    advice = any(word in message.lower() for word in ADVICE)
    assert advice, f"{case}: no advice: {message}"
