"""Drive a real JupyterLab in the system Chromium, as a learner would.

A JupyterLab server runs on 127.0.0.1 with a token, in a folder of copies (the
test saves notebooks; the repository's files are never touched), with its own
settings, data and runtime folders. Playwright drives Debian's ``chromium``
(``/usr/bin/chromium``; Playwright never downloads a browser).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MIRDL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: Settings of the test's JupyterLab that keep it quiet and deterministic: no news
#: or update check (no network), every cell in the DOM (no virtual scrolling).
TEST_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
#: What JupyterLab writes where a widget's model is gone.
DANGLING = "Error displaying widget"
#: One line per notebook or page checked, printed at the end of the run.
SUMMARY: list[str] = []


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    for module in ("playwright", "jupyterlab"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings_overrides() -> dict:
    """The project's JupyterLab settings (shipped with helpers) plus the test's."""
    path = ROOT / "jupyter" / "mirdl-tutorial.json"
    shipped = json.loads(path.read_text()) if path.exists() else {}
    return {**shipped, **TEST_SETTINGS}


class LabServer:
    """``jupyter lab`` serving ``root`` on 127.0.0.1 with a random token."""

    def __init__(self, root: Path, home: Path, env: dict | None = None):
        self.root, self.home = Path(root), Path(home)
        self.token, self.port = secrets.token_hex(16), _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = self.home / "app-settings"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "overrides.json").write_text(json.dumps(lab_settings_overrides()))
        env = {**os.environ, **(env or {})}
        env.pop("MIRDL_STATIC", None)  # a live session: bars, curves, controls
        env.setdefault("MIRDL_QUICK", "1")
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
        )
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR",
                     "IPYTHONDIR"):
            folder = self.home / name.lower()
            folder.mkdir(exist_ok=True)
            env[name] = str(folder)
        self.log = open(self.home / "jupyterlab.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser",
             "--ip=127.0.0.1", f"--port={self.port}",
             f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.root}",
             f"--LabApp.app_settings_dir={settings}",
             "--LabApp.expose_app_in_browser=True",
             "--LabApp.extension_manager=readonly", "--allow-root"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root,
        )  # fmt: skip
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited; see {self.log.name}")
            try:
                self.api("GET", "status")
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"JupyterLab did not start in {timeout} s")

    def api(self, method: str, path: str):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every notebook's session and kernel (each holds its memory)."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def lab_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}&reset"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def copy_notebooks(paths, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, folder / Path(p).name)) for p in paths]


@dataclass
class Report:
    """What the browser found in one notebook."""

    name: str
    cells: int = 0
    executed: int = 0
    errors: list = field(default_factory=list)
    stderr: list = field(default_factory=list)
    checks: int = 0
    failed_checks: list = field(default_factory=list)
    audio: list = field(default_factory=list)
    images: list = field(default_factory=list)
    explorers: list = field(default_factory=list)
    dangling: list = field(default_factory=list)
    seconds: float = 0.0

    def problems(self) -> list[str]:
        out = [f"error output in cell {i}: {e}" for i, e in self.errors]
        out += [f"stderr in cell {i}: {s[:300]!r}" for i, s in self.stderr]
        out += [f"failed check: {line}" for line in self.failed_checks]
        if self.executed < self.cells:
            out.append(f"only {self.executed} of {self.cells} code cells ran")
        out += [f"audio player {a['index']} does not load: {a}" for a in self.audio
                if not a["duration"] > 0]  # fmt: skip
        out += [f"audio player {a['index']} has no caption" for a in self.audio
                if not a["caption"]]  # fmt: skip
        out += [f"image {i['index']} does not load ({i['src'][:60]})"
                for i in self.images if not i["ok"] and not external(i["src"])]
        for explorer in self.explorers:
            out += [f"explorer {explorer['index']}: {p}" for p in explorer["problems"]]
        out += [f"after reopening: {d}" for d in self.dangling]
        return out


# JavaScript run in the page. ``window.jupyterapp`` is exposed by
# --LabApp.expose_app_in_browser.
_JS_READY = "() => !!(window.jupyterapp && window.jupyterapp.shell.currentWidget"\
    " && window.jupyterapp.shell.currentWidget.sessionContext"\
    " && window.jupyterapp.shell.currentWidget.sessionContext.session"\
    " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"\
    " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"\
    ".connectionStatus === 'connected')"
JS_CELLS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type === 'code')
      out.push({index: i, count: c.executionCount, outputs: c.outputs.toJSON()});
  }
  return out;
}"""
#: Per code cell, whether JupyterLab shows its source folded (the setup cell).
JS_INPUT_HIDDEN = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter((w) => w.model.type === 'code').map((w) => w.inputHidden)"""
JS_AUDIO = """async () => {
  const players = [...document.querySelectorAll('.jp-Notebook audio')];
  const wait = (a) => new Promise((done) => {
    if (a.readyState >= 1 || a.error) return done();
    a.addEventListener('loadedmetadata', done, {once: true});
    a.addEventListener('error', done, {once: true});
    setTimeout(done, 15000);
    a.load();
  });
  await Promise.all(players.map(wait));
  return players.map((a, index) => {
    const figure = a.closest('figure');
    const caption = figure && figure.querySelector('figcaption');
    return {index, duration: a.duration, ready: a.readyState,
            error: a.error ? a.error.code : null,
            caption: caption ? caption.textContent.trim() : ''};
  });
}"""
JS_IMAGES = """async () => {
  const images = [...document.querySelectorAll('.jp-Notebook img')];
  const wait = (img) => img.complete ? Promise.resolve() : new Promise((done) => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 15000);
  });
  await Promise.all(images.map(wait));
  return images.map((img, index) => ({index, ok: img.complete && img.naturalWidth > 0,
                                      src: img.src}));
}"""


def external(src: str) -> bool:
    """An image from the internet (the Colab badge): not checked, the tests are
    offline."""
    return src.startswith(("http://", "https://")) and "//127.0.0.1" not in src


def screenshot_explorers(page, folder, stem: str) -> int:
    """A screenshot of each explorer as it is now; how many there are."""
    count = page.evaluate(_JS_EXPLORERS)
    for i in range(count):
        root = page.locator(f'[data-explorer="{i}"]')
        root.scroll_into_view_if_needed()
        root.screenshot(path=str(folder / f"{stem}{i}.png"))
    return count


def output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def open_notebook(page, server: LabServer, name: str, timeout: float = 120) -> None:
    page.goto(server.lab_url(name))
    page.wait_for_function(_JS_READY, timeout=timeout * 1000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)


def run_all(page, timeout: float) -> float:
    """Run every cell with JupyterLab's own command; wait until it is done."""
    start = time.monotonic()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
          const panel = window.jupyterapp.shell.currentWidget;
          const kernel = panel.sessionContext.session.kernel;
          const busy = [...panel.node.querySelectorAll('.jp-InputArea-prompt')]
            .some((p) => p.textContent.includes('*'));
          return kernel.status === 'idle' && !busy;
        }""",
        timeout=timeout * 1000,
        polling=1000,
    )
    return time.monotonic() - start


def inspect_outputs(page, report: Report) -> None:
    """Errors, stderr, check lines, audio players and images of the open notebook."""
    from helpers.checks import CHECK_MARK

    cells = page.evaluate(JS_CELLS)
    report.cells = len(cells)
    report.executed = sum(c["count"] is not None for c in cells)
    for cell in cells:
        for output in cell["outputs"]:
            kind = output.get("output_type")
            if kind == "error":
                report.errors.append(
                    (cell["index"], f"{output.get('ename')}: {output.get('evalue')}")
                )
            elif kind == "stream" and output.get("name") == "stderr":
                report.stderr.append((cell["index"], output_text(output)))
            for line in output_text(output).splitlines():
                if line.startswith(CHECK_MARK):
                    report.checks += 1
                elif "check:" in line and ("✘" in line or "FAILED" in line):
                    report.failed_checks.append(line)
    report.audio = page.evaluate(JS_AUDIO)
    report.images = page.evaluate(JS_IMAGES)


def save_restart_reopen(page, server: LabServer, name: str) -> None:
    """Save, restart the kernel, reload JupyterLab and open the notebook again."""
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.restartKernel()"
    )
    open_notebook(page, server, name)


def find_dangling(page, settle: float = 30) -> list[str]:
    """Widget views whose model is gone, once the widget manager has restored."""
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:  # 'Loading widget...' until restored
        if not page.get_by_text("Loading widget...").count():
            break
        time.sleep(0.5)
    time.sleep(2)
    found = []
    for text in (DANGLING, "Loading widget..."):
        for node in page.get_by_text(text).all():
            found.append(node.inner_text()[:120])
    return found


_JS_EXPLORERS = """() => {
  const roots = [...document.querySelectorAll('.jp-Notebook .jupyter-widgets')]
    .filter((node) => node.querySelector('.widget-output')
                      && node.querySelector('.widget-inline-hbox')
                      && !node.parentElement.closest('.jupyter-widgets'));
  roots.forEach((node, i) => node.setAttribute('data-explorer', i));
  return roots.length;
}"""


def _figure(root) -> str:
    images = root.locator(".widget-output img")
    return images.first.get_attribute("src") if images.count() else ""


def _change(control) -> str:
    """Move one control to another value, as a user would; what was done."""
    select = control.locator("select")
    if select.count():
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.selectedIndex")
        target = (current + 1) % len(options)
        select.select_option(index=target)
        return f"chose {options[target]!r}"
    handle = control.locator(".noUi-handle")
    if handle.count():
        now = float(handle.get_attribute("aria-valuenow"))
        top = float(handle.get_attribute("aria-valuemax"))
        key = "ArrowLeft" if now >= top else "ArrowRight"
        handle.focus()
        handle.press(key)
        return f"pressed {key}"
    box = control.locator("input[type=checkbox]")
    if box.count():
        box.click()
        return "clicked"
    raise ValueError("a control the test does not know how to move")


def drive_explorers(page, report: Report, shots, timeout: float = 60) -> None:
    """Move every control of every explorer; its figure must change each time."""
    count = page.evaluate(_JS_EXPLORERS)
    for i in range(count):
        root = page.locator(f'[data-explorer="{i}"]')
        root.scroll_into_view_if_needed()
        found = {"index": i, "controls": [], "problems": []}
        controls = root.locator(".widget-inline-hbox").all()
        if not _figure(root):
            found["problems"].append("shows no figure")
        for j, control in enumerate(controls):
            label = control.locator(".widget-label").first
            text = label.inner_text().strip() if label.count() else ""
            if not text:
                found["problems"].append(f"control {j} has no label")
            before = _figure(root)
            try:
                action = _change(control)
            except ValueError as error:
                found["problems"].append(f"control {text or j}: {error}")
                continue
            deadline = time.monotonic() + timeout
            while _figure(root) in ("", before) and time.monotonic() < deadline:
                time.sleep(0.25)
            changed = _figure(root) not in ("", before)
            found["controls"].append((text, action, changed))
            if not changed:
                found["problems"].append(f"control {text or j}: the figure did not "
                                         f"change after it {action}")
        root.screenshot(path=str(shots / f"{report.name}-explorer{i}.png"))
        report.explorers.append(found)
