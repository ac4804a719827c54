"""The checks catch what they are meant to: small notebooks, one fault each."""

from __future__ import annotations

import nbformat
import pytest
from labdriver import (
    Report,
    find_dangling,
    inspect_outputs,
    open_notebook,
    run_all,
    save_restart_reopen,
)

SETUP = "import matplotlib.pyplot as plt\nimport numpy as np\n"
pytestmark = pytest.mark.browser
NOTEBOOKS = {
    "clean": [SETUP + "from helpers.checks import check\ncheck('one is one', 1 == 1)"],
    "error": ["raise ValueError('deliberately broken')"],
    "warning": ["import warnings\nwarnings.warn('deliberately broken')"],
    "dangling": [
        "import ipywidgets as widgets\nfrom IPython.display import display\n"
        "bar = widgets.IntProgress(max=3)\ndisplay(bar)\nbar.close()"
    ],
}


def write(folder, name, sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, folder / f"{name}.ipynb")
    return f"{name}.ipynb"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_checks_catch_a_broken_notebook(name, lab, lab_root, page):
    path = write(lab_root, f"broken_{name}", NOTEBOOKS[name])
    open_notebook(page, lab, path)
    report = Report(path)
    run_all(page, timeout=120)
    inspect_outputs(page, report)
    save_restart_reopen(page, lab, path)
    report.dangling = find_dangling(page)
    problems = report.problems()
    print(name, problems)
    if name == "clean":
        assert problems == [] and report.checks == 1
    else:
        assert problems, f"the {name} notebook passed the checks"
