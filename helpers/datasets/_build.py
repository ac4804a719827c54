"""The build machinery shared by every embedded dataset.

A dataset is a *plan* (a list of items with their labels, split and group,
computed from the scores without any audio) and a *render* function (one item
to audio). :func:`build_dataset` renders what is missing, writes every file
atomically, appends each file's checksum to a journal as it goes and writes the
manifest last. A build that is killed leaves complete files and a journal; the
next build checks each file against its checksum, renders again only what is
missing or damaged, and ends with the same checksums, because every random
choice is seeded from the base seed and the item's own name.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import SR
from ..env import data_dir, quick_mode
from ..errors import DatasetError, ParameterError

__all__ = [
    "Spec",
    "dataset_dir",
    "build_dataset",
    "read_manifest",
    "item_rng",
    "sha256_file",
    "write_flac",
    "write_json",
    "resolve_quick",
    "verify",
]

MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"


@dataclass(frozen=True)
class Spec:
    """How to build one dataset.

    Attributes
    ----------
    name : str
        Folder name under :func:`helpers.env.data_dir`.
    version : int
        Bumped whenever the plan or the rendering changes, so that old caches
        are rebuilt instead of trusted.
    plan : callable
        ``plan(quick: bool, seed: int) -> (items, info)``: ``items`` is a list
        of dicts with at least ``id``, ``split`` and ``group``; an item's
        ``"extra"`` dict, if any, is stored as ``<id>.json`` beside the audio.
        ``info`` is a dict stored in the manifest (e.g. ``classes``).
    render : callable
        ``render(item, seed) -> np.ndarray [shape=(n,)]`` float audio at ``SR``.
    """

    name: str
    version: int
    plan: Callable
    render: Callable


def resolve_quick(quick) -> bool:
    """``quick`` as a bool; ``None`` follows :func:`helpers.env.quick_mode`."""
    if quick is None:
        return quick_mode()
    if not isinstance(quick, (bool, np.bool_)):
        raise ParameterError(f"quick must be True, False or None, got {quick!r}")
    return bool(quick)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def dataset_dir(name: str, *, quick: bool, seed: int = 0) -> Path:
    """Folder of one build: ``data_dir()/<name>/<quick|full>[-seed<k>]``."""
    mode = "quick" if quick else "full"
    suffix = "" if seed == 0 else f"-seed{seed}"
    return data_dir() / name / f"{mode}{suffix}"


def item_rng(seed: int, *keys) -> np.random.Generator:
    """A generator seeded from the base seed and an item's keys (names, numbers).

    Seeding per item (not one stream for the whole build) makes every item's
    random choices independent of the others, so that a resumed build, or a
    build of a subset, gives identical files.
    """
    digest = hashlib.sha256(repr((int(seed),) + tuple(keys)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def sha256_file(path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_flac(path: Path, y: np.ndarray, sr: int = SR) -> None:
    """Write mono ``y`` as 16-bit FLAC, atomically (temporary file, then rename)."""
    import soundfile as sf

    y = np.clip(np.asarray(y, dtype=np.float64), -1.0, 1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    sf.write(tmp, y, sr, subtype="PCM_16", format="FLAC")
    os.replace(tmp, path)


def write_json(path: Path, obj) -> None:
    """Write ``obj`` as JSON, atomically; sorted keys keep the bytes reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    tmp.write_text(json.dumps(obj, sort_keys=True, separators=(",", ":")))
    os.replace(tmp, path)


def read_manifest(root: Path) -> dict | None:
    """The manifest in ``root``, or ``None`` when it is missing or unreadable."""
    try:
        return json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _known_checksums(root: Path, key: dict) -> dict[str, str]:
    """Checksums recorded by an earlier (finished or killed) build with ``key``."""
    known: dict[str, str] = {}
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("key") == key:
        for item in manifest["items"]:
            known[item["path"]] = item["sha256"]
            if "labels_path" in item:
                known[item["labels_path"]] = item["labels_sha256"]
    try:
        lines = (root / JOURNAL).read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a kill
        if entry.get("key") == key:
            known[entry["path"]] = entry["sha256"]
    return known


def build_dataset(
    spec: Spec,
    *,
    quick: bool,
    seed: int = 0,
    progress: bool = True,
    verify_checksums: bool = True,
    workers: int | None = None,
):
    """Build (or finish, or repair) one dataset and return its manifest.

    Parameters
    ----------
    spec : Spec
    quick : bool
        The quick (small) or the full size; they live in separate folders.
    seed : int
        Base seed of every random choice.
    progress : bool
        Show a progress bar (``tqdm.auto``).
    verify_checksums : bool
        When a manifest exists, check every file's SHA-256 against it (a few
        hundred MB a second); ``False`` only checks that the files exist with
        the recorded sizes.
    workers : int or None
        Processes that render in parallel; ``None``: up to 2, one per CPU.

    Returns
    -------
    manifest : dict
        ``name``, ``key`` (version, quick, seed), ``info``, ``items`` (each with
        ``path``, ``sha256``, ``bytes``, ``seconds``, ``split``, ``group`` and
        labels), ``stats`` (items, hours, bytes, seconds to build).
    """
    from tqdm.auto import tqdm

    seed = _check_seed(seed)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    t0 = time.perf_counter()
    root = dataset_dir(spec.name, quick=quick, seed=seed)
    root.mkdir(parents=True, exist_ok=True)
    key = {"version": spec.version, "quick": bool(quick), "seed": seed, "sr": SR}
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("key") == key:
        ok = not verify(root, manifest) if verify_checksums else _intact(root, manifest)
        if ok:
            return manifest
    known = _known_checksums(root, key)
    items, info = spec.plan(quick, seed)
    ids = [item["id"] for item in items]
    if len(set(ids)) != len(ids):
        raise DatasetError(f"{spec.name}: the plan has duplicate item ids")
    for item in items:
        _prepare(item)
    todo = [item for item in items if not _reuse(item, root, known)]
    journal = open(root / JOURNAL, "a")  # noqa: SIM115 - closed below
    bar = tqdm(
        total=len(items),
        initial=len(items) - len(todo),
        desc=f"{spec.name} ({'quick' if quick else 'full'})",
        disable=not progress,
        unit="item",
    )
    try:
        for item, y in _render_all(spec, todo, seed, workers):
            _write_item(item, y, root, key, journal)
            bar.update()
    finally:
        bar.close()
        journal.close()
    total = sum(item["bytes"] + item.get("labels_bytes", 0) for item in items)
    hours = sum(item["seconds"] for item in items) / 3600
    manifest = {
        "name": spec.name,
        "key": key,
        "info": info,
        "items": items,
        "stats": {
            "items": len(items),
            "hours": hours,
            "bytes": total,
            "build_seconds": time.perf_counter() - t0,
        },
    }
    write_json(root / MANIFEST, manifest)
    (root / JOURNAL).unlink(missing_ok=True)
    for stale in root.rglob(".*.tmp"):  # left by a killed build
        stale.unlink(missing_ok=True)
    return manifest


def _prepare(item: dict) -> None:
    """Give an item its file paths; its ``extra`` labels wait in ``_extra``."""
    item["path"] = f"audio/{item['id']}.flac"
    if "extra" in item:
        item["_extra"] = item.pop("extra")
        item["labels_path"] = f"labels/{item['id']}.json"


def _reuse(item: dict, root: Path, known: dict) -> bool:
    """Whether the item's files exist with the checksums an earlier build recorded."""
    rels = [item["path"]] + ([item["labels_path"]] if "labels_path" in item else [])
    for rel in rels:
        want = known.get(rel)
        if (
            want is None
            or not (root / rel).is_file()
            or sha256_file(root / rel) != want
        ):
            return False
    item["sha256"] = known[item["path"]]
    item["bytes"] = (root / item["path"]).stat().st_size
    if "labels_path" in item:
        item["labels_sha256"] = known[item["labels_path"]]
        item["labels_bytes"] = (root / item["labels_path"]).stat().st_size
        item.pop("_extra")
    if "seconds" not in item:
        import soundfile as sf

        item["seconds"] = sf.info(str(root / item["path"])).duration
    return True


def _render_one(args):
    spec, item, seed = args
    return spec.render(item, seed)


def _render_all(spec: Spec, todo: list, seed: int, workers: int):
    """Yield ``(item, audio)`` in order, rendering in ``workers`` processes."""
    if workers <= 1 or len(todo) < 4 * workers:
        for item in todo:
            yield item, spec.render(item, seed)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent may hold threads (PyTorch, a notebook kernel)
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        jobs = [
            (spec, {k: v for k, v in it.items() if k != "_extra"}, seed) for it in todo
        ]
        yield from zip(todo, pool.map(_render_one, jobs, chunksize=4), strict=False)


def _write_item(item: dict, y: np.ndarray, root: Path, key: dict, journal) -> None:
    """Write an item's audio (and labels) atomically and journal their checksums."""
    files = [(item["path"], None)]
    if "labels_path" in item:
        files.append((item["labels_path"], item.pop("_extra")))
    for rel, payload in files:
        path = root / rel
        if payload is None:
            write_flac(path, y)
        else:
            write_json(path, payload)
        digest = sha256_file(path)
        journal.write(json.dumps({"key": key, "path": rel, "sha256": digest}) + "\n")
        journal.flush()
        if payload is None:
            item["sha256"], item["bytes"] = digest, path.stat().st_size
        else:
            item["labels_sha256"], item["labels_bytes"] = digest, path.stat().st_size
    item["seconds"] = len(y) / SR


def _intact(root: Path, manifest: dict) -> bool:
    """Every file of the manifest exists with its recorded size (cheap check)."""
    for item in manifest["items"]:
        pairs = [(item["path"], item["bytes"])]
        if "labels_path" in item:
            pairs.append((item["labels_path"], item["labels_bytes"]))
        for rel, size in pairs:
            try:
                if (root / rel).stat().st_size != size:
                    return False
            except OSError:
                return False
    return True


def verify(root: Path, manifest: dict) -> list[str]:
    """Paths (relative to ``root``) whose SHA-256 differs from the manifest."""
    bad = []
    for item in manifest["items"]:
        pairs = [(item["path"], item["sha256"])]
        if "labels_path" in item:
            pairs.append((item["labels_path"], item["labels_sha256"]))
        for rel, digest in pairs:
            path = root / rel
            if not path.is_file() or sha256_file(path) != digest:
                bad.append(rel)
    return bad
