"""The cache of the embedded datasets: build once, check, load.

Each dataset is the module of this package named in :data:`DATASETS`, which
defines ``VERSION`` (bumped whenever the items or their sound change, so that
old caches are rebuilt instead of trusted) and two functions:

- ``plan(quick, seed) -> (items, info)`` lists the items, computed from the
  scores without any audio: dicts with at least ``id``, ``split``, ``group``
  and ``seconds``; an item's ``"extra"`` dict, if any, is stored as
  ``labels/<id>.json``. ``info`` (e.g. ``classes``) goes in the manifest.
- ``render(item, seed, soundfont) -> np.ndarray [shape=(n,)]`` makes one
  item's audio at ``SR`` with the SoundFont file ``soundfont`` (a str).

:func:`build` renders what is missing, writes every file atomically, appends
each file's checksum to a journal as it goes and writes the manifest last. A
build that is killed leaves complete files and a journal; the next build
checks each file against its checksum, renders again only what is missing or
damaged, and ends with the same checksums, because every random choice is
seeded from the base seed and the item's own name (:func:`item_rng`).

A build is identified by its *key*: the dataset's version, the size (quick or
full), the seed, the sample rate and the SoundFont's SHA-256 (its file name is
in the manifest too). Each key has its own folder (:func:`dataset_dir`), so two
SoundFonts never share a cache, and a manifest whose key differs is never
trusted.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
from pathlib import Path

import numpy as np

from ..audio import write_audio
from ..config import SR
from ..env import data_dir, quick_mode, static_widgets
from ..errors import DatasetError, ParameterError
from ..render import soundfont_path
from ..validate import atomic_write, one_of

__all__ = [
    "DATASETS", "SPLITS", "build", "load_manifest", "load_items",
    "dataset_dir", "item_rng", "sha256_file", "verify",
]  # fmt: skip

#: The embedded datasets, each built by the module of the same name.
DATASETS = ("notes", "chorales", "styles")
#: The splits a loader accepts.
SPLITS = ("train", "valid", "test", "all")
MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"


def _dataset(name):
    """The module that defines the dataset ``name`` (see the module docstring)."""
    one_of(name, "name", DATASETS)
    return importlib.import_module(f"{__package__}.{name}")


def resolve_quick(quick) -> bool:
    """``quick`` as a bool; ``None`` follows :func:`helpers.env.quick_mode`."""
    if quick is None:
        return quick_mode()
    if not isinstance(quick, (bool, np.bool_)):
        raise ParameterError(f"quick must be True, False or None, got {quick!r}")
    return bool(quick)


def _key(name: str, quick: bool, seed, soundfont) -> dict:
    """What identifies a build; see the module docstring."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a non-negative int, got {seed!r}")
    version = _dataset(name).VERSION
    key = {"version": version, "quick": bool(quick), "seed": int(seed), "sr": SR}
    return key | {"soundfont_sha256": sha256_file(soundfont_path(soundfont))}


def dataset_dir(name: str, *, quick: bool, seed: int = 0, soundfont=None) -> Path:
    """Folder of one build: ``data_dir()/<name>/<quick|full>[-seed<k>][-<font>]``.

    ``<font>`` (the SoundFont's name and the start of its SHA-256) is added for
    any SoundFont but the shipped one. Used by :func:`build` and the loaders.
    """
    folder = ("quick" if quick else "full") + (f"-seed{seed}" if seed else "")
    if soundfont is not None:
        digest = sha256_file(soundfont_path(soundfont))
        if digest != sha256_file(soundfont_path()):
            folder += f"-{Path(soundfont).stem}-{digest[:8]}"
    return data_dir() / name / folder


def item_rng(seed: int, *keys) -> np.random.Generator:
    """A generator seeded from the base seed and an item's keys (names, numbers).

    Seeding per item (not one stream for the whole build) makes every item's
    random choices independent of the others, so that a resumed build, or a
    build of a subset, gives identical files.
    """
    digest = hashlib.sha256(repr((int(seed),) + tuple(keys)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def sha256_file(path) -> str:
    """Hex SHA-256 of a file's bytes (checksums, the cache key, FeatureDataset)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_json(path: Path, obj) -> None:
    """Write ``obj`` as JSON, atomically; sorted keys keep the bytes reproducible."""
    with atomic_write(path) as tmp:
        tmp.write_text(json.dumps(obj, sort_keys=True, separators=(",", ":")))


def read_manifest(root: Path) -> dict | None:
    """The manifest in ``root``, or ``None`` when it is missing or unreadable."""
    try:
        return json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _files(item: dict):
    """``(path, checksum field, size field)`` of an item's audio and labels files."""
    yield item["path"], "sha256", "bytes"
    if "labels_path" in item:
        yield item["labels_path"], "labels_sha256", "labels_bytes"


def _intact(root: Path, manifest: dict) -> bool:
    """Every file of the manifest exists with its recorded size (cheap check)."""
    return all(
        (root / rel).is_file() and (root / rel).stat().st_size == item[size]
        for item in manifest["items"]
        for rel, _, size in _files(item)
    )


def verify(root: Path, manifest: dict) -> list[str]:
    """Paths (relative to ``root``) whose SHA-256 differs from the manifest.

    Used by :func:`build` to check a finished build."""
    return [
        rel
        for item in manifest["items"]
        for rel, digest, _ in _files(item)
        if not (root / rel).is_file() or sha256_file(root / rel) != item[digest]
    ]


def _known_checksums(root: Path, key: dict) -> dict[str, str]:
    """Checksums recorded by an earlier (finished or killed) build with ``key``."""
    known: dict[str, str] = {}
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("key") == key:
        for item in manifest["items"]:
            known.update({rel: item[digest] for rel, digest, _ in _files(item)})
    journal = root / JOURNAL
    for line in journal.read_text().splitlines() if journal.is_file() else []:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a kill
        if entry.get("key") == key:
            known[entry["path"]] = entry["sha256"]
    return known


def _build_one(name: str, *, quick: bool, seed: int, soundfont, progress: bool,
               workers: int | None = None, verify_checksums: bool = True) -> dict:
    """Build (or finish, or repair) one dataset and return its manifest.

    The arguments are those of :func:`build`; ``verify_checksums=False`` only
    checks that an existing build's files have their recorded sizes, instead
    of their SHA-256 (a few hundred MB a second).
    """
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    dataset, key = _dataset(name), _key(name, quick, seed, soundfont)
    root = dataset_dir(name, quick=quick, seed=seed, soundfont=soundfont)
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("key") == key:
        ok = not verify(root, manifest) if verify_checksums else _intact(root, manifest)
        if ok:
            return manifest
    root.mkdir(parents=True, exist_ok=True)
    known = _known_checksums(root, key)
    items, info = dataset.plan(quick, seed)
    if len({item["id"] for item in items}) != len(items):
        raise DatasetError(f"{name}: the plan has duplicate item ids")
    for item in items:
        _prepare(item)
    todo = [item for item in items if not _reuse(item, root, known)]
    font = str(soundfont_path(soundfont))
    n, desc = len(items), f"{name} ({'quick' if quick else 'full'})"
    # A headless notebook run gets one line at the end, not a frozen bar.
    headless = static_widgets()
    bar = tqdm(total=n, initial=n - len(todo), desc=desc, unit="item",
               disable=not progress or headless or not todo)
    with open(root / JOURNAL, "a") as journal, bar:
        for item, y in _render_all(dataset.render, todo, seed, font, workers):
            _write_item(item, y, root, key, journal)
            bar.update()
    stats = {
        "items": len(items), "hours": sum(item["seconds"] for item in items) / 3600,
        "bytes": sum(item["bytes"] + item.get("labels_bytes", 0) for item in items),
        "build_seconds": time.perf_counter() - t0,
    }  # fmt: skip
    manifest = {"name": name, "key": key, "soundfont": Path(font).name,
                "info": info, "items": items, "stats": stats}
    write_json(root / MANIFEST, manifest)
    if progress and headless and todo:
        print(f"{desc}: built {len(todo)} of {n} items in "
              f"{stats['build_seconds']:.0f} s", flush=True)
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
    for rel, _, _ in _files(item):
        path = root / rel
        if rel not in known or not path.is_file() or sha256_file(path) != known[rel]:
            return False
    for rel, digest, size in _files(item):
        item[digest], item[size] = known[rel], (root / rel).stat().st_size
    item.pop("_extra", None)
    return True


def _render_all(render, todo: list, seed: int, font: str, workers):
    """Yield ``(item, audio)`` in order, rendering in ``workers`` processes."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if workers <= 1 or len(todo) < 4 * workers:
        for item in todo:
            yield item, render(item, seed, font)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from itertools import repeat

    jobs = [{k: v for k, v in item.items() if k != "_extra"} for item in todo]
    # spawn, not fork: the parent may hold threads (PyTorch, a notebook kernel)
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        audio = pool.map(render, jobs, repeat(seed), repeat(font), chunksize=4)
        yield from zip(todo, audio, strict=True)


def _write_item(item: dict, y: np.ndarray, root: Path, key: dict, journal) -> None:
    """Write an item's audio (and labels) atomically and journal their checksums."""
    write_audio(root / item["path"], np.clip(np.asarray(y, np.float64), -1, 1), SR)
    if "labels_path" in item:
        write_json(root / item["labels_path"], item.pop("_extra"))
    for rel, digest, size in _files(item):
        item[digest], item[size] = sha256_file(root / rel), (root / rel).stat().st_size
        journal.write(json.dumps({"key": key, "path": rel, "sha256": item[digest]}))
        journal.write("\n")
        journal.flush()
    item["seconds"] = len(y) / SR


def build(name: str | None = None, *, quick: bool | None = None, seed: int = 0,
          soundfont=None, progress: bool = True, workers: int | None = None) -> dict:
    """Build (or check, finish and repair) embedded datasets.

    Idempotent: a finished, intact dataset is only checked (SHA-256 of every
    file); a missing, interrupted or damaged one is completed, rendering only
    what is missing, and ends with the same checksums. Used by
    ``python -m helpers.datasets build``; the loaders build on first use.

    Parameters
    ----------
    name : str or None
        One of :data:`DATASETS`; ``None`` builds all three.
    quick : bool or None
        Small (quick) or full size; ``None`` follows ``helpers.env.quick_mode()``.
    seed : int
        Base seed of every random choice (instruments, tempi, splits).
    soundfont : str, os.PathLike or None
        The SoundFont to render with (:func:`helpers.render.render_midi`);
        ``None``: ``TimGM6mb.sf2``. Each SoundFont has its own cache.
    progress : bool
        Show progress bars.
    workers : int or None
        Rendering processes; ``None``: up to 2, one per CPU.

    Returns
    -------
    manifests : dict
        Dataset name to its manifest (see :func:`load_manifest`).
    """
    quick = resolve_quick(quick)
    names = DATASETS if name is None else [one_of(name, "name", DATASETS)]
    options = {"seed": seed, "soundfont": soundfont, "progress": progress}
    return {n: _build_one(n, quick=quick, workers=workers, **options) for n in names}


def load_manifest(name: str, *, quick: bool | None = None, seed: int = 0,
                  soundfont=None, build_missing: bool = True,
                  progress: bool = True) -> dict:
    """Return a dataset's manifest, building the dataset first if needed.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    quick, seed, soundfont
        See :func:`build`.
    build_missing : bool
        Build (with a progress bar) when the cache is absent or incomplete;
        ``False`` raises :class:`~helpers.errors.DatasetError` instead.
    progress : bool
        Show the progress bar while building.

    Returns
    -------
    manifest : dict
        ``name``; ``key`` (see the module docstring); ``soundfont`` (the file
        name); ``info`` (``classes``, ``target``...); ``items``: list of dicts
        with ``id``, ``path`` (relative to ``root``), ``sha256``, ``bytes``,
        ``seconds``, ``split``, ``group`` and the labels; ``stats``; ``root``:
        the folder, as a str.

    Raises
    ------
    DatasetError
        If the cache is missing or incomplete and ``build_missing`` is False.
    """
    one_of(name, "name", DATASETS)
    quick = resolve_quick(quick)
    root = dataset_dir(name, quick=quick, seed=seed, soundfont=soundfont)
    manifest = read_manifest(root)
    key = _key(name, quick, seed, soundfont)
    if manifest is None or manifest["key"] != key or not _intact(root, manifest):
        if not build_missing:
            raise DatasetError(
                f"dataset {name!r} ({'quick' if quick else 'full'}) is not built "
                f"or incomplete in {str(root)!r}; run `python -m helpers.datasets "
                f"build{' --quick' if quick else ''}` or load with build_missing=True"
            )
        options = {"seed": seed, "soundfont": soundfont, "progress": progress}
        manifest = _build_one(name, quick=quick, verify_checksums=False, **options)
    return {**manifest, "root": str(root)}


def load_items(name: str, *, split: str = "train", split_key: str = "split",
               **options) -> list[dict]:
    """Items of one split (one of :data:`SPLITS`) of a dataset, with their labels.

    The body of :func:`~helpers.datasets.load_notes` and the other loaders:
    ``split_key`` names the split column (``"split"``, or ``"split_note"``),
    ``options`` are those of :func:`load_manifest`. Each item gets its
    ``audio_path`` (absolute) and its time-aligned labels file read into it.
    """
    one_of(split, "split", SPLITS)
    manifest = load_manifest(name, **options)
    root = Path(manifest["root"])
    out = []
    for item in manifest["items"]:
        if split in ("all", item[split_key]):
            item = {**item, "audio_path": str(root / item["path"])}
            if "labels_path" in item:
                item.update(json.loads((root / item["labels_path"]).read_text()))
            out.append(item)
    return out
