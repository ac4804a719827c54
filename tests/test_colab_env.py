"""Colab's own stack, for real: Colab's Python, Colab's versions, Colab's torch.

An environment is pinned to Colab's published versions (``constraints/colab.txt``:
IPython 7.34, ipywidgets 7.7, ipykernel 6.17, music21 9.9, numpy 2.1 ...) on
Colab's Python, 3.13, where this machine has one (``python3.13`` on PATH or
pyenv's): there Colab's own torch 2.11.0 is installed from the package index (a
CUDA build, as on Colab, running on the CPU). Without a Python 3.13 it falls
back to this machine's Python, where the CPU torch 2.13.0 stands in, and says
so. There the notebooks' own setup cell runs with a stand-in ``google.colab``
and installs the project from a clone, as on Colab; then all four notebooks run
under nbval in quick mode, with the unit tests that touch IPython, ipywidgets
and matplotlib.

The environment and pip's cache live outside the clone, in
``$MIRDL_CACHE`` (default ``~/.cache/mirdl-tutorial``), so that a second run on
the same machine (a second CI run on a fresh clone included) reuses the
gigabytes of torch's CUDA build instead of fetching them again; the environment
is rebuilt when the pins or the Python change, and otherwise reused (what the
setup cell added is removed first), under a lock, so two runs take turns. In CI
it is always built; outside CI the module is skipped, with the reason, when it
cannot be built (no access to the package index). Timings and the Python used
go to ``build/colab-env-times.txt``, which ``make test`` prints at the end.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from colab_constraints import normalize, read_constraints
from notebook_tools import REPO_ENV, setup_cell_source

pytestmark = pytest.mark.colab_env

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
CACHE = Path(os.environ.get("MIRDL_CACHE", Path.home() / ".cache" / "mirdl-tutorial"))
#: Colab's Python since 2026-08-25 (its published list of 2026-08-19).
COLAB_PYTHON = "3.13"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: Unit tests of what IPython, ipywidgets and matplotlib draw: widgets, audio
#: players, figures, training progress and live plots, exercise verdicts.
UNIT_TESTS = [
    "test_widgets.py",
    "test_audio.py",
    "test_plotting.py",
    "test_training_progress.py",
    "test_exercises.py",
]
TIMES: dict[str, float | str] = {}
#: Run in the same process after the setup cell: no restart needed to import.
AFTER_SETUP = """
assert IN_COLAB
import helpers.datasets, helpers.widgets
print("imported", helpers.__file__)
"""


def colab_python() -> tuple[str, str]:
    """The Python to build on, and one line saying which and why."""
    found = [shutil.which(f"python{COLAB_PYTHON}")]
    found += sorted(Path.home().glob(f".pyenv/versions/{COLAB_PYTHON}*/bin/python3"))
    for python in filter(None, found):
        version = subprocess.run(
            [str(python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True, text=True,
        ).stdout.strip()
        if version.startswith(COLAB_PYTHON + "."):
            return str(python), f"Python {version}, Colab's ({python})"
    here = ".".join(map(str, sys.version_info[:3]))
    return sys.executable, (
        f"Python {here}: no Python {COLAB_PYTHON} on this machine (Colab's), "
        "so this one, with the CPU torch standing in"
    )


BASE_PYTHON, PYTHON_NOTE = colab_python()
ON_COLAB_PYTHON = "Colab's" in PYTHON_NOTE
VENV = CACHE / f"colab-venv-{COLAB_PYTHON if ON_COLAB_PYTHON else 'here'}"
PYTHON = VENV / "bin" / "python"


def pins() -> dict[str, str]:
    """What the environment installs: Colab's own pins on Colab's Python (torch
    2.11.0 and its setuptools), the file's stand-ins on another Python."""
    return read_constraints(colab=ON_COLAB_PYTHON)


def _env(**extra) -> dict:
    return {
        **os.environ,
        "PIP_CACHE_DIR": str(CACHE / "pip"),  # kept between runs and clones
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
    wanted = pins()
    want = "\n".join(f"{k}=={v}" for k, v in sorted(wanted.items())) + PYTHON_NOTE
    base = VENV / ".base-freeze"
    if stamp.exists() and stamp.read_text() == want and base.exists():
        extra = _freeze() - set(base.read_text().splitlines())
        if extra:  # what an earlier run's setup cell added
            _pip("uninstall", "--yes", *(line.split("==")[0] for line in extra))
        return
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([BASE_PYTHON, "-m", "venv", str(VENV)], check=True)
    _pip("install", "--quiet", f"pip=={wanted['pip']}")
    _pip("install", "--quiet", "-r", _pins_file())
    base.write_text("\n".join(sorted(_freeze())))
    stamp.write_text(want)


def _pins_file() -> Path:
    """``pins()`` as a requirements file (and the constraints of later installs)."""
    path = VENV / ".colab-pins.txt"
    path.write_text("".join(f"{k}=={v}\n" for k, v in sorted(pins().items())))
    return path


@contextlib.contextmanager
def _venv_lock():
    """One run at a time uses the shared environment (two clones' CI runs, say)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{VENV.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def colab(tmp_path_factory, fake_colab):
    """The built environment after the setup cell ran: what it printed and added."""
    with _venv_lock():
        yield _colab(tmp_path_factory, fake_colab)


def _colab(tmp_path_factory, fake_colab):
    TIMES["python"] = PYTHON_NOTE
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
    _pip("install", "--quiet", "-c", _pins_file(), "nbval>=0.11,<0.12")
    TIMES["setup cell and nbval"] = time.perf_counter() - start
    return {"stdout": cell.stdout, "before": before, "after": after}


def test_setup_cell_installs_only_what_colab_lacks(colab):
    assert colab["before"] <= colab["after"], "the setup cell changed a package"
    new = colab["after"] - colab["before"]
    added = {normalize(line.split("==")[0]) for line in new}
    assert {"mirdl-helpers", "pretty-midi", "midirenderer", "mir-eval"} <= added
    assert not added & set(pins()), "a package that Colab has"
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
    for name, version in pins().items():
        # "==2.13.0" admits the build 2.13.0+cpu, as pip reads the constraint
        assert installed.get(name) in SpecifierSet(f"=={version}"), name
    if ON_COLAB_PYTHON:
        assert installed["torch"].split("+")[0] == "2.11.0"  # Colab's own torch


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
    out = _run([*cmd, *units, *notebooks], cwd=ROOT, env=env, timeout=2400)
    TIMES[f"notebooks {', '.join(NOTEBOOKS)} and unit tests"] = (
        time.perf_counter() - start
    )
    summary = [v if k == "python" else f"{k}: {v:.0f} s" for k, v in TIMES.items()]
    summary.append(f"there: {(out.stdout.strip().splitlines() or ['?'])[-1]}")
    (BUILD / "colab-env-times.txt").write_text("\n".join(summary) + "\n")
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    assert " passed" in out.stdout.splitlines()[-1]
