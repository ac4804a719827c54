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


def _imported_objects(path: Path) -> set[int]:
    """Ids of what a notebook imports from ``helpers`` (``from helpers.x import a``).

    Objects, not names: ``helpers.checks.check`` and ``helpers.exercises.check``
    share a name but are different helpers.
    """
    objects = set()
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
                module = importlib.import_module(node.module)
                for alias in node.names:
                    try:  # ``from helpers import exercises``: a submodule
                        importlib.import_module(f"{node.module}.{alias.name}")
                    except ModuleNotFoundError:
                        pass
                    obj = getattr(module, alias.name)
                    objects.add(id(obj))
                    if inspect.ismodule(obj):  # then its public names
                        objects.update(id(getattr(obj, n)) for n in obj.__all__)
    return objects


IMPORTS = {path.stem: _imported_objects(path) for path in NOTEBOOKS}


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


def _first_importer(obj) -> str | None:
    return next((nb for nb, ids in IMPORTS.items() if id(obj) in ids), None)


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_introduced_in_names_the_first_notebook_that_imports_it(name, obj):
    first = _first_importer(obj)
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
