"""The package's layers, enforced: a table in docs/package.md, an import-linter
contract.

``pyproject.toml`` holds the contract (``[tool.importlinter]``); these tests run
``lint-imports`` on the package (offline: it reads the source files), check
that the table of layers in ``docs/package.md`` says the same, and that the
contract catches the import that once ran up the table (``metrics`` importing
from ``datasets``).
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    (contract,) = config["importlinter"]["contracts"]
    return contract


def _lint(folder: Path) -> subprocess.CompletedProcess:
    tool = LINT_IMPORTS if LINT_IMPORTS.exists() else shutil.which("lint-imports")
    assert tool, "lint-imports is missing: pip install -e '.[test]' (import-linter)"
    return subprocess.run([str(tool), "--no-cache"], cwd=folder, text=True,
                          capture_output=True, timeout=300)


def test_every_import_follows_the_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_documented_table_is_the_contract():
    """docs/package.md lists the layers lowest first, one row each, modules
    before the spaces; the contract lists them highest first."""
    doc = (ROOT / "docs" / "package.md").read_text()
    block = doc.split("Each layer imports only the layers above it:")[1]
    block = block.split("```")[1]
    rows = []
    for line in block.strip().splitlines():
        names = line.split("  ")[0] if not line.startswith(" ") else ""
        if names:
            rows.append(set(re.findall(r"[a-z_]+", names)))
    layers = [set(re.findall(r"[a-z_]+", row)) for row in _contract()["layers"]]
    assert rows == layers[::-1]


def test_an_import_up_the_layers_is_caught(tmp_path):
    """A copy of the package whose metrics import from datasets breaks it."""
    shutil.copytree(ROOT / "helpers", tmp_path / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    metrics = tmp_path / "helpers" / "metrics.py"
    metrics.write_text(metrics.read_text() + "\n\ndef _up():\n"
                       "    from .datasets import load_chorales  # noqa: F401\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "helpers.metrics -> helpers.datasets" in result.stdout
    # a module that no layer names is refused too (the contract is exhaustive)
    metrics.write_text(metrics.read_text().replace("from .datasets", "from .chords"))
    (tmp_path / "helpers" / "newmodule.py").write_text('"""Not in the table."""\n')
    result = _lint(tmp_path)
    assert result.returncode == 1 and "newmodule" in result.stdout
