"""The cache of the embedded datasets: build once, check, load.

Every dataset, rendered or derived from another, follows one protocol: its
module defines a :class:`Dataset` (``DATASET = Dataset(...)``), and
:mod:`~helpers.datasets.registry` lists them by name, one line each. A
:class:`Dataset` holds:

- ``name``: its name, and its folder under :func:`helpers.env.data_dir`;
- ``version``: bumped whenever the items or their sound change, so that old
  caches are rebuilt instead of trusted;
- ``plan(quick, seed, **sources, **options) -> (items, info)``: the items,
  computed without any audio: dicts with at least ``id``, ``split``,
  ``group`` and ``seconds``; an item's ``"extra"`` dict, if any, is stored as
  ``labels/<id>.json``. ``info`` (``classes`` ...) goes in the manifest;
- ``render(item, seed, soundfont) -> np.ndarray [shape=(n,)]``: one item's
  audio at ``SR`` with the SoundFont file ``soundfont`` (a str); or ``None``
  when the items play their source's audio (each item's ``path`` and
  ``sha256`` are then the source item's);
- ``sources``: the datasets it is derived from (their items, as
  :func:`load_items` returns them, reach ``plan`` by name: ``styles=[...]``),
  and ``options``: its build options with their defaults (passed to ``plan``);
- ``sizes``: the dict ``plan`` reads its size from (``sizes[quick]``), with a
  ``"tiny"`` entry: a quick size small enough for the tests, which build every
  registered dataset with ``sizes[True] = sizes["tiny"]``; ``None`` for a
  dataset whose size follows its sources'.

:func:`build_dataset` renders what is missing, writes every file atomically,
appends each file's checksum to a journal as it goes and writes the manifest
last. A build that is killed leaves complete files and a journal; the next
build checks each file against its checksum, renders again only what is
missing or damaged, and ends with the same checksums, because every random
choice is seeded from the base seed and the item's own name (:func:`item_rng`).

A build is identified by its *key*: the dataset's version, the size (quick or
full), the seed, the sample rate and the SoundFont's SHA-256 (its file name is
in the manifest too); for a derived dataset, also the fingerprint of each
source's manifest and the options. Each key has its own folder
(:func:`dataset_dir`), so two SoundFonts, or two sets of options, never share a
cache, and a manifest whose key differs is never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..audio import write_audio
from ..config import SR
from ..env import data_dir, quick_mode, static_widgets
from ..errors import DatasetError, ParameterError
from ..render import soundfont_path
from ..validate import atomic_write, integer, one_of

__all__ = [
    "Dataset", "SPLITS", "build_dataset", "dataset_manifest", "load_items",
    "dataset_dir", "item_rng", "sha256_file", "verify",
]  # fmt: skip

#: The splits a loader accepts.
SPLITS = ("train", "valid", "test", "all")
MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"


@dataclass(eq=False)
class Dataset:
    """One embedded dataset: what the cache needs to build, check and load it.

    See the module docstring for each field. Not used by the notebooks: each
    dataset module defines one, and :mod:`~helpers.datasets.registry` lists them.
    """

    name: str
    version: int
    plan: Callable
    render: Callable | None
    sources: tuple[Dataset, ...] = ()
    options: dict = field(default_factory=dict)
    sizes: dict | None = None


def resolve_quick(quick) -> bool:
    """``quick`` as a bool; ``None`` follows :func:`helpers.env.quick_mode`."""
    if quick is None:
        return quick_mode()
    if not isinstance(quick, (bool, np.bool_)):
        raise ParameterError(f"quick must be True, False or None, got {quick!r}")
    return bool(quick)


def _options(dataset, options: dict) -> dict:
    """The dataset's build options: its defaults, updated with ``options``."""
    defaults = dataset.options
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        takes = ", ".join(defaults) or "no options"
        raise ParameterError(
            f"dataset {dataset.name!r} takes no option {', '.join(unknown)} "
            f"(it takes {takes})"
        )
    # as JSON reads them back (tuples as lists), so that keys compare equal
    return json.loads(json.dumps(defaults | options))


def _fingerprint(manifest: dict) -> str:
    """SHA-256 of a manifest's key and its items' checksums: what a dataset
    derived from it depends on."""
    items = [[i["id"], i.get("sha256"), i.get("labels_sha256")]
             for i in manifest["items"]]
    text = json.dumps([manifest["key"], items], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _key(dataset, quick: bool, seed, soundfont, options: dict,
         sources: dict) -> dict:
    """What identifies a build; see the module docstring."""
    seed = integer(seed, "seed", low=0)
    key = {"version": dataset.version, "quick": bool(quick), "seed": seed, "sr": SR}
    key["soundfont_sha256"] = sha256_file(soundfont_path(soundfont))
    if options:
        key["options"] = options
    if sources:
        key["sources"] = {name: _fingerprint(m) for name, m in sources.items()}
    return key


def dataset_dir(dataset, *, quick: bool, seed: int = 0, soundfont=None,
                **options) -> Path:
    """Folder of one build: ``data_dir()/<name>/<quick|full>[-seed<k>][-<font>][-<o>]``.

    ``<font>`` (the SoundFont's name and the start of its SHA-256) is added for
    any SoundFont but the shipped one, ``<o>`` (the start of a hash of the
    options) for options other than the dataset's defaults. Used by
    :func:`build_dataset` and the loaders.
    """
    folder = ("quick" if quick else "full") + (f"-seed{seed}" if seed else "")
    if soundfont is not None:
        digest = sha256_file(soundfont_path(soundfont))
        if digest != sha256_file(soundfont_path()):
            folder += f"-{Path(soundfont).stem}-{digest[:8]}"
    options = _options(dataset, options)
    if options != _options(dataset, {}):
        text = json.dumps(options, sort_keys=True)
        folder += "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return data_dir() / dataset.name / folder


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
    """The manifest in ``root``, or ``None`` when it is missing, unreadable or
    not a manifest (no ``key`` or ``items``)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not {"key", "items"} <= set(manifest):
        return None
    return manifest


def _files(item: dict, own_audio: bool = True):
    """``(path, checksum field, size field)`` of the files an item owns: its
    audio (unless it plays a source's) and its labels."""
    if own_audio:
        yield item["path"], "sha256", "bytes"
    if "labels_path" in item:
        yield item["labels_path"], "labels_sha256", "labels_bytes"


def _owned(manifest: dict):
    """``(item, path, checksum field, size field)`` of every file a manifest owns."""
    own_audio = manifest.get("audio_from") is None
    for item in manifest["items"]:
        for rel, digest, size in _files(item, own_audio):
            yield item, rel, digest, size


def _intact(root: Path, manifest: dict) -> bool:
    """Every file of the manifest exists with its recorded size (cheap check)."""
    return all(
        (root / rel).is_file() and (root / rel).stat().st_size == item[size]
        for item, rel, _, size in _owned(manifest)
    )


def verify(root: Path, manifest: dict) -> list[str]:
    """Paths (relative to ``root``) whose SHA-256 differs from the manifest.

    Used by :func:`build_dataset` to check a finished build."""
    return [
        rel
        for item, rel, digest, _ in _owned(manifest)
        if not (root / rel).is_file() or sha256_file(root / rel) != item[digest]
    ]


def _known_checksums(root: Path, key: dict) -> dict[str, str]:
    """Checksums recorded by an earlier (finished or killed) build with ``key``."""
    known: dict[str, str] = {}
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("key") == key:
        known.update({rel: item[digest] for item, rel, digest, _ in _owned(manifest)})
    journal = root / JOURNAL
    for line in journal.read_text().splitlines() if journal.is_file() else []:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a kill
        if entry.get("key") == key:
            known[entry["path"]] = entry["sha256"]
    return known


def _sources(dataset, *, quick: bool, seed: int, soundfont, build_missing: bool,
             progress: bool) -> dict[str, dict]:
    """The manifests of the datasets ``dataset`` is derived from, by name."""
    options = {"quick": quick, "seed": seed, "soundfont": soundfont,
               "build_missing": build_missing, "progress": progress}
    return {src.name: dataset_manifest(src, **options) for src in dataset.sources}


def build_dataset(dataset, *, quick: bool, seed: int = 0, soundfont=None,
                  progress: bool = True, workers: int | None = None,
                  verify_checksums: bool = True, **options) -> dict:
    """Build (or finish, or repair) one dataset and return its manifest.

    The arguments are those of :func:`helpers.datasets.build`, and the
    dataset's ``options``; ``verify_checksums=False`` only checks that an
    existing build's files have their recorded sizes, instead of their
    SHA-256 (a few hundred MB a second). The datasets it is derived from are
    built first. Builds of one folder by several processes take turns.
    """
    t0 = time.perf_counter()
    seed, options = integer(seed, "seed", low=0), _options(dataset, options)
    sources = _sources(dataset, quick=quick, seed=seed, soundfont=soundfont,
                       build_missing=True, progress=progress)
    key = _key(dataset, quick, seed, soundfont, options, sources)
    root = dataset_dir(dataset, quick=quick, seed=seed, soundfont=soundfont, **options)
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("key") == key:
        ok = not verify(root, manifest) if verify_checksums else _intact(root, manifest)
        if ok:
            return manifest
    root.mkdir(parents=True, exist_ok=True)
    with _building(root):
        # Another process may have finished this build while we waited.
        manifest = read_manifest(root)
        if manifest is not None and manifest.get("key") == key and (
            _intact(root, manifest) and not verify(root, manifest)
        ):
            return manifest
        return _build_locked(dataset, root, key, sources, quick, seed, soundfont,
                             progress, workers, options, t0)


@contextlib.contextmanager
def _building(root: Path):
    """Hold ``root``'s build lock: one builder per folder, the others wait.

    Two notebooks started together in a class, or two test processes, share a
    data folder; the second waits for the first's build and then finds it done.
    An advisory ``flock`` on ``root/.lock`` ends with its process, so a killed
    build never leaves a stale lock. Where ``fcntl`` is missing (Windows) builds
    are not locked.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here
        yield
        return
    with open(root / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_locked(dataset, root, key, sources, quick, seed, soundfont, progress,
                  workers, options, t0) -> dict:
    """The body of :func:`build_dataset`, run under the folder's build lock."""
    from tqdm.auto import tqdm

    name = dataset.name
    known = _known_checksums(root, key)
    source_items = {n: _items(m, "all", "split") for n, m in sources.items()}
    items, info = dataset.plan(quick, seed, **source_items, **options)
    if len({item["id"] for item in items}) != len(items):
        raise DatasetError(f"{name}: the plan has duplicate item ids")
    own_audio = dataset.render is not None
    for item in items:
        _prepare(item, own_audio)
    todo = [item for item in items if not _reuse(item, root, known, own_audio)]
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
    manifest = {"name": name, "key": key, "soundfont": Path(font).name,
                "info": info, "items": items}
    if not own_audio:
        (manifest["audio_from"],) = sources  # the one source whose audio it plays
    manifest["stats"] = {
        "items": len(items), "hours": sum(item["seconds"] for item in items) / 3600,
        "bytes": sum(item[size] for item, _, _, size in _owned(manifest)),
        "build_seconds": time.perf_counter() - t0,
    }  # fmt: skip
    stats = manifest["stats"]
    write_json(root / MANIFEST, manifest)
    if progress and headless and todo and own_audio:
        print(f"{desc}: built {len(todo)} of {n} items in "
              f"{stats['build_seconds']:.0f} s", flush=True)
    (root / JOURNAL).unlink(missing_ok=True)
    for stale in root.rglob(".*.tmp"):  # left by a killed build
        stale.unlink(missing_ok=True)
    return manifest


def _prepare(item: dict, own_audio: bool) -> None:
    """Give an item its file paths; its ``extra`` labels wait in ``_extra``."""
    if own_audio:
        item["path"] = f"audio/{item['id']}.flac"
    if "extra" in item:
        item["_extra"] = item.pop("extra")
        item["labels_path"] = f"labels/{item['id']}.json"


def _reuse(item: dict, root: Path, known: dict, own_audio: bool) -> bool:
    """Whether the item's files exist with the checksums an earlier build recorded."""
    files = list(_files(item, own_audio))
    for rel, _, _ in files:
        path = root / rel
        if rel not in known or not path.is_file() or sha256_file(path) != known[rel]:
            return False
    for rel, digest, size in files:
        item[digest], item[size] = known[rel], (root / rel).stat().st_size
    item.pop("_extra", None)
    return True


def _render_all(render, todo: list, seed: int, font: str, workers):
    """Yield ``(item, audio)`` in order, rendering in ``workers`` processes;
    ``(item, None)`` for a dataset that plays its source's audio."""
    if render is None:
        yield from ((item, None) for item in todo)
        return
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


def _write_item(item: dict, y, root: Path, key: dict, journal) -> None:
    """Write an item's audio (``y``, unless None) and labels atomically, and
    journal their checksums."""
    if y is not None:
        write_audio(root / item["path"], np.clip(np.asarray(y, np.float64), -1, 1), SR)
        item["seconds"] = len(y) / SR
    if "labels_path" in item:
        write_json(root / item["labels_path"], item.pop("_extra"))
    for rel, digest, size in _files(item, own_audio=y is not None):
        item[digest], item[size] = sha256_file(root / rel), (root / rel).stat().st_size
        journal.write(json.dumps({"key": key, "path": rel, "sha256": item[digest]}))
        journal.write("\n")
        journal.flush()


def dataset_manifest(dataset, *, quick: bool | None = None, seed: int = 0,
                     soundfont=None, build_missing: bool = True,
                     progress: bool = True, **options) -> dict:
    """A dataset's manifest, building the dataset (and its sources) first
    if needed; the body of :func:`helpers.datasets.load_manifest`.

    Returns
    -------
    manifest : dict
        As :func:`helpers.datasets.load_manifest` describes it, with ``root``
        (the folder, as a str) and ``audio_root`` (where the items' ``path``
        lies: ``root``, or the root of the source whose audio they play).
    """
    quick, seed = resolve_quick(quick), integer(seed, "seed", low=0)
    options = _options(dataset, options)
    sources = _sources(dataset, quick=quick, seed=seed, soundfont=soundfont,
                       build_missing=build_missing, progress=progress)
    root = dataset_dir(dataset, quick=quick, seed=seed, soundfont=soundfont, **options)
    manifest = read_manifest(root)
    key = _key(dataset, quick, seed, soundfont, options, sources)
    if manifest is None or manifest.get("key") != key or not _intact(root, manifest):
        if not build_missing:
            raise DatasetError(
                f"dataset {dataset.name!r} ({'quick' if quick else 'full'}) is not "
                f"built or incomplete in {str(root)!r}; run `python -m "
                f"helpers.datasets build{' --quick' if quick else ''}` or load with "
                "build_missing=True"
            )
        manifest = build_dataset(dataset, quick=quick, seed=seed, soundfont=soundfont,
                                 progress=progress, verify_checksums=False, **options)
    audio_from = manifest.get("audio_from")
    audio_root = sources[audio_from]["root"] if audio_from else str(root)
    return {**manifest, "root": str(root), "audio_root": audio_root}


def _items(manifest: dict, split: str, split_key: str) -> list[dict]:
    """The items of one split of a loaded manifest, with ``audio_path`` and their
    labels file read into them."""
    root = Path(manifest["root"])
    audio_root = Path(manifest.get("audio_root", root))
    out = []
    for item in manifest["items"]:
        if split in ("all", item[split_key]):
            item = {**item, "audio_path": str(audio_root / item["path"])}
            if "labels_path" in item:
                item.update(json.loads((root / item["labels_path"]).read_text()))
            out.append(item)
    return out


def load_items(dataset, *, split: str = "train", split_key: str = "split",
               quick: bool | None = None, seed: int = 0, soundfont=None,
               **options) -> list[dict]:
    """Items of one split (one of :data:`SPLITS`) of a dataset, with labels.

    The body of :func:`~helpers.datasets.load_notes` and the other loaders:
    ``split_key`` names the split column (``"split"``, or ``"split_note"``);
    ``quick``, ``seed``, ``soundfont`` and the dataset's ``options`` are those
    of :func:`dataset_manifest`. Each item gets its ``audio_path`` (absolute)
    and its time-aligned labels file read into it.
    """
    one_of(split, "split", SPLITS)
    manifest = dataset_manifest(dataset, quick=quick, seed=seed, soundfont=soundfont,
                                **options)
    return _items(manifest, split, split_key)
