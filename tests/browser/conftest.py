"""Browser tests: a real JupyterLab and the reading site, in the system Chromium.

They need Debian's ``chromium`` (``apt-get install chromium``) and the
``browser`` extra (``pip install -e ".[browser]"``: Playwright, JupyterLab).
Without them, ``make test`` skips this folder with one line saying so;
``make test-browser`` runs it alone. Screenshots go to ``build/browser/``
(``MIRDL_SCREENSHOTS`` moves them); the tests print the folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from labdriver import CHROMIUM, CHROMIUM_ARGS, ROOT, SUMMARY, LabServer, missing  # noqa: E402

REASON = missing()
if REASON:
    collect_ignore_glob = ["test_*.py"]


SECONDS = {"total": 0.0, "tests": 0}
HERE = Path(__file__).parent


def pytest_runtest_logreport(report):
    """Add up the browser tests' time (fixtures included) for the summary."""
    if Path(report.fspath).resolve().parent == HERE:
        SECONDS["total"] += report.duration
        SECONDS["tests"] += report.when == "call"
        # A test's summary line, as a property: it reaches this hook in the
        # main process also when pytest-xdist runs the test in a worker.
        if report.when == "call":
            SUMMARY.extend(v for k, v in report.user_properties if k == "summary")


def pytest_terminal_summary(terminalreporter):
    if REASON:
        terminalreporter.write_line(
            f"browser tests skipped ({REASON}): apt-get install chromium, "
            'pip install -e ".[browser]", then make test-browser'
        )
    elif SECONDS["tests"]:
        for line in SUMMARY:
            terminalreporter.write_line(line)
        line = f"browser tests: {SECONDS['tests']} in {SECONDS['total']:.0f} s"
        terminalreporter.write_line(f"{line}; screenshots in {SHOTS}")
        out = ROOT / "build"
        out.mkdir(exist_ok=True)
        # Under pytest-xdist each worker process sees only its own tests: one file
        # per process (.ci/run prints them all).
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        name = f"browser-times{'-' + worker if worker else ''}.txt"
        (out / name).write_text("\n".join([*SUMMARY, line]) + "\n")


SHOTS = Path(os.environ.get("MIRDL_SCREENSHOTS", ROOT / "build" / "browser"))


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots in {SHOTS}")
    return SHOTS


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    if "lab" in request.fixturenames:
        request.getfixturevalue("lab").shut_down_kernels()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lab")


@pytest.fixture(scope="session")
def lab(lab_root, tmp_path_factory):
    server = LabServer(lab_root, tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()
