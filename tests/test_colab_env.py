"""Colab's own stack, for real, on this machine's Python.

An environment in ``build/colab-venv`` is pinned to Colab's published versions
(``constraints/colab.txt``: IPython 7.34, ipywidgets 7.7, ipykernel 6.17, music21
9.9, numpy 2.1 ..., with the CPU torch 2.13.0 standing in for Colab's CUDA
build). There the notebooks' own setup cell runs with a stand-in
``google.colab`` and installs the project from a clone, as on Colab; then
notebooks 02 and 04 (the fastest trainer) run under nbval in quick mode, with
the unit tests that touch IPython, ipywidgets and matplotlib.

The environment is rebuilt when the constraints change and otherwise reused
(what the setup cell added is removed first). In CI it is always built; outside
CI the module is skipped, with the reason, when it cannot be built (no access
to the package index). Timings go to ``build/colab-env-times.txt``.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from colab_constraints import CONSTRAINTS, normalize, read_constraints
from notebook_tools import REPO_ENV, setup_cell_source

pytestmark = pytest.mark.colab_env

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
VENV = BUILD / "colab-venv"
PYTHON = VENV / "bin" / "python"
NOTEBOOKS = ["02_audio_representations", "04_rnn"]
#: Unit tests of what IPython, ipywidgets and matplotlib draw: widgets, audio
#: players, figures, training progress and live plots, exercise verdicts.
UNIT_TESTS = [
    "test_widgets.py",
    "test_audio.py",
    "test_plotting.py",
    "test_training_progress.py",
    "test_exercises.py",
]
TIMES: dict[str, float] = {}
#: Run in the same process after the setup cell: no restart needed to import.
AFTER_SETUP = """
assert IN_COLAB
import helpers.datasets, helpers.widgets
print("imported", helpers.__file__)
"""


def _env(**extra) -> dict:
    return {
        **os.environ,
        "PIP_CACHE_DIR": str(BUILD / "pip-cache"),  # nothing cached outside the repo
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # debugpy's frozen-modules note
        **extra,
    }


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("env", _env())
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, **kwargs
    )


def _pip(*args, **kwargs):
    out = _run([PYTHON, "-m", "pip", *args], **kwargs)
    if out.returncode != 0:
        errors = [ln for ln in out.stderr.splitlines() if "Location" not in ln]
        raise RuntimeError(f"pip {args[0]} failed:\n" + "\n".join(errors[-30:]))
    return out.stdout


def _freeze() -> set[str]:
    return set(_pip("list", "--format=freeze").splitlines())


def _build() -> None:
    """Colab's preinstalled stack: the constrained packages at Colab's versions."""
    stamp = VENV / ".colab-constraints"
    want = CONSTRAINTS.read_text() + sys.version
    base = VENV / ".base-freeze"
    if stamp.exists() and stamp.read_text() == want and base.exists():
        extra = _freeze() - set(base.read_text().splitlines())
        if extra:  # what an earlier run's setup cell added
            _pip("uninstall", "--yes", *(line.split("==")[0] for line in extra))
        return
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pins = read_constraints()
    _pip("install", "--quiet", f"pip=={pins['pip']}")
    _pip("install", "--quiet", "-r", CONSTRAINTS)
    base.write_text("\n".join(sorted(_freeze())))
    stamp.write_text(want)


@pytest.fixture(scope="module")
def colab(tmp_path_factory, fake_colab):
    """The built environment after the setup cell ran: what it printed and added."""
    start = time.perf_counter()
    try:
        _build()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"cannot build the Colab environment here: {err}")
    TIMES["build or reuse the environment"] = time.perf_counter() - start

    start = time.perf_counter()
    tmp = tmp_path_factory.mktemp("colab")
    clone, stub_path = fake_colab(tmp)
    before = _freeze()
    cell = _run(
        [PYTHON, "-c", setup_cell_source() + AFTER_SETUP],
        cwd=tmp,
        env=_env(
            **{REPO_ENV: f"file://{clone}", "PYTHONPATH": str(stub_path)},
            TMPDIR=str(tmp),
        ),
        timeout=600,
    )
    assert cell.returncode == 0, cell.stdout[-2000:] + cell.stderr[-3000:]
    after = _freeze()
    # The test tools that Colab lacks (nbval), under the same pins.
    _pip("install", "--quiet", "-c", CONSTRAINTS, "nbval>=0.11,<0.12")
    TIMES["setup cell and nbval"] = time.perf_counter() - start
    return {"stdout": cell.stdout, "before": before, "after": after}


def test_setup_cell_installs_only_what_colab_lacks(colab):
    assert colab["before"] <= colab["after"], "the setup cell changed a package"
    new = colab["after"] - colab["before"]
    added = {normalize(line.split("==")[0]) for line in new}
    assert {"mirdl-helpers", "pretty-midi", "midirenderer", "mir-eval"} <= added
    assert not added & set(read_constraints()), "a package that Colab has"
    lines = colab["stdout"].splitlines()
    assert lines[0].startswith("Installed (Colab has the rest): "), lines
    assert "mirdl-helpers==" in lines[0]
    # ipywidgets 7, as Colab ships it: Colab's own widget manager draws it.
    assert "custom widget manager on" not in colab["stdout"]
    # Imported in the same process, from the environment: no restart needed.
    imported = Path(lines[-1].removeprefix("imported "))
    assert imported.is_relative_to(VENV) and imported.name == "__init__.py"


def test_colab_versions_survive_the_install(colab):
    installed = {}
    for line in _freeze():
        name, _, version = line.partition("==")
        installed[normalize(name)] = version
    for name, version in read_constraints().items():
        # "==2.13.0" admits the build 2.13.0+cpu, as pip reads the constraint
        assert installed.get(name) in SpecifierSet(f"=={version}"), name


def test_notebooks_and_unit_tests_run_on_colab_versions(colab):
    """Notebooks under nbval in quick mode, with Colab's versions of everything."""
    start = time.perf_counter()
    notebooks = [ROOT / "notebooks" / f"{name}.ipynb" for name in NOTEBOOKS]
    units = [ROOT / "tests" / name for name in UNIT_TESTS]
    cmd = [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    cmd += ["--nbval-lax", "--nbval-sanitize-with", ROOT / "tests/nbval_sanitize.cfg"]
    # The working tree's helpers (the clone's in CI), the environment's packages;
    # datasets built here with Colab's music21, apart from the main data folder.
    env = _env(
        PYTHONPATH=str(ROOT),
        PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ['PATH']}",
        MIRDL_QUICK="1",
        MIRDL_STATIC="1",
        MIRDL_DATA=str(BUILD / "colab-data"),
    )
    out = _run([*cmd, *units, *notebooks], cwd=ROOT, env=env, timeout=1200)
    TIMES["notebooks 02 and 04, unit tests"] = time.perf_counter() - start
    summary = [f"{k}: {v:.0f} s" for k, v in TIMES.items()]
    summary.append(f"there: {(out.stdout.strip().splitlines() or ['?'])[-1]}")
    (BUILD / "colab-env-times.txt").write_text("\n".join(summary) + "\n")
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    assert " passed" in out.stdout.splitlines()[-1]
