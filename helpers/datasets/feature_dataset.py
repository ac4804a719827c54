"""PyTorch datasets over dataset items: waveforms, or features cached on disk.

Items are those of :func:`~helpers.datasets.load_notes` and the other loaders
(``audio_path``, ``sha256``, labels), of ``AudioFolder`` or of GTZAN.
:class:`FeatureDataset` (introduced in ``01_background``) caches features by
the audio's checksum and everything else they depend on; :class:`AudioDataset`
yields waveforms.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import librosa
import numpy as np
import scipy

from ..audio import load_audio
from ..chords import CHORD_CLASSES, chord_targets
from ..config import HOP_LENGTH, SR
from ..env import data_dir
from ..errors import ParameterError
from ..features import FEATURE_REGISTRY, FEATURES, extract
from ..validate import atomic_write, one_of, sample_rate
from .cache import sha256_file, write_json

__all__ = ["AudioDataset", "FeatureDataset"]

#: Bumped whenever the feature code changes what it computes, so that features
#: cached by an older version are computed again (part of the cache key).
FEATURE_CACHE_VERSION = 2


def feature_key(feature: str, sr: int, kwargs: dict) -> dict:
    """What cached features depend on, besides the audio: the feature, every
    argument of its function (the defaults of :mod:`helpers.config` filled
    in), the sample rate, this module's :data:`FEATURE_CACHE_VERSION` and the
    versions of librosa and NumPy. Features are cached in a folder named by
    its hash (:class:`FeatureDataset`)."""
    settings = FEATURE_REGISTRY[feature].settings(feature, sr, kwargs)
    return {"version": FEATURE_CACHE_VERSION, "feature": feature, "sr": sr,
            "settings": json.loads(json.dumps(settings, default=repr)),
            "librosa": librosa.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__}


def _targets(items, target, classes):
    """Class indices of ``item[target]`` and the class list (chords: per frame)."""
    if not isinstance(target, str):
        raise ParameterError(f"target must be the name of an item key, got {target!r}")
    if target == "chords":
        return None, list(CHORD_CLASSES)
    if not items:
        return [], list(classes or [])
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

    The base of :class:`FeatureDataset`; on its own, the input of a model that
    learns from the waveform.

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
        self.sr = sample_rate(sr)
        if target == "chords" and type(self) is AudioDataset:
            raise ParameterError(
                "target='chords' gives one class per feature frame, which a "
                "waveform does not have: use FeatureDataset(items, target='chords') "
                "(and its hop_length), or a per-item target such as 'key'"
            )
        self.labels, self.classes = _targets(self.items, target, classes)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        import torch

        y, _ = load_audio(self.items[i]["audio_path"], sr=self.sr)
        return torch.from_numpy(y), torch.tensor(self.labels[i], dtype=torch.int64)


class FeatureDataset(AudioDataset):
    """Features and labels of a list of items, computed once and cached.

    Introduced in ``01_background``.

    Features are stored (atomically) as
    ``data_dir()/features/<feature>-<key>/<sha256>.npy``, named by the
    SHA-256 of the audio they come from: the item's ``sha256`` (every manifest
    has it), else the file's, computed on each read. ``<key>`` is a hash of
    everything else they depend on (:func:`feature_key`: every argument of the
    feature function, defaults from :mod:`helpers.config` included, the sample
    rate, a version of the feature code and the versions of librosa, NumPy and SciPy;
    ``key.json`` in the folder spells it out). So the second epoch, and the
    second notebook, only read them, and neither changed audio nor a changed
    default, feature code or librosa ever gets features of an old version.

    Parameters
    ----------
    items : list of dict
        With ``audio_path``, the ``target`` key and, best, ``sha256``.
    feature : str
        One of :data:`helpers.features.FEATURES` (computed by
        :func:`helpers.features.extract`).
    target : str
        The label key (``"family"``...), or ``"chords"`` for 25-class frame
        targets [shape=(frames,)] from the items' chord segments.
    classes, sr
        As in :class:`AudioDataset`.
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
        super().__init__(items, target=target, classes=classes, sr=sr)
        self.feature = one_of(feature, "feature", FEATURES)
        self.kwargs = dict(sorted(feature_kwargs.items()))
        self.key = feature_key(self.feature, self.sr, self.kwargs)
        text = json.dumps(self.key, sort_keys=True)
        tag = hashlib.sha256(text.encode()).hexdigest()[:12]
        self.folder = data_dir() / "features" / f"{feature}-{tag}"

    def cache_path(self, i: int) -> Path:
        """Where item ``i``'s features are cached (named by its audio's SHA-256)."""
        item = self.items[i]
        digest = item.get("sha256") or sha256_file(item["audio_path"])
        return self.folder / f"{digest}.npy"

    def features(self, i: int) -> np.ndarray:
        """Features of item ``i`` [shape=(n_features, frames)], from the cache."""
        path = self.cache_path(i)
        try:
            return np.load(path)
        except (OSError, ValueError):
            pass  # not cached yet, or damaged: compute
        y, _ = load_audio(self.items[i]["audio_path"], sr=self.sr)
        X = extract(y, self.feature, sr=self.sr, **self.kwargs).astype(np.float32)
        if not (self.folder / "key.json").is_file():  # what the folder's name hashes
            write_json(self.folder / "key.json", self.key)
        with atomic_write(path) as tmp, open(tmp, "wb") as f:
            np.save(f, X)
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
        y = [self.label(i, f.shape[-1]) for i, f in enumerate(feats)]
        y = torch.from_numpy(np.stack(y)) if y else torch.zeros(0, dtype=torch.int64)
        return X.to(device), y.to(device)
