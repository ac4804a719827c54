"""Refresh constraints/colab.txt from a new copy of Colab's published package list.

    python scripts/colab_constraints.py ../shared/colab/pip-freeze.gpu.txt \\
        --date 2026-08-19

Colab publishes the packages of its runtime (``pip-freeze.gpu.txt`` and
``os-info-gpu.txt`` in the public repository googlecolab/backend-info). The
constraints file keeps the packages this project shares with it: those that pip
picks when it installs the project and its test tools for Colab's Python under
Colab's pins (a dry run: only package metadata is fetched, in about 20 s). Where
a Colab pin cannot be installed here, ``STAND_INS`` says what stands in for it,
and the line keeps Colab's own pin in a ``# colab:`` comment, which
:func:`read_constraints` reads back for the Python 3.13 check.

The same module holds what the packaging tests share: the project's requirements
read from ``pyproject.toml`` and a dry-run resolver for another Python.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints" / "colab.txt"

#: Colab pins that cannot be installed here, and what stands in for each.
STAND_INS = {
    "torch": (
        "2.13.0",
        "Colab's torch is a CUDA build (+cu128, from PyTorch's own index, with GBs of "
        "CUDA libraries); on this CPU machine the CPU build 2.13.0 stands in, the only "
        "CPU build installable here. Colab's 2.11.0 is checked by resolution only "
        "(tests/test_packaging.py, for Python 3.13).",
    ),
    "setuptools": (
        "77.0.3",
        "torch 2.13.0 requires setuptools>=77.0.3; Colab's torch 2.11.0 takes its "
        "75.2.0. The lowest that the stand-in torch accepts stands in.",
    ),
}
#: Packages that only torch's CUDA build needs: not shared, never pinned.
CUDA_RUNTIME = re.compile(r"^(nvidia-|cuda-|triton$)")
#: Platforms a Linux x86-64 machine with glibc 2.35 (Colab's Ubuntu 22.04) accepts.
MANYLINUX = [f"manylinux_2_{v}_x86_64" for v in range(35, 16, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares it (``Pretty_MIDI``: ``pretty-midi``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_requirements(extras=("test",)) -> list[str]:
    """The runtime dependencies in ``pyproject.toml``, plus those of ``extras``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project.get("optional-dependencies", {})
    return project["dependencies"] + [r for e in extras for r in optional[e]]


def read_freeze(path) -> dict[str, tuple[str, str]]:
    """``pip freeze`` output as ``{normalized name: (name, version)}``.

    Lines that are not ``name==version`` (``name @ url``, comments) are skipped.
    """
    pins = {}
    for line in Path(path).read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line.strip())
        if match:
            pins[normalize(match[1])] = (match[1], match[2])
    return pins


def read_constraints(path=CONSTRAINTS, *, colab: bool = False) -> dict[str, str]:
    """The pins of a constraints file as ``{normalized name: version}``.

    With ``colab=True``, a stand-in's line gives Colab's own version (its
    ``# colab:`` comment) without a local label such as ``+cu128``.
    """
    pins = {}
    for line in Path(path).read_text().splitlines():
        spec, _, comment = line.partition("#")
        if colab and comment.strip().startswith("colab:"):
            spec = comment.strip().removeprefix("colab:")
        if "==" in spec:
            name, version = (s.strip() for s in spec.split("=="))
            pins[normalize(name)] = version.split("+")[0] if colab else version
    return pins


def resolve(requirements, *, python: str, constraints=None) -> dict[str, str]:
    """What pip would install for ``requirements``, wheels only, on ``python``.

    A dry run for CPython ``python`` (e.g. ``"3.13"``) on manylinux x86-64,
    ignoring what is installed here: pip reads each wheel's metadata (PEP 658)
    rather than the wheel. Raises ``RuntimeError`` with pip's words if no set
    of wheels satisfies them. Returns ``{normalized name: version}``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet"]
        cmd += ["--ignore-installed", "--only-binary=:all:", "--target", tmp]
        cmd += ["--python-version", python, "--report", f"{tmp}/report.json"]
        cmd += [f"--platform={p}" for p in MANYLINUX]
        if constraints:
            Path(tmp, "c.txt").write_text("\n".join(constraints) + "\n")
            cmd += ["-c", f"{tmp}/c.txt"]
        out = subprocess.run([*cmd, *requirements], capture_output=True, text=True)
        if out.returncode != 0:
            errors = [ln for ln in out.stderr.splitlines() if "Location" not in ln]
            raise RuntimeError("\n".join(errors[-25:]))
        report = json.loads(Path(tmp, "report.json").read_text())
    return {
        normalize(item["metadata"]["name"]): item["metadata"]["version"]
        for item in report["install"]
    }


def shared_pins(freeze: dict, python: str) -> dict[str, tuple[str, str]]:
    """The Colab pins of the packages the project installs on Colab's Python."""
    usable = [
        f"{name}=={version.split('+')[0]}"  # PyPI has no +cu128 builds
        for key, (name, version) in freeze.items()
        if not CUDA_RUNTIME.match(key)
    ]
    picked = resolve(project_requirements(), python=python, constraints=usable)
    shared = {k: freeze[k] for k in picked if k in freeze and not CUDA_RUNTIME.match(k)}
    shared["pip"] = freeze["pip"]  # the installer that the setup cell runs
    return dict(sorted(shared.items()))


def render(shared: dict, *, source: str, date: str, python: str) -> str:
    """The text of the constraints file."""
    lines = [
        f"# Colab's versions of the {len(shared)} packages that this project shares "
        "with Colab's GPU runtime, as published:",
        f"#   source: {source}",
        f"#   date of the list: {date}; Colab's Python: {python}",
        "# Made by scripts/colab_constraints.py (run it on a new copy of the list).",
        "# Used as pip constraints by tests/test_colab_env.py, which installs these on",
        "# this machine's Python and runs notebooks on them, and by the Python 3.13",
        "# check in tests/test_packaging.py (with Colab's own pins).",
    ]
    for name, (version, why) in STAND_INS.items():
        if name in shared:
            lines.append(f"# Stand-in: {name}=={version}. {why}")
    lines = [ln for line in lines for ln in _wrap(line)]
    for key, (name, version) in shared.items():
        if key in STAND_INS:
            lines.append(f"{name}=={STAND_INS[key][0]}  # colab: {name}=={version}")
        else:
            lines.append(f"{name}=={version}")
    return "\n".join(lines) + "\n"


def _wrap(line: str, width: int = 86) -> list[str]:
    return textwrap.wrap(line, width, subsequent_indent="#   ") or [line]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("freeze", help="a copy of Colab's pip-freeze.gpu.txt")
    parser.add_argument("--date", required=True, help="the date of Colab's list")
    parser.add_argument(
        "--source",
        default="github.com/googlecolab/backend-info, pip-freeze.gpu.txt",
        help="where the list comes from",
    )
    parser.add_argument("--out", default=str(CONSTRAINTS), help="file to write")
    args = parser.parse_args(argv)
    os_info = Path(args.freeze).with_name("os-info-gpu.txt")
    text = os_info.read_text() if os_info.exists() else ""
    found = re.search(r"^Python (\d+\.\d+)", text, re.M)
    python = found[1] if found else "3.13"
    freeze = read_freeze(args.freeze)
    try:
        shared = shared_pins(freeze, python)
    except RuntimeError as err:
        print(f"pip cannot install the project on Colab's pins:\n{err}")
        return 1
    text = render(shared, source=args.source, date=args.date, python=python)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(f"wrote {len(shared)} pins to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
