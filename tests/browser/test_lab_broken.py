"""The checks catch what they are meant to: small notebooks, one fault each."""

from __future__ import annotations

import nbformat
import pytest
from labdriver import (
    JS_CELLS,
    Report,
    find_dangling,
    inspect_outputs,
    open_notebook,
    output_text,
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


TRAINING = """import torch
from torch import nn

from helpers.training import fit

torch.manual_seed(0)
X = torch.randn(64, 4)
y = (X[:, 0] > 0).long()
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
history = fit(model, (X, y), (X, y), loss_fn=nn.CrossEntropyLoss(), num_epochs=3,
              batch_size=8)"""


def test_training_display_live_then_reopened(lab, lab_root, page, screenshots):
    """fit in a live notebook: a bar, epoch lines and curves; saved and reopened,
    the summary line, the epoch lines and the final figure, and no widget."""
    path = write(lab_root, "training", [TRAINING])
    open_notebook(page, lab, path)
    run_all(page, timeout=120)
    report = Report(path)
    inspect_outputs(page, report)
    save_restart_reopen(page, lab, path)
    report.dangling = find_dangling(page)
    page.locator(".jp-OutputArea").first.screenshot(
        path=str(screenshots / "training-reopened.png"))
    assert not report.problems(), report.problems()
    (cell,) = page.evaluate(JS_CELLS)
    kinds = [sorted(o.get("data", {})) or [o["name"]] for o in cell["outputs"]]
    texts = [output_text(o) for o in cell["outputs"]]
    assert not any("application/vnd.jupyter.widget-view+json" in k for k in kinds)
    assert texts[0].startswith("3 epochs in ") and "best valid_loss" in texts[0]
    assert sum("image/png" in k for k in kinds) == 1
    lines = "".join(t for t, k in zip(texts, kinds, strict=True) if k == ["stdout"])
    assert [line[:9] for line in lines.splitlines()] == [
        "epoch 1/3", "epoch 2/3", "epoch 3/3"]
