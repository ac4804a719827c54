"""PyTorch ``Dataset`` classes over dataset items.

Introduced in ``03_cnn``.

Items are the dicts that :func:`~helpers.datasets.load_notes` and friends
return (``audio_path`` plus labels). :class:`AudioDataset` yields waveforms,
:class:`FeatureDataset` yields features computed once and cached as ``.npy``
next to the audio, and can stack a small set into tensors on any device.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from pathlib import Path

import numpy as np

from ..audio import load_audio
from ..config import HOP_LENGTH, SR
from ..errors import ParameterError
from .chords import chord_targets

__all__ = ["FEATURES", "AudioDataset", "FeatureDataset", "feature_function"]

#: Feature names that :class:`FeatureDataset` computes.
FEATURES = ("log_mel", "mel_spectrogram", "mfcc", "cqt", "chroma", "stft_magnitude")


def feature_function(name: str):
    """The feature function ``name`` from :mod:`helpers.features`.

    Raises
    ------
    ParameterError
        If ``name`` is not one of :data:`FEATURES`.
    """
    if name not in FEATURES:
        raise ParameterError(f"feature must be one of {FEATURES}, got {name!r}")
    from .. import features

    return getattr(features, name)


def _targets(items, target, classes):
    if target == "chords":
        return None, None
    if not items:
        return [], classes or []
    if target not in items[0]:
        keys = sorted(k for k, v in items[0].items() if isinstance(v, (str, int)))
        raise ParameterError(
            f"target must be one of the item keys {keys}, got {target!r}"
        )
    values = [item[target] for item in items]
    if classes is None:
        classes = sorted(set(values), key=lambda v: (str(type(v)), v))
    index = {c: i for i, c in enumerate(classes)}
    missing = sorted({str(v) for v in values if v not in index})
    if missing:
        raise ParameterError(f"target values {missing} are not in classes {classes}")
    return [index[v] for v in values], list(classes)


class AudioDataset:
    """Waveforms and integer labels of a list of items.

    Parameters
    ----------
    items : list of dict
        With ``audio_path`` and the ``target`` key.
    target : str
        The label key, e.g. ``"family"``, ``"style"``, ``"pitch"``.
    classes : sequence or None
        Label values in class order; ``None``: the sorted distinct values.
        Pass the training set's ``classes`` to the validation and test sets.
    sr : int
        Sample rate in Hz.

    Returns (``__getitem__``)
    -------------------------
    x : torch.Tensor [shape=(n_samples,)], float32
    y : torch.Tensor [shape=()], int64
    """

    def __init__(self, items, *, target: str, classes=None, sr: int = SR):
        self.items = list(items)
        self.target = target
        self.sr = sr
        self.labels, self.classes = _targets(self.items, target, classes)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        import torch

        y, _ = load_audio(self.items[i]["audio_path"], sr=self.sr)
        return torch.from_numpy(y), torch.tensor(self.labels[i], dtype=torch.int64)


class FeatureDataset:
    """Features and labels of a list of items, computed once and cached.

    Features are stored as ``features/<name>-<params>/<item id>.npy`` next to
    the dataset's ``audio/`` folder (written atomically), so the second epoch,
    and the second notebook, only read them.

    Parameters
    ----------
    items : list of dict
        With ``audio_path``, ``id`` and the ``target`` key.
    feature : str
        One of :data:`FEATURES` (functions of :mod:`helpers.features`).
    target : str
        The label key (``"family"``...), or ``"chords"`` for 25-class frame
        targets [shape=(frames,)] from the items' chord segments.
    classes : sequence or None
        Label values in class order (see :class:`AudioDataset`).
    sr : int
        Sample rate in Hz.
    **feature_kwargs
        Passed to the feature function (``n_mels=64``...); part of the cache key.

    Returns (``__getitem__``)
    -------------------------
    X : torch.Tensor [shape=(n_features, frames)], float32
    y : torch.Tensor [shape=()] or [shape=(frames,)] for chords, int64
    """

    def __init__(
        self,
        items,
        *,
        feature: str = "log_mel",
        target: str,
        classes=None,
        sr: int = SR,
        **feature_kwargs,
    ):
        self.items = list(items)
        self.feature = feature
        self.fn = feature_function(feature)
        self.kwargs = dict(sorted(feature_kwargs.items()))
        self.sr = sr
        self.target = target
        self.labels, self.classes = _targets(self.items, target, classes)
        if target == "chords":
            from .chords import CHORD_CLASSES

            self.classes = list(CHORD_CLASSES)
        tag = hashlib.sha1(repr((sr, self.kwargs)).encode()).hexdigest()[:8]
        self._folder = f"{feature}-{tag}"

    def __len__(self) -> int:
        return len(self.items)

    def cache_path(self, i: int) -> Path:
        """Where item ``i``'s features are cached."""
        item = self.items[i]
        audio = Path(item["audio_path"])
        return audio.parent.parent / "features" / self._folder / f"{item['id']}.npy"

    def features(self, i: int) -> np.ndarray:
        """Features of item ``i`` [shape=(n_features, frames)], from the cache."""
        path = self.cache_path(i)
        if path.is_file():
            try:
                return np.load(path)
            except (OSError, ValueError):
                pass  # damaged: compute again
        y, _ = load_audio(self.items[i]["audio_path"], sr=self.sr)
        kwargs = dict(self.kwargs)
        if "sr" in inspect.signature(self.fn).parameters:
            kwargs["sr"] = self.sr
        X = np.asarray(self.fn(y, **kwargs), dtype=np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npy")
        np.save(tmp, X)
        os.replace(tmp, path)
        return X

    def label(self, i: int, n_frames: int) -> np.ndarray:
        """Integer label of item ``i``: a scalar, or frame targets for chords."""
        if self.target == "chords":
            hop = self.kwargs.get("hop_length", HOP_LENGTH)
            return chord_targets(
                self.items[i]["chords"], n_frames, sr=self.sr, hop_length=hop
            )
        return np.int64(self.labels[i])

    def __getitem__(self, i):
        import torch

        X = self.features(i)
        return torch.from_numpy(X), torch.as_tensor(self.label(i, X.shape[-1]))

    def tensors(self, device=None):
        """All features and labels stacked: ``(X, y)`` on ``device``.

        For small sets of equal-length items (notes, styles) that fit in (GPU)
        memory, so that training skips the data loader.

        Returns
        -------
        X : torch.Tensor [shape=(n_items, n_features, frames)], float32
        y : torch.Tensor [shape=(n_items,)], int64

        Raises
        ------
        ParameterError
            If the items' features differ in shape (e.g. whole chorales).
        """
        import torch

        feats = [self.features(i) for i in range(len(self))]
        shapes = {f.shape for f in feats}
        if len(shapes) > 1:
            raise ParameterError(
                f"tensors() needs features of one shape, got {sorted(shapes)[:3]}...; "
                "cut the items to equal length or iterate over the dataset"
            )
        X = torch.from_numpy(np.stack(feats)) if feats else torch.empty(0)
        y = torch.as_tensor(
            np.stack([self.label(i, f.shape[-1]) for i, f in enumerate(feats)])
            if feats
            else np.zeros(0, dtype=np.int64)
        )
        return X.to(device), y.to(device)
