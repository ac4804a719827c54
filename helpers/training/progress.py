"""Progress where the user is looking: a bar, a line per epoch, live curves.

In a notebook every part is plain output updated in place (a display handle),
never an ipywidget: a closed widget bar is saved as a view of a model that no
longer exists, and JupyterLab shows "Error displaying widget: model not found"
for it when the notebook is reopened. At the end the bar becomes the run's
summary line, so a saved notebook keeps the summary, the epoch lines and the
final figure.
"""

import sys
import time
from html import escape

from ..env import static_widgets


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")  # every Jupyter kernel has imported it
    return ipython is not None and hasattr(ipython.get_ipython(), "kernel")


class Progress:
    """What ``fit`` shows while it trains: ``fit(..., progress=Progress(...))``.

    ``progress=True`` is ``Progress()``, ``False`` shows nothing. Each part
    shows on rank 0 where it can be seen: plots in Jupyter, bars in Jupyter
    and terminals. A headless notebook run (``MIRDL_STATIC=1``, as in CI)
    gets one summary line instead of a line per epoch, and the final figure.

    Parameters
    ----------
    bar, lines, plot : bool
        A bar over each epoch's steps; a printed line per epoch (losses,
        metrics, time, ``*`` for a best); the curves of ``plot_history``.

    The notebooks pass ``progress=True`` or ``False``, never a ``Progress``.
    """

    def __init__(self, *, bar: bool = True, lines: bool = True, plot: bool = True):
        self.want = (bar, lines, plot)

    def start(self, enabled: bool = True) -> "Progress":
        """Decide what to show in this run (``enabled``: on this rank)."""
        bar, lines, plot = (enabled and want for want in self.want)
        notebook, static = _in_notebook(), static_widgets()
        headless = notebook and static  # a notebook run by nbconvert or nbval
        self.lines, self.summary = lines and not headless, lines and headless
        self.bar = bar and not static and (notebook or sys.stderr.isatty())
        self.plot, self.live = plot and notebook, plot and notebook and not static
        self.fig = self.handle = None
        self.notebook_bar = NotebookBar() if self.bar and notebook else None
        return self

    def track(self, batches, epoch: int, num_epochs: int):
        """``batches``, counted by a bar (one display in a notebook, redrawn;
        in a terminal a tqdm bar that closes at the end of the epoch)."""
        desc = f"epoch {epoch}/{num_epochs}"
        if self.notebook_bar is not None:
            return self.notebook_bar.track(batches, desc)
        if not self.bar:
            return batches
        from tqdm import tqdm

        return tqdm(batches, desc=desc, leave=False)

    def epoch_end(self, history, epoch: int, num_epochs: int) -> None:
        """Redraw the curves, then print the epoch's line."""
        if self.live:  # the figure first, so that the lines collect below it
            self._draw(history)
        if self.lines:
            parts = [f"epoch {epoch:>{len(str(num_epochs))}}/{num_epochs}"]
            for split in ("train", "valid"):
                for name, values in history.scores(split).items():
                    parts.append(f"{split}_{name} {values[-1]:.4f}")
            secs = history.epoch_time[-1]
            parts.append(f"{secs:.1f} s" if secs >= 1 else f"{1000 * secs:.0f} ms")
            best = " *" if history.best_epoch == epoch else ""
            print(" | ".join(parts) + best, flush=True)

    def _draw(self, history) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        from ..plotting import plot_history

        if self.fig is None:
            self.fig = plt.figure(figsize=(7, 3))
        self.fig.clf()  # plot_history adds a twin axis: start afresh each epoch
        plot_history(history, ax=self.fig.add_subplot())
        self.fig.tight_layout()
        if self.handle is None:
            self.handle = display(self.fig, display_id=True)
        else:
            self.handle.update(self.fig)

    def close(self, history) -> None:
        """The summary line and the final curves in a headless notebook; close
        the figure, so that the inline backend does not draw it a second time."""
        if self.summary and history.train_loss:
            print(summary_line(history), flush=True)
        if self.notebook_bar is not None and history.train_loss:
            self.notebook_bar.show(Text(summary_line(history)))  # the bar's place
        if self.plot and history.train_loss and not self.live:
            self._draw(history)
        if self.fig is not None:
            import matplotlib.pyplot as plt

            plt.close(self.fig)


class Text:
    """Plain text as a display object (what a finished bar becomes)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class Bar:
    """One state of a progress bar: HTML ``<progress>`` live, text when saved."""

    def __init__(self, desc: str, done: int, total, seconds: float):
        self.desc, self.done, self.total, self.seconds = desc, done, total, seconds

    def _label(self) -> str:
        of = f"/{self.total}" if self.total else ""
        return f"{self.desc}: {self.done}{of} steps, {self.seconds:.1f} s"

    def __repr__(self) -> str:
        if not self.total:
            return self._label()
        filled = round(20 * self.done / self.total)
        return f"[{'#' * filled}{'.' * (20 - filled)}] {self._label()}"

    def _repr_html_(self) -> str:
        value = f' value="{self.done}" max="{self.total}"' if self.total else ""
        return (f'<div><progress{value} style="width: 24em; vertical-align: middle">'
                f"</progress> <span>{escape(self._label())}</span></div>")


class NotebookBar:
    """A progress bar in one notebook output, redrawn at most every ``every`` s."""

    def __init__(self, every: float = 0.2):
        self.handle, self.every, self.last = None, every, 0.0

    def show(self, obj) -> None:
        from IPython.display import display

        if self.handle is None:
            self.handle = display(obj, display_id=True)
        else:
            self.handle.update(obj)

    def track(self, batches, desc: str):
        total = len(batches) if hasattr(batches, "__len__") else None
        start = time.monotonic()
        self.show(Bar(desc, 0, total, 0.0))
        done = 0
        for item in batches:
            yield item
            done += 1
            now = time.monotonic()
            if now - self.last >= self.every or done == total:
                self.last = now
                self.show(Bar(desc, done, total, now - start))


def summary_line(history) -> str:
    """One line for a whole run: epochs, time, last scores and the best epoch."""
    epochs, secs = len(history.train_loss), sum(history.epoch_time)
    parts = [f"{epochs} epoch{'s' * (epochs != 1)} in {secs:.1f} s"]
    for split in ("train", "valid"):
        for name, values in history.scores(split).items():
            parts.append(f"{split}_{name} {values[-1]:.4f}")
    if history.best_epoch is not None:
        parts.append(f"best {history.monitor} {history.best_value:.4f} "
                     f"(epoch {history.best_epoch})")
    return " | ".join(parts)


def as_progress(progress, *, enabled: bool) -> Progress:
    """``fit``'s ``progress`` argument (bool or :class:`Progress`), started."""
    if not isinstance(progress, Progress):
        progress = Progress(bar=progress, lines=progress, plot=progress)
    return progress.start(enabled)
