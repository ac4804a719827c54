"""Test-run wiring shared by ``tests/`` and nbval's ``notebooks/`` items.

``make test`` runs every notebook once per environment. When the browser tests
can run (Chromium and Playwright present), ``tests/browser/test_lab_notebooks.py``
executes each notebook live in JupyterLab in this environment, failing on any
error, stderr output or failed check line: a superset of what nbval's lax mode
checks here (no cell of ours is tagged ``nbval-check-output``). So nbval's run
of that notebook is skipped with one reason instead of executing it a second
time; without Chromium, nbval runs it. (``tests/test_colab_env.py`` runs the
notebooks under nbval again, on Colab's versions.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

LAB_TEST = "tests/browser/test_lab_notebooks.py::test_notebook_in_jupyterlab"


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected what they will
def pytest_collection_modifyitems(config, items):
    in_lab = {
        item.callspec.id
        for item in items
        if item.nodeid.startswith(LAB_TEST) and hasattr(item, "callspec")
    }
    if not in_lab:
        return
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb" and path.stem in in_lab:
            item.add_marker(
                pytest.mark.skip(reason=f"runs live in JupyterLab: {LAB_TEST}")
            )


STARTED = time.time()
TIMES_FILES = {
    "Colab's stack (tests/test_colab_env.py)": "build/colab-env-times.txt",
}


def pytest_terminal_summary(terminalreporter):
    """What the long environment tests measured in this run, and on which Python
    (they may run in another pytest-xdist process)."""
    root = Path(__file__).parent
    for title, name in TIMES_FILES.items():
        path = root / name
        if path.exists() and path.stat().st_mtime >= STARTED:
            terminalreporter.write_line(f"{title}:")
            for line in path.read_text().splitlines():
                terminalreporter.write_line(f"  {line}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """An nbval cell that writes to stderr fails, showing what it wrote.

    nbval's lax mode passes a cell whatever it prints; a warning or a library's
    note on stderr is something a learner should not have to read. The browser
    tests fail on a stderr box in JupyterLab; this does the same wherever nbval
    runs a notebook, on Colab's stack too (tests/test_colab_env.py, where torch is
    the CUDA build on a CPU).
    """
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or not report.passed:
        return
    outputs = getattr(item, "test_outputs", None) or []
    stderr = "".join(
        out.get("text", "")
        for out in outputs
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    )
    if stderr.strip():
        report.outcome = "failed"
        report.longrepr = f"{item.name} wrote to stderr:\n{stderr[-3000:]}"
