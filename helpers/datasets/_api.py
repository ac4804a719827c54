"""Building and loading the embedded datasets by name."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..errors import DatasetError, ParameterError
from ._build import _intact, build_dataset, dataset_dir, read_manifest, resolve_quick
from .chorales import CHORALES
from .notes import NOTES
from .styles import STYLES

__all__ = [
    "DATASETS",
    "build",
    "load_manifest",
    "load_items",
    "load_notes",
    "load_chorales",
    "load_styles",
    "summary_table",
]

#: The embedded datasets that are built and cached, by name.
DATASETS = {"notes": NOTES, "chorales": CHORALES, "styles": STYLES}
_SPLITS = ("train", "valid", "test", "all")


def _check_name(name) -> str:
    if name not in DATASETS:
        raise ParameterError(
            f"name must be one of {sorted(DATASETS)} (probes are made in memory by "
            f"make_probes), got {name!r}"
        )
    return name


def build(
    name: str | None = None,
    *,
    quick: bool | None = None,
    seed: int = 0,
    progress: bool = True,
    workers: int | None = None,
) -> dict:
    """Build (or check, finish and repair) embedded datasets.

    Idempotent: a finished, intact dataset is only checked (SHA-256 of every
    file); a missing, interrupted or damaged one is completed, rendering only
    what is missing, and ends with the same checksums.

    Parameters
    ----------
    name : str or None
        ``"notes"``, ``"chorales"`` or ``"styles"``; ``None`` builds all three.
    quick : bool or None
        Small (quick) or full size; ``None`` follows ``helpers.env.quick_mode()``.
    seed : int
        Base seed of every random choice (instruments, tempi, splits).
    progress : bool
        Show progress bars.
    workers : int or None
        Rendering processes; ``None``: up to 2.

    Returns
    -------
    manifests : dict
        Dataset name to its manifest (see :func:`load_manifest`).
    """
    quick = resolve_quick(quick)
    names = list(DATASETS) if name is None else [_check_name(name)]
    return {
        n: build_dataset(
            DATASETS[n], quick=quick, seed=seed, progress=progress, workers=workers
        )
        for n in names
    }


def load_manifest(
    name: str,
    *,
    quick: bool | None = None,
    seed: int = 0,
    build_missing: bool = True,
    progress: bool = True,
) -> dict:
    """Return a dataset's manifest, building the dataset first if needed.

    Parameters
    ----------
    name : str
        ``"notes"``, ``"chorales"`` or ``"styles"``.
    quick : bool or None
        Size; ``None`` follows ``helpers.env.quick_mode()``.
    seed : int
        Base seed.
    build_missing : bool
        Build (with a progress bar) when the cache is absent or incomplete;
        ``False`` raises :class:`~helpers.errors.DatasetError` instead.
    progress : bool
        Show the progress bar while building.

    Returns
    -------
    manifest : dict
        ``name``; ``key`` (version, quick, seed, sr); ``info`` (``classes``,
        ``target``...); ``items``: list of dicts with ``id``, ``path`` (relative
        to ``root``), ``sha256``, ``bytes``, ``seconds``, ``split``, ``group``
        and the labels; ``stats``; ``root``: the folder, as a str.

    Raises
    ------
    DatasetError
        If the cache is missing or incomplete and ``build_missing`` is False.
    """
    _check_name(name)
    quick = resolve_quick(quick)
    spec = DATASETS[name]
    root = dataset_dir(name, quick=quick, seed=seed)
    manifest = read_manifest(root)
    fresh = manifest is not None and manifest["key"].get("version") == spec.version
    if fresh:
        fresh = _intact(root, manifest)
    if not fresh:
        if not build_missing:
            raise DatasetError(
                f"dataset {name!r} ({'quick' if quick else 'full'}) is not built "
                f"or incomplete in {str(root)!r}; run `python -m helpers.datasets "
                f"build{' --quick' if quick else ''}` or load with build_missing=True"
            )
        manifest = build_dataset(
            spec, quick=quick, seed=seed, progress=progress, verify_checksums=False
        )
    manifest = dict(manifest)
    manifest["root"] = str(root)
    return manifest


def load_items(
    name: str,
    *,
    split: str = "train",
    split_key: str = "split",
    quick: bool | None = None,
    seed: int = 0,
    labels: bool = True,
) -> list[dict]:
    """Items of one split of a dataset, with absolute paths.

    Parameters
    ----------
    name : str
        Dataset name.
    split : str
        ``"train"``, ``"valid"``, ``"test"`` or ``"all"``.
    split_key : str
        Which split column to use (``"split"``; for notes also ``"split_note"``).
    quick : bool or None
        Size; ``None`` follows ``helpers.env.quick_mode()``.
    seed : int
        Base seed.
    labels : bool
        Also read each item's time-aligned labels file (chorales) into the dict.

    Returns
    -------
    items : list of dict
        Each with ``audio_path`` (absolute), the labels and ``classes`` index
        fields as in the manifest.
    """
    if split not in _SPLITS:
        raise ParameterError(f"split must be one of {_SPLITS}, got {split!r}")
    manifest = load_manifest(name, quick=quick, seed=seed)
    root = Path(manifest["root"])
    if manifest["items"] and split_key not in manifest["items"][0]:
        keys = sorted(k for k in manifest["items"][0] if k.startswith("split"))
        raise ParameterError(f"split_key must be one of {keys}, got {split_key!r}")
    out = []
    for item in manifest["items"]:
        if split != "all" and item[split_key] != split:
            continue
        item = dict(item)
        item["audio_path"] = str(root / item["path"])
        if labels and "labels_path" in item:
            item.update(json.loads((root / item["labels_path"]).read_text()))
        out.append(item)
    return out


def load_notes(
    split: str = "train",
    *,
    by: str = "program",
    quick: bool | None = None,
    seed: int = 0,
) -> list[dict]:
    """Single notes of the ``notes`` dataset (built on first use).

    Parameters
    ----------
    split : str
        ``"train"``, ``"valid"``, ``"test"`` or ``"all"``.
    by : str
        ``"program"`` (test instruments are never heard in training) or
        ``"note"`` (every instrument heard, each note on one side).
    quick, seed
        See :func:`load_manifest`.

    Returns
    -------
    items : list of dict
        ``audio_path``, ``family``, ``program``, ``program_name``, ``pitch``,
        ``velocity``, ``pitched``, ``split``, ``split_note``, ``group``...
    """
    keys = {"program": "split", "note": "split_note"}
    if by not in keys:
        raise ParameterError(f"by must be 'program' or 'note', got {by!r}")
    return load_items("notes", split=split, split_key=keys[by], quick=quick, seed=seed)


def load_chorales(
    split: str = "train", *, quick: bool | None = None, seed: int = 0
) -> list[dict]:
    """Rendered Bach chorales with chords, key, beats and notes (built on first use).

    Returns
    -------
    items : list of dict
        ``audio_path``, ``chords`` (``[start_s, end_s, label]``), ``key``,
        ``beats``, ``downbeats`` (seconds), ``notes``
        (``[start_s, end_s, pitch, voice]``), ``tempo``, ``transpose``,
        ``programs``, ``source``, ``group``, ``split``.
    """
    return load_items("chorales", split=split, quick=quick, seed=seed)


def load_styles(
    split: str = "train", *, quick: bool | None = None, seed: int = 0
) -> list[dict]:
    """6-second clips labelled by style group (built on first use).

    Returns
    -------
    items : list of dict
        ``audio_path``, ``style`` (one of ``STYLE_CLASSES``), ``source``,
        ``group``, ``split``, ``tempo``, ``transpose``, ``programs``.
    """
    return load_items("styles", split=split, quick=quick, seed=seed)


def summary_table(manifests: dict, seconds: dict | None = None) -> str:
    """A plain-text table: items, hours of audio, classes, size and build time."""
    rows = [("dataset", "items", "hours", "classes", "size MB", "seconds")]
    for name, m in manifests.items():
        stats = m["stats"]
        took = (seconds or {}).get(name, stats.get("build_seconds", 0.0))
        rows.append(
            (
                name,
                str(stats["items"]),
                f"{stats['hours']:.2f}",
                str(len(m["info"].get("classes", []))),
                f"{stats['bytes'] / 1e6:.1f}",
                f"{took:.1f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=False))
        ]
        lines.append("  ".join(cells))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _timed_build(quick: bool, seed: int, progress: bool, workers):
    manifests, seconds = {}, {}
    for name in DATASETS:
        t0 = time.perf_counter()
        manifests[name] = build(
            name, quick=quick, seed=seed, progress=progress, workers=workers
        )[name]
        seconds[name] = time.perf_counter() - t0
    return manifests, seconds
