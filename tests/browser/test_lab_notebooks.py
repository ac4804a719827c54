"""Every notebook, run live in JupyterLab (quick mode) and reopened.

One test per notebook (``-k 02`` runs one): run all cells with JupyterLab's own
command, then no error output, no stderr box, every claim's check line passed,
every audio player loads (duration > 0) and has a caption, every image loads;
every explorer's figure changes when each of its controls moves; the Colab
setup cell shows folded (hidden source) and ran with the rest; then save,
restart the kernel, reopen, and no "Error displaying widget" anywhere.
Screenshots (first screen, each explorer, before and after reopening) go to the
folder printed at the start.
"""

from __future__ import annotations

import pytest
from labdriver import (
    JS_INPUT_HIDDEN,
    ROOT,
    Report,
    copy_notebooks,
    drive_explorers,
    find_dangling,
    inspect_outputs,
    open_notebook,
    run_all,
    save_restart_reopen,
    screenshot_explorers,
)

pytestmark = pytest.mark.browser
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(
    path, lab, lab_root, page, screenshots, record_property
):
    (copy,) = copy_notebooks([path], lab_root)
    name = copy.name
    report = Report(path.stem)
    open_notebook(page, lab, name)
    folded = page.evaluate(JS_INPUT_HIDDEN)
    report.seconds = run_all(page, timeout=1200)
    page.screenshot(path=str(screenshots / f"{path.stem}-run.png"))
    inspect_outputs(page, report)
    drive_explorers(page, report, screenshots)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.node"
                  ".querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook')"
                  ".forEach(n => n.scrollTop = 0)")
    page.screenshot(path=str(screenshots / f"{path.stem}-first-screen.png"))
    save_restart_reopen(page, lab, name)
    report.dangling = find_dangling(page)
    screenshot_explorers(page, screenshots, f"{path.stem}-reopened-explorer")
    page.screenshot(path=str(screenshots / f"{path.stem}-reopened.png"))
    record_property(
        "summary",
        f"{path.stem} in JupyterLab: ran in {report.seconds:.0f} s; {report.executed}/"
        f"{report.cells} code cells, {report.checks} checks passed, "
        f"{len(report.audio)} players, {len(report.images)} images, "
        f"{len(report.explorers)} explorers "
        f"{[e['controls'] for e in report.explorers]}",
    )
    problems = report.problems()
    if folded[:1] != [True] or any(folded[1:]):
        problems.append(f"only the setup cell's source should be hidden: {folded}")
    assert not problems, "\n".join(problems)
