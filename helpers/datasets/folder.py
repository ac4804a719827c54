"""Your own audio: one subfolder per class (introduced in ``03_cnn``).

::

    my_sounds/
        cello/  a.wav  b.flac ...
        flute/  c.mp3 ...

:class:`AudioFolder` finds the files, checks that each one decodes (warning
about and skipping the ones that do not, listed in ``.skipped``), and splits
by a group key so that recordings of one source stay on one side.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from ..audio import AUDIO_EXTENSIONS, load_audio
from ..config import SR
from ..errors import AudioFileError, DatasetError, ParameterError
from .splits import group_split

__all__ = ["AudioFolder"]


class AudioFolder:
    """Audio files in class subfolders, checked, with labels and groups.

    Introduced in ``03_cnn``.

    Parameters
    ----------
    root : str or os.PathLike
        A folder with one subfolder per class.
    sr : int
        Sample rate in Hz that :meth:`load` resamples to (mono).
    extensions : sequence of str
        File extensions to take (lower case, with the dot).
    group : None, str or callable
        The key that keeps related files on one side of a split: ``None``
        (each file alone), a regular expression whose first group (or whole
        match) is taken from the file name (e.g. ``r"^[^_]+"``: what comes
        before the first ``_``), or a callable ``path -> str``. The same key in
        two class folders is one group.
    check : bool
        Decode every file once now, to find unreadable ones before training.

    Attributes
    ----------
    items : list of dict
        ``audio_path``, ``label`` (class name), ``y`` (class index), ``group``,
        ``id``.
    classes : list of str
        Subfolder names, sorted.
    skipped : list of (str, str)
        Unreadable files and why.

    Raises
    ------
    DatasetError
        If ``root`` is missing or holds no class subfolder with audio.
    """

    def __init__(self, root, *, sr: int = SR, extensions=AUDIO_EXTENSIONS,
                 group=None, check: bool = True):
        self.root = folder_path(root)
        if not self.root.is_dir():
            raise DatasetError(
                f"root {str(self.root)!r} is not a folder; expected one subfolder "
                "per class holding audio files"
            )
        self.sr = sr
        self._group = _group_function(group)
        extensions = tuple(e.lower() for e in extensions)
        folders = (d for d in self.root.iterdir() if d.is_dir())
        self.classes = sorted(d.name for d in folders if not d.name.startswith("."))
        self.items: list[dict] = []
        self.skipped: list[tuple[str, str]] = []
        for y, name in enumerate(self.classes):
            for path in sorted((self.root / name).rglob("*")):
                if not path.is_file() or path.suffix.lower() not in extensions:
                    continue
                if check and not readable(path, self.skipped):
                    continue
                rel = path.relative_to(self.root).as_posix()
                item = {"id": rel, "audio_path": str(path), "label": name, "y": y}
                item["group"] = rel if self._group is None else self._group(path)
                self.items.append(item)
        if not self.items:
            raise DatasetError(
                f"no readable audio in class subfolders of {str(self.root)!r} "
                f"(extensions {', '.join(extensions)}; {len(self.skipped)} skipped)"
            )

    def __len__(self) -> int:
        return len(self.items)

    def load(self, i: int):
        """Audio of item ``i``: ``(y, label_index)``, y mono float32 at ``sr``."""
        y, _ = load_audio(self.items[i]["audio_path"], sr=self.sr)
        return y, self.items[i]["y"]

    def split(self, *, fractions=(0.7, 0.15, 0.15), seed: int = 0) -> dict:
        """Split by group: ``{"train": [...], "valid": [...], "test": [...]}``.

        Each item also gets its ``split`` key. Groups are whole: every file of
        one group is on the same side.
        """
        names = ("train", "test") if len(fractions) == 2 else ("train", "valid", "test")
        splits = group_split(
            [it["group"] for it in self.items],
            fractions=fractions,
            names=names,
            seed=seed,
        )
        out: dict = {n: [] for n in names}
        for item, s in zip(self.items, splits, strict=False):
            item["split"] = s
            out[s].append(item)
        return out


def readable(path, skipped: list) -> bool:
    """Whether ``path`` decodes; if not, a warning, and ``(path, why)`` in ``skipped``.

    Used by :class:`AudioFolder` and :func:`~helpers.datasets.load_gtzan`.
    """
    try:
        load_audio(path, sr=None)
    except AudioFileError as error:
        skipped.append((str(path), str(error)))
        warnings.warn(f"skipping unreadable {path}: {error}", stacklevel=3)
        return False
    return True


def folder_path(root) -> Path:
    """``root`` as a path; used by :class:`AudioFolder` and ``load_gtzan``."""
    if not isinstance(root, (str, os.PathLike)):
        raise ParameterError(f"root must be a str or path, got {type(root).__name__}")
    return Path(root).expanduser()


def _group_function(group):
    if group is None:
        return None
    if callable(group):
        return lambda path: str(group(path))
    if isinstance(group, str):
        try:
            pattern = re.compile(group)
        except re.error as error:
            raise ParameterError(
                f"group {group!r} is not a valid regex: {error}"
            ) from None

        def by_regex(path):
            m = pattern.search(path.name)
            if m is None:
                return path.stem
            return m.group(1) if m.groups() else m.group(0)

        return by_regex
    raise ParameterError(
        f"group must be None, a regex str or a callable, got {type(group).__name__}"
    )
