"""The notebooks as files: clean, executed, with working Colab cells; and the
requirement lists in step. Executing the notebooks is nbval's job (``make test``).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.notebook_tools import (
    REPO_ENV,
    clean_notebook,
    colab_badge_source,
    load,
    setup_cell_source,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _source(cell):
    return (
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    )


def _requirements(lines):
    reqs = {}
    for line in lines:
        line = line.split("#")[0].strip().removeprefix("- ")
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*([<>=!~].*)", line)
        if match:
            reqs[match.group(1).lower().replace("-", "_")] = match.group(2).replace(
                " ", ""
            )
    return reqs


def test_requirements_and_environment_list_the_same_ranges():
    pip = _requirements((ROOT / "requirements.txt").read_text().splitlines())
    conda_pip = (ROOT / "environment.yml").read_text().split("- pip:")[1]
    conda = _requirements(conda_pip.splitlines())
    assert pip == conda
    assert "torch" in pip and not pip["torch"].startswith("==")


def test_package_dependencies_are_a_subset_of_requirements():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = _requirements(project["dependencies"])
    pip = _requirements((ROOT / "requirements.txt").read_text().splitlines())
    assert deps.items() <= pip.items()


def test_cpu_torch_build_satisfies_the_range():
    from packaging.specifiers import SpecifierSet

    pip = _requirements((ROOT / "requirements.txt").read_text().splitlines())
    assert "2.13.0" in SpecifierSet(pip["torch"])


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS], "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_title_badge_and_setup_cell(path):
    nb = load(path)
    first = _source(nb["cells"][0])
    assert first.startswith("# "), "the first cell is the title"
    assert colab_badge_source(path.name) in first
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert _source(code[0]) == setup_cell_source()
    assert "import" in _source(code[1]) and "helpers" in _source(code[1])


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


@pytest.mark.parametrize("path", NOTEBOOKS[:1], ids=lambda p: p.stem)
def test_colab_setup_cell_installs_helpers(path, tmp_path):
    """Stand in for Colab: a fake google.colab, the repository at a local clone."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    stub = tmp_path / "stub" / "google" / "colab"
    stub.mkdir(parents=True)
    (stub.parent / "__init__.py").write_text("")
    (stub / "__init__.py").write_text("")
    target = tmp_path / "site"
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    script = "\n".join(
        [
            _source(code[0]),
            "assert IN_COLAB",
            _source(code[1]),
            "import helpers, pathlib",
            f"assert pathlib.Path(helpers.__file__).is_relative_to({str(target)!r})",
            "print('helpers from', helpers.__file__)",
        ]
    )
    env = {
        **os.environ,
        REPO_ENV: f"file://{clone}",
        "PYTHONPATH": os.pathsep.join([str(stub.parents[1]), str(target)]),
        "PIP_TARGET": str(target),  # install beside, not into, this environment
        "PIP_NO_DEPS": "1",
        "MPLBACKEND": "Agg",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    assert "helpers from" in out.stdout


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
