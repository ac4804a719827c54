"""Docstrings that send a reader to the right notebook, and a complete module map.

Every public helper that a notebook imports says "Introduced in ``NN_name``"
and names the first notebook that imports it; a docstring that names a notebook
names one that exists and imports the helper.
"""

import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
INTRODUCED = re.compile(r"Introduced\s+in\s+``(\w+)``")


def _imported_names(path: Path) -> set[str]:
    """Names a notebook imports from ``helpers`` (``from helpers.x import a``)."""
    names = set()
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in source.splitlines()
        )
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "helpers"
            ):
                for alias in node.names:
                    names.add(alias.name)
                    # ``from helpers import exercises``: the module's public names
                    module = importlib.import_module(node.module)
                    sub = getattr(module, alias.name, None)
                    if inspect.ismodule(sub):
                        names.update(sub.__all__)
    return names


IMPORTS = {path.stem: _imported_names(path) for path in NOTEBOOKS}


def _modules():
    yield helpers
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if not info.name.split(".")[-1].startswith("_"):
            yield importlib.import_module(info.name)


def _public_objects():
    seen = set()
    for module in _modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and id(
                obj
            ) not in seen:
                seen.add(id(obj))
                yield name, obj


PUBLIC = sorted(_public_objects(), key=lambda pair: pair[0])


def _first_importer(name: str) -> str | None:
    return next((nb for nb, names in IMPORTS.items() if name in names), None)


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_introduced_in_names_the_first_notebook_that_imports_it(name, obj):
    first = _first_importer(name)
    named = INTRODUCED.findall(inspect.getdoc(obj) or "")
    if first is None:
        assert not named, (
            f"{name} says it is introduced in {named[0]}, but no notebook imports it"
        )
        return
    assert named, f"{name} is imported by {first}; its docstring should say so"
    assert named[0] == first, (
        f"{name}'s docstring names {named[0]}, but {first} imports it first"
    )


def test_package_docstring_lists_every_module():
    listed = set(re.findall(r":mod:`(helpers[\w.]*)`", helpers.__doc__))
    modules = {m.__name__ for m in _modules()} - {"helpers"}
    top_level = {name for name in modules if name.count(".") == 1}
    missing = top_level - listed
    assert not missing, f"helpers/__init__.py's module map leaves out {missing}"
    stale = listed - modules
    assert not stale, f"helpers/__init__.py lists modules that do not exist: {stale}"
