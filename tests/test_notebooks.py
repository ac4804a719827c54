"""The notebooks as files: clean, executed, with working Colab cells; and the
headless runner. Executing the notebooks is nbval's job (``make test``); the
setup cell on Colab's own versions is ``tests/test_colab_env.py``'s.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import run_notebooks
from notebook_tools import (
    REPO_ENV,
    REPO_URL,
    SETUP_METADATA,
    SETUP_TITLE,
    NotebookRun,
    clean_notebook,
    colab_badge_source,
    load,
    setup_cell_source,
    sync_colab_cells,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _source(cell):
    return (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    )


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS], "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_title_badge_and_setup_cell(path):
    nb = load(path)
    first = _source(nb["cells"][0])
    assert first.startswith("# "), "the first cell is the title"
    assert colab_badge_source(path.name) in first
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert _source(code[0]) == setup_cell_source(), "run run_notebooks.py --sync"
    assert "import" in _source(code[1]) and "helpers" in _source(code[1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_is_folded_to_its_title(path):
    """Colab shows a form cell's title and hides its code; JupyterLab hides the
    source; both still run it first (python scripts/run_notebooks.py --sync)."""
    nb = load(path)
    setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
    metadata = setup["metadata"]
    assert metadata.get("cellView") == "form", "run run_notebooks.py --sync"
    assert metadata.get("jupyter", {}).get("source_hidden") is True
    assert _source(setup).splitlines()[0].startswith(f"#@title {SETUP_TITLE}")


def test_sync_writes_the_setup_cell_and_its_metadata():
    """An old setup cell (``# Colab setup: ...``, no metadata) is rewritten, its
    tags kept; cleaning a notebook keeps the folded view."""
    old = "# Colab setup: install this tutorial's helpers.\nprint(1)"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. T"),
        nbformat.v4.new_code_cell(old, metadata={"tags": ["x"], "scrolled": True}),
        nbformat.v4.new_code_cell("import helpers", metadata={"cellView": "form"}),
    ])
    assert sync_colab_cells(nb)
    setup = nb.cells[1]
    assert setup.source == setup_cell_source()
    assert setup.metadata["tags"] == ["x"]
    assert {k: setup.metadata[k] for k in SETUP_METADATA} == SETUP_METADATA
    assert not sync_colab_cells(nb), "a second sync changes nothing"
    clean_notebook(nb)
    assert setup.metadata == {"tags": ["x"], **SETUP_METADATA}
    assert nb.cells[2].metadata == {}, "other cells keep only their tags"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_executed_and_clean(path):
    nb = load(path)
    cleaned = load(path)
    clean_notebook(cleaned)
    assert cleaned == nb, "stale metadata: run scripts/run_notebooks.py --inplace"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert all(counts), "every code cell is executed"
    assert counts == sorted(counts), "executed top to bottom"
    for cell in code:
        assert not [o for o in cell["outputs"] if o["output_type"] == "error"]


def test_setup_cell_does_nothing_outside_colab(tmp_path):
    env = {**os.environ, REPO_ENV: "file:///nonexistent"}
    out = subprocess.run(
        [sys.executable, "-c", setup_cell_source() + "\nassert not IN_COLAB"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


def test_repository_address_is_one_setting():
    """pyproject.toml's Repository URL, used by every badge and setup cell."""
    assert REPO_URL.startswith("https://github.com/")
    assert f'"{REPO_URL}"' in setup_cell_source()
    assert REPO_URL.removeprefix("https://github.com/") in colab_badge_source("x")


def test_setup_cell_turns_on_colab_widget_manager_for_ipywidgets_8(
    tmp_path, fake_colab
):
    """This environment has ipywidgets 8: the cell enables Colab's custom manager.

    pip installs into a folder beside this environment (PIP_TARGET), so nothing
    changes here; the Colab-pinned environment (ipywidgets 7) checks that the
    manager stays off there and what the cell installs.
    """
    clone, stub_path = fake_colab(tmp_path)
    env = {
        **os.environ,
        REPO_ENV: f"file://{clone}",
        "PYTHONPATH": str(stub_path),
        "PIP_TARGET": str(tmp_path / "site"),
        "PIP_NO_DEPS": "1",
        "TMPDIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", setup_cell_source() + "\nassert IN_COLAB"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert lines[0] == "Installed (Colab has the rest): nothing"
    assert lines[1:] == ["custom widget manager on"]


@pytest.mark.parametrize(
    "value, mode", [("yes", "quick"), ("1", "quick"), ("0", "full"), ("", "full")]
)
def test_run_notebooks_reads_the_mode_as_the_notebooks_do(
    monkeypatch, tmp_path, capsys, value, mode
):
    """``MIRDL_QUICK=yes`` runs quick mode (helpers.env.quick_mode) and says so."""

    def execute(path):
        return nbformat.v4.new_notebook(), NotebookRun(path, 0.5, ["a claim"])

    monkeypatch.setattr(run_notebooks, "execute_notebook", execute)
    monkeypatch.setenv("MIRDL_QUICK", value)
    assert run_notebooks.main([NOTEBOOKS[0].stem, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"Executing 1 notebooks in {mode} mode" in out
    assert (tmp_path / NOTEBOOKS[0].name).exists()


def test_headless_run_prints_only_its_own_lines(tmp_path):
    """The runner's kernel speaks over a local socket: nothing from the kernel's log
    (ipykernel's "Kernel is running over TCP without encryption" was the first
    thing ``make notebooks`` printed) reaches the terminal, and the run's own
    outputs are intact."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    script = (
        "import sys; sys.path[:0] = [{root!r}, {scripts!r}]\n"
        "from notebook_tools import execute_notebook\n"
        "nb, run = execute_notebook({path!r}, timeout=120)\n"
        "print(run.error, nb.cells[0].outputs[0]['text'].strip())\n"
    ).format(root=str(ROOT), scripts=str(ROOT / "scripts"), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None 42"
    assert "encryption" not in out.stderr, out.stderr
    assert out.stderr.strip() == "", out.stderr


def test_nbval_fails_a_cell_that_writes_to_stderr():
    """The root conftest turns a cell's stderr into a failure under nbval (a learner
    should not have to read warnings), in this environment and on Colab's stack."""
    folder = ROOT / "build" / "stderr-check"
    folder.mkdir(parents=True, exist_ok=True)
    cells = ["print('fine')", "import sys; print('a note', file=sys.stderr)"]
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]),
        folder / "noisy.ipynb",
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-lax",
         "-p", "no:xdist", str(folder / "noisy.ipynb")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 1, out.stdout[-2000:]
    assert "Cell 1 wrote to stderr:" in out.stdout and "a note" in out.stdout
    assert "1 failed, 1 passed" in out.stdout


def test_code_and_notebooks_are_ruff_clean():
    """STYLE.md: 88-character lines and ruff clean, notebooks included."""
    paths = ["helpers", "tests", "benchmarks", "scripts", "notebooks"]
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-3000:]
