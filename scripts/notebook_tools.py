"""Tooling for the notebooks themselves: the Colab cells, cleaning, running.

Used by ``scripts/run_notebooks.py`` and the tests, not by the notebooks, so it
is not part of the installed ``helpers`` package. The repository address is one
setting, ``[project.urls] Repository`` in ``pyproject.toml``: the Colab badge and
the setup cell of every notebook are generated from it (``python
scripts/run_notebooks.py --sync`` rewrites them, and a test checks that they
match).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.checks import CHECK_MARK

__all__ = [
    "REPO_URL",
    "REPO_ENV",
    "colab_badge_source",
    "setup_cell_source",
    "SETUP_METADATA",
    "SETUP_TITLE",
    "is_setup_cell",
    "sync_colab_cells",
    "clean_notebook",
    "collect_checks",
    "NotebookRun",
    "execute_notebook",
]

_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
#: The public repository (on GitHub) that Colab opens and installs from.
REPO_URL = tomllib.loads(_PYPROJECT.read_text())["project"]["urls"]["Repository"]
#: Environment variable that points the setup cell at another copy (tests).
REPO_ENV = "MIRDL_REPO"

#: First line of the setup cell: a Colab form title, so Colab shows this line
#: and hides the code (``{ display-mode: "form" }``); the older first line
#: (``# Colab setup: ...``) is still recognised when syncing.
SETUP_TITLE = "Colab setup: install the helpers (does nothing outside Colab)"
_SETUP_MARKS = ("#@title Colab setup", "# Colab setup")
#: Metadata of the setup cell: collapsed to its title on Colab (a form cell) and
#: in JupyterLab (hidden source, one click shows it); it still runs first.
SETUP_METADATA = {"cellView": "form", "jupyter": {"source_hidden": True}}
_BADGE_MARK = "colab-badge.svg"


def colab_badge_source(notebook_name: str) -> str:
    """Markdown of the "Open in Colab" badge for ``notebook_name``."""
    path = REPO_URL.removeprefix("https://github.com/")
    link = (
        f"https://colab.research.google.com/github/{path}/blob/main/notebooks/"
        f"{notebook_name}"
    )
    image = "https://colab.research.google.com/assets/colab-badge.svg"
    return f"[![Open In Colab]({image})]({link})"


def setup_cell_source() -> str:
    """Source of the first code cell: install the helpers on Colab, else nothing.

    On Colab it installs what Colab lacks and upgrades nothing: the running
    environment's own versions (``pip list --format=freeze``) are the
    constraints, so no module that is already imported changes and no restart
    is needed. It prints one line naming what it installed. Colab draws
    ipywidgets 7 (what it ships) with its own widget manager; ipywidgets 8
    needs the custom widget manager, so the cell turns it on for 8 only.

    Its first line is a Colab form title (``#@title``): with the cell metadata
    :data:`SETUP_METADATA`, Colab and JupyterLab show that line and keep the
    code one click away.
    """
    title = f'#@title {SETUP_TITLE} {{ display-mode: "form" }}'
    return f'''{title}
import importlib
import os
import subprocess
import sys
import tempfile

try:
    import google.colab  # noqa: F401

    IN_COLAB = True
except ImportError:
    IN_COLAB = False
if IN_COLAB:
    repo = os.environ.get("{REPO_ENV}", "{REPO_URL}")
    pip = [sys.executable, "-m", "pip"]
    freeze = [*pip, "list", "--format=freeze"]
    before = set(subprocess.check_output(freeze, text=True).splitlines())
    pins = os.path.join(tempfile.gettempdir(), "colab-pins.txt")
    with open(pins, "w") as f:  # Colab's own versions: upgrade nothing
        f.write("\\n".join(sorted(before)))
    subprocess.run([*pip, "install", "-q", "-c", pins, f"git+{{repo}}"], check=True)
    added = set(subprocess.check_output(freeze, text=True).splitlines()) - before
    print("Installed (Colab has the rest):", ", ".join(sorted(added)) or "nothing")
    import ipywidgets

    if int(ipywidgets.__version__.split(".")[0]) >= 8:  # Colab ships 7
        from google.colab import output

        output.enable_custom_widget_manager()
    importlib.invalidate_caches()'''


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def is_setup_cell(cell) -> bool:
    """True for the Colab setup cell (as generated now, or by an older version)."""
    return cell["cell_type"] == "code" and _source(cell).startswith(_SETUP_MARKS)


def sync_colab_cells(nb) -> bool:
    """Rewrite the badge and the setup cell of ``nb`` in place; True if changed.

    The setup cell gets :func:`setup_cell_source` and the metadata
    :data:`SETUP_METADATA` (its other metadata, such as tags, is kept).
    """
    name = nb["metadata"].get("mirdl", {}).get("name")
    changed = False
    for cell in nb["cells"]:
        src = _source(cell)
        if cell["cell_type"] == "markdown" and _BADGE_MARK in src and name:
            new = re.sub(
                r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)",
                colab_badge_source(name),
                src,
            )
            if new != src:
                cell["source"], changed = new, True
        if is_setup_cell(cell):
            if src != setup_cell_source():
                cell["source"], changed = setup_cell_source(), True
            metadata = cell.setdefault("metadata", {})
            for key, value in SETUP_METADATA.items():
                if metadata.get(key) != value:
                    metadata[key], changed = value, True
    return changed


_KEEP_METADATA = {"kernelspec", "language_info", "mirdl"}


def clean_notebook(nb) -> None:
    """Drop stale metadata (widget state, timings, UI flags) from ``nb`` in place.

    Cells keep their tags; the setup cell keeps its collapsed view too.
    """
    nb["metadata"] = {k: v for k, v in nb["metadata"].items() if k in _KEEP_METADATA}
    nb["metadata"].get("language_info", {}).pop("version", None)
    for cell in nb["cells"]:
        keep = {"tags", *SETUP_METADATA} if is_setup_cell(cell) else {"tags"}
        cell["metadata"] = {
            k: v for k, v in cell.get("metadata", {}).items() if k in keep
        }
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)


def collect_checks(nb) -> list[str]:
    """The claims checked by ``helpers.checks`` in an executed notebook."""
    lines = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            lines += [
                line[len(CHECK_MARK) :].strip()
                for line in text.splitlines()
                if line.startswith(CHECK_MARK)
            ]
    return lines


@dataclass
class NotebookRun:
    """What executing one notebook gave."""

    path: Path
    seconds: float
    checks: list[str] = field(default_factory=list)
    error: str | None = None


def _local_kernel(folder):
    """Configuration for a kernel that talks over Unix sockets in ``folder``.

    Over TCP (jupyter_client's default) ipykernel 7 logs "Kernel is running over
    TCP without encryption" to the terminal once per notebook; a local socket
    needs no encryption, and the first run prints nothing but our own lines.
    Windows has no Unix sockets there, so it keeps TCP.
    """
    from traitlets.config import Config

    config = Config()
    if os.name == "posix":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(folder, "kernel")
    return config


def execute_notebook(path, *, timeout: int = 1200, cwd=None):
    """Execute the notebook at ``path`` headless; return ``(nb, NotebookRun)``.

    The notebook runs in its own folder (or ``cwd``) with the current
    environment, so ``MIRDL_QUICK`` and ``MIRDL_STATIC`` pass through.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    error = None
    with tempfile.TemporaryDirectory() as sockets:
        client = NotebookClient(
            nb,
            config=_local_kernel(sockets),
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd or path.parent)}},
        )
        try:
            client.execute()
        except CellExecutionError as exc:
            error = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
    run = NotebookRun(path, time.perf_counter() - start, collect_checks(nb), error)
    return nb, run


def load(path):
    """Read a notebook as plain JSON-compatible dicts (nbformat 4)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)
