"""The one dependency list, what points at it, and where it installs.

``pyproject.toml`` lists the dependencies once, with extras ``[test]`` and
``[lab]``; ``requirements.txt`` and ``environment.yml`` install the project from
it. Colab's published versions (``constraints/colab.txt``) lie inside every
range, and every dependency has wheels for CPython 3.13 (Colab's Python) on
manylinux x86-64, at the newest versions in range and at Colab's: a dry run of
pip that reads package metadata only (PEP 658), not the wheels, about 20 s each
(marked ``network``; never skipped in CI). 3.11 is this machine's, where
everything is installed for real; 3.12, between the two, is not checked. The
timings go to ``build/wheel-check-times.txt``.
"""

import os
import re
import socket
import sys
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from colab_constraints import (
    CONSTRAINTS,
    STAND_INS,
    normalize,
    project_requirements,
    read_constraints,
    read_freeze,
    render,
    resolve,
    shared_pins,
)

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
#: What Colab's list and the issue name, and so must be pinned and admitted.
COLAB_NAMED = {"ipython", "ipywidgets", "ipykernel", "music21", "torch", "numpy"}


def _lines(text: str) -> list[str]:
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_requirements_txt_points_at_pyproject():
    assert _lines((ROOT / "requirements.txt").read_text()) == ["-e .[test]"]


def test_environment_yml_points_at_pyproject():
    text = (ROOT / "environment.yml").read_text()
    pip = _lines(text.split("- pip:")[1])
    assert [line.removeprefix("- ") for line in pip] == ["-e .[test]"]
    python = SpecifierSet(re.search(r"- python([^\s#]+)", text)[1])
    for version in _classified_versions():
        assert version in python
    assert "3.10" not in python


def _classified_versions() -> list[str]:
    prefix = "Programming Language :: Python :: "
    return [
        c.removeprefix(prefix)
        for c in PROJECT["classifiers"]
        if re.fullmatch(re.escape(prefix) + r"3\.\d+", c)
    ]


def test_supported_python_versions_are_declared():
    requires = SpecifierSet(PROJECT["requires-python"])
    versions = _classified_versions()
    assert versions == ["3.11", "3.12", "3.13"]
    assert all(v in requires for v in versions) and "3.10" not in requires
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in versions


def test_extras_for_tests_and_jupyterlab():
    optional = PROJECT["optional-dependencies"]
    test = {Requirement(r).name for r in optional["test"]}
    assert {"pytest", "nbval", "ipykernel", "ruff"} <= test
    assert [Requirement(r).name for r in optional["lab"]] == ["jupyterlab"]


def test_cpu_torch_build_satisfies_the_range():
    requirements = [Requirement(r) for r in PROJECT["dependencies"]]
    (torch,) = [r for r in requirements if r.name == "torch"]
    assert torch.specifier.contains("2.13.0")  # the CPU build that CI installs


def test_colab_versions_lie_inside_every_range():
    """The issue's ResolutionImpossible: Colab's IPython 7 and ipywidgets 7."""
    colab = read_constraints(colab=True)
    checked = set()
    for line in project_requirements():
        req = Requirement(line)
        version = colab.get(normalize(req.name))
        if version:
            assert req.specifier.contains(version), f"{req} excludes Colab's {version}"
            checked.add(normalize(req.name))
    assert COLAB_NAMED <= checked


def test_constraints_file_names_its_source_date_and_stand_ins():
    text = CONSTRAINTS.read_text()
    assert re.search(r"source: \S+", text)
    assert re.search(r"date of the list: \d{4}-\d{2}-\d{2}", text)
    for name, (version, _) in STAND_INS.items():
        assert f"# Stand-in: {name}=={version}." in text
        line = rf"^{name}=={re.escape(version)}  # colab: {name}=="
        assert re.search(line, text, re.M)
    assert COLAB_NAMED <= set(read_constraints())


def test_constraints_file_round_trip(tmp_path):
    freeze = tmp_path / "pip-freeze.gpu.txt"
    freeze.write_text(
        "# a comment\nFoo_Bar==1.0\ntorch==2.11.0+cu128\nx @ file:///x.whl\n"
    )
    pins = read_freeze(freeze)
    assert pins == {"foo-bar": ("Foo_Bar", "1.0"), "torch": ("torch", "2.11.0+cu128")}
    path = tmp_path / "colab.txt"
    path.write_text(render(pins, source="here", date="2026-01-02", python="3.13"))
    assert read_constraints(path) == {"foo-bar": "1.0", "torch": STAND_INS["torch"][0]}
    assert read_constraints(path, colab=True) == {"foo-bar": "1.0", "torch": "2.11.0"}
    assert all(len(line) <= 88 for line in path.read_text().splitlines())


def _pypi_or_skip():
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no access to PyPI here ({err})")


def _timed(label: str, resolve_call):
    start = time.perf_counter()
    picked = resolve_call()
    line = f"{label}: {time.perf_counter() - start:.0f} s, {len(picked)} packages\n"
    (ROOT / "build").mkdir(exist_ok=True)
    with open(ROOT / "build" / "wheel-check-times.txt", "a") as f:
        f.write(line)
    return picked


@pytest.mark.network
def test_every_dependency_has_wheels_for_python_313():
    """The newest versions in range, extras included, wheels only."""
    _pypi_or_skip()
    requirements = project_requirements(extras=("test", "lab"))
    picked = _timed(
        "newest in range for Python 3.13",
        lambda: resolve(requirements, python="3.13"),
    )
    names = {normalize(Requirement(r).name) for r in requirements}
    assert names <= set(picked)


#: Colab's published list, where the project's checkout has shared/ beside it.
COLAB_LIST = ROOT.parent / "shared" / "colab" / "pip-freeze.gpu.txt"


@pytest.mark.network
def test_colab_pins_resolve_for_colab_python():
    """Colab's own pins (torch 2.11.0 included) install the project on Python 3.13.

    Where Colab's list is at hand, pip resolves under the whole list, as
    ``scripts/colab_constraints.py`` does, and the committed constraints must be
    what that script makes of it (else: run it); otherwise under the pins that
    ``constraints/colab.txt`` keeps.
    """
    _pypi_or_skip()
    colab = read_constraints(colab=True)
    if COLAB_LIST.exists():
        shared = _timed(
            "Colab's whole list for Python 3.13",
            lambda: shared_pins(read_freeze(COLAB_LIST), "3.13"),
        )
        made = {name: version.split("+")[0] for name, (_, version) in shared.items()}
        assert made == colab, "stale: run scripts/colab_constraints.py"
        return
    picked = _timed(
        "Colab's pins for Python 3.13",
        lambda: resolve(
            project_requirements(),
            python="3.13",
            constraints=[f"{name}=={version}" for name, version in colab.items()],
        ),
    )
    assert picked["torch"] == colab["torch"] == "2.11.0"
    for name, version in colab.items():
        assert picked.get(name, version) == version, name
