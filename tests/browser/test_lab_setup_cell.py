"""The Colab setup cell in JupyterLab: folded to its title, and still run first.

A small notebook made of the generated setup cell (with the metadata that
``python scripts/run_notebooks.py --sync`` writes) and a cell that reads what it
set: JupyterLab's Run All runs the folded cell, and it stays folded after a save
and a reopen.
"""

from __future__ import annotations

import nbformat
import pytest
from labdriver import (
    JS_CELLS,
    JS_INPUT_HIDDEN,
    open_notebook,
    output_text,
    run_all,
    save_restart_reopen,
)

from notebook_tools import SETUP_METADATA, setup_cell_source

pytestmark = pytest.mark.browser


def test_folded_setup_cell_runs_with_run_all(lab, lab_root, page, screenshots):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 1. A title"),
        nbformat.v4.new_code_cell(setup_cell_source(), metadata=dict(SETUP_METADATA)),
        nbformat.v4.new_code_cell("print('setup ran; on Colab:', IN_COLAB)"),
    ]
    nbformat.write(nb, lab_root / "folded.ipynb")
    open_notebook(page, lab, "folded.ipynb")
    assert page.evaluate(JS_INPUT_HIDDEN) == [True, False]
    run_all(page, timeout=120)
    page.screenshot(path=str(screenshots / "setup-cell-folded.png"))
    setup, after = page.evaluate(JS_CELLS)
    assert setup["count"] is not None and setup["outputs"] == []
    assert [output_text(o) for o in after["outputs"]] == [
        "setup ran; on Colab: False\n"]
    save_restart_reopen(page, lab, "folded.ipynb")
    assert page.evaluate(JS_INPUT_HIDDEN) == [True, False]
