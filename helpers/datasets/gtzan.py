"""GTZAN, for readers who downloaded a copy (an option, never the default).

Introduced in ``03_cnn`` (:func:`load_gtzan`). GTZAN (Tzanetakis and Cook 2002)
has 1000 30-second excerpts in 10 genres, and known faults: repeated excerpts,
several excerpts of one artist, mislabelings and a corrupt file
(``jazz.00054.wav``). Random splits put one artist on both sides and inflate
accuracy. :func:`load_gtzan` uses the fault-filtered split of Kereliuk, Sturm
and Larsen (2015), 443 / 197 / 290 excerpts, shipped as file lists in
``helpers/splits/`` (from github.com/coreyker/dnn-mgr). Files that do not
decode are skipped with a warning.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..env import data_dir
from ..errors import DatasetError, ParameterError
from ..validate import one_of
from .folder import folder_path, readable

__all__ = ["GTZAN_GENRES", "gtzan_split_files", "load_gtzan"]

#: The ten genres, in label order.
GTZAN_GENRES = (
    "blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop",
    "reggae", "rock",
)  # fmt: skip
_HOWTO = (
    "GTZAN is not downloaded automatically (its original host is gone). Get a "
    "copy (e.g. the Kaggle dataset 'GTZAN Dataset - Music Genre Classification', "
    "folder genres_original/), and put the genre folders (blues/, classical/, ... "
    "each with files like blues.00000.wav) under {root}, or pass root=... . "
    "The embedded 'styles' dataset (load_styles) needs no download."
)


def gtzan_split_files(split: str) -> list[str]:
    """The fault-filtered file list of one split, as ``genre/genre.000NN.wav``.

    Used by :func:`load_gtzan`.

    Raises
    ------
    ParameterError
        If ``split`` is not ``"train"``, ``"valid"`` or ``"test"``.
    DatasetError
        If the list file is missing from ``helpers/splits/``.
    """
    one_of(split, "split", ("train", "valid", "test"))
    path = Path(__file__).parents[1] / "splits" / f"gtzan_{split}_filtered.txt"
    if not path.is_file():
        raise DatasetError(
            f"the GTZAN split list {str(path)!r} is missing; reinstall the helpers "
            "package or copy it from https://github.com/coreyker/dnn-mgr"
        )
    lines = path.read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def load_gtzan(root=None, *, split: str = "train", check: bool = True) -> list[dict]:
    """Items of one fault-filtered split of a local GTZAN copy.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    root : str, os.PathLike or None
        The folder holding the genre folders (searched recursively, so the
        Kaggle ``Data/genres_original/`` layout works too); ``None``:
        ``data_dir() / "gtzan"``.
    split : str
        ``"train"``, ``"valid"`` or ``"test"``.
    check : bool
        Decode each file once and skip (with a warning) those that fail, such
        as the corrupt ``jazz.00054.wav``.

    Returns
    -------
    items : list of dict
        ``audio_path``, ``genre``, ``y`` (index in :data:`GTZAN_GENRES`),
        ``id`` (e.g. ``"jazz.00054"``), ``split``. Unreadable and missing
        files are left out, each reported by a warning.

    Raises
    ------
    DatasetError
        If the folder is missing or holds none of the split's files, with
        what to download and where to put it.
    ParameterError
        If ``split`` is not a split, or a split's name is passed as ``root``
        (``load_gtzan("train")``).
    """
    if isinstance(root, str) and root in ("train", "valid", "test", "all"):
        if not Path(root).is_dir():  # load_gtzan("train"): a split, not a folder
            raise ParameterError(
                f"load_gtzan's first argument is the GTZAN folder, got {root!r}, "
                f"a split; pass the split by name: load_gtzan(split={root!r}) "
                f"(or load_gtzan(root, split={root!r}))"
            )
    wanted = gtzan_split_files(split)
    if root is None:
        root = data_dir() / "gtzan"
    root = folder_path(root)
    if not root.is_dir():
        raise DatasetError(
            f"no GTZAN folder at {str(root)!r}. " + _HOWTO.format(root=root)
        )
    found = {}
    for path in root.rglob("*"):
        genre = path.stem.split(".")[0]
        if path.suffix.lower() in (".wav", ".au") and genre in GTZAN_GENRES:
            found.setdefault(path.stem, path)
    items, missing, skipped = [], [], []
    for rel in wanted:
        stem = Path(rel).stem
        path = found.get(stem)
        if path is None:
            missing.append(stem)
            continue
        if check and not readable(path, skipped):
            continue
        genre = stem.split(".")[0]
        item = {"id": stem, "audio_path": str(path), "genre": genre, "split": split}
        items.append(item | {"y": GTZAN_GENRES.index(genre)})
    if not items:
        raise DatasetError(
            f"none of the {len(wanted)} GTZAN {split} files found under "
            f"{str(root)!r}. " + _HOWTO.format(root=root)
        )
    if missing:
        warnings.warn(
            f"{len(missing)} GTZAN {split} files are missing under {root} "
            f"(e.g. {missing[:3]}); using the {len(items)} found",
            stacklevel=2,
        )
    return items
