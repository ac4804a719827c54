"""Every embedded dataset by name, and building and loading them by name.

The registry is the one list of datasets: ``build()`` builds them in this order
(a derived dataset after its sources), ``python -m helpers.datasets build``
prints a row for each, and the leakage test checks each one's split. Adding a
dataset takes its own module (a :class:`~helpers.datasets.cache.Dataset` and a
loader), one line here and a row of the table in ``docs/datasets.md`` (whose
"Adding a dataset" says what follows from this list, and what does not).
"""

from __future__ import annotations

from ..validate import one_of
from . import chorales, notes, styles, tags
from .cache import Dataset, build_dataset, dataset_manifest, resolve_quick

__all__ = ["DATASETS", "get_dataset", "build", "load_manifest"]

#: The embedded datasets, by name, in build order.
DATASETS: dict[str, Dataset] = {
    "notes": notes.DATASET,
    "chorales": chorales.DATASET,
    "styles": styles.DATASET,
    "tags": tags.DATASET,
    "chorales_unheard": chorales.UNHEARD,
}


def get_dataset(name: str) -> Dataset:
    """The :class:`~helpers.datasets.cache.Dataset` registered as ``name``."""
    return DATASETS[one_of(name, "name", DATASETS)]


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
        One of :data:`DATASETS`; ``None`` builds them all (derived datasets
        with their default options).
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
    names = list(DATASETS) if name is None else [one_of(name, "name", DATASETS)]
    options = {"seed": seed, "soundfont": soundfont, "progress": progress}
    return {n: build_dataset(DATASETS[n], quick=quick, workers=workers, **options)
            for n in names}


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
        ``name``; ``key`` (see :mod:`~helpers.datasets.cache`); ``soundfont``
        (the file name); ``info`` (``classes``, ``target``...); ``items``: list
        of dicts with ``id``, ``path`` (relative to ``audio_root``), ``sha256``,
        ``bytes``, ``seconds``, ``split``, ``group`` and the labels; ``stats``;
        ``root``: the folder, as a str; ``audio_root``: where the items'
        ``path`` lies (``root``, or the folder of the dataset whose audio a
        derived dataset plays, named by ``audio_from``).

    Raises
    ------
    DatasetError
        If the cache is missing or incomplete and ``build_missing`` is False.
    """
    return dataset_manifest(get_dataset(name), quick=quick, seed=seed,
                            soundfont=soundfont, build_missing=build_missing,
                            progress=progress)
