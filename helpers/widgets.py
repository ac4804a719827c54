"""Interactive explorers whose every view is also a static figure.

Introduced in ``01_background`` (:func:`explorer`); the representation
explorer in ``02_audio_representations``. A widget needs a live Jupyter
kernel; an executed notebook opened as static HTML, or on GitHub, shows
"Failed to display Jupyter Widget" instead. So each explorer here is built on a
plain drawing function (``draw(ax=..., **values)``) that a static run calls
directly: :func:`explorer` shows sliders in a live notebook, and a small
multiple of fixed settings when :func:`helpers.env.static_widgets` is true
(the headless runner sets ``MIRDL_STATIC=1``) or when ipywidgets is missing.
"""

from __future__ import annotations

from types import SimpleNamespace

from .config import HOP_LENGTH, N_FFT, SR
from .errors import ParameterError
from .features import FEATURE_REGISTRY, extract
from .plotting import new_axes, plot_spectrogram
from .validate import one_of

__all__ = ["explorer", "draw_representation", "representation_explorer"]

#: The features of :data:`helpers.features.FEATURES` that
#: :func:`draw_representation` offers (their axes and units come from
#: :data:`helpers.features.FEATURE_REGISTRY`).
REPRESENTATIONS = ("stft_magnitude", "log_stft", "log_mel", "log_cqt", "chroma", "mfcc")


def _ipywidgets():
    """The ipywidgets module, or ``None`` where it is not installed."""
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


def explorer(draw, controls: dict, *, static=None, static_values=None, figsize=None):
    """Show ``draw`` with one control per keyword, or static figures.

    Introduced in ``01_background``.

    Parameters
    ----------
    draw : callable
        ``draw(ax=ax, **values)`` draws one view on ``ax``.
    controls : dict
        Keyword name to an ipywidgets control (its ``.value`` is the default);
        build them with :mod:`ipywidgets` (``Dropdown``, ``IntSlider`` ...). A
        control without a ``description`` is labelled with its keyword.
    static : bool or None
        Force the static figure (``True``) or the widget (``False``);
        ``None`` follows :func:`helpers.env.static_widgets`, and is static
        where ipywidgets is not installed.
    static_values : list of dict or None
        The settings drawn side by side in the static figure (default: the
        controls' current values).

    Returns
    -------
    view : ipywidgets.Widget or matplotlib.figure.Figure
        The widget, or the static figure (already closed: display it, or let
        it be the cell's value).
    """
    import matplotlib.pyplot as plt

    from .env import static_widgets

    if not controls:
        raise ParameterError("controls must name at least one keyword of draw")
    for name, control in controls.items():  # a label on every control
        if not getattr(control, "description", None):
            control.description = name.replace("_", " ")
    defaults = {name: control.value for name, control in controls.items()}
    widgets = _ipywidgets()
    if static is None:
        static = static_widgets() or widgets is None
    if not static and widgets is None:
        raise ParameterError(
            "static=False needs ipywidgets (pip install ipywidgets); without it, "
            "leave static=None for the static figure"
        )
    if static:
        settings = [{**defaults, **v} for v in (static_values or [{}])]
        n = len(settings)
        fig, axes = plt.subplots(
            1, n, figsize=figsize or (4.2 * n, 3.2), squeeze=False, layout="constrained"
        )
        for ax, values in zip(axes[0], settings, strict=True):
            draw(ax=ax, **values)
        fig.suptitle(
            "static view (run the notebook in Jupyter for the sliders)",
            fontsize="small",
            color="0.4",
        )
        plt.close(fig)  # shown once, as the cell's value
        return fig

    def redraw(**values):
        fig, ax = plt.subplots(figsize=figsize or (8, 3.2), layout="constrained")
        draw(ax=ax, **values)
        plt.show()

    output = widgets.interactive_output(redraw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())), output])


def draw_representation(
    y,
    sr: int = SR,
    *,
    kind: str = "log_mel",
    n_fft: int = N_FFT,
    hop_length: int = HOP_LENGTH,
    ax=None,
):
    """Draw one representation of ``y``: a view of :func:`representation_explorer`.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    kind : str
        One of ``REPRESENTATIONS``.
    n_fft, hop_length : int
        STFT window and hop in samples (the CQT and chroma use ``hop_length``).

    Returns
    -------
    fig, ax
    """
    one_of(kind, "kind", REPRESENTATIONS)
    fig, ax = new_axes(ax)
    feature = FEATURE_REGISTRY[kind]
    kwargs = {"hop_length": hop_length}
    if "n_fft" in feature.parameters:  # the CQT and chroma have no FFT window
        kwargs["n_fft"] = n_fft
    S = extract(y, kind, sr=sr, **kwargs)
    plot_spectrogram(S, sr=sr, hop_length=hop_length, y_axis=feature.y_axis, ax=ax,
                     unit=feature.unit)
    window = f"n_fft={n_fft}: {1000 * n_fft / sr:.0f} ms, hop={hop_length}"
    ax.set_title(f"{kind}  ({window})", fontsize="small")
    return fig, ax


def representation_explorer(y, sr: int = SR, *, static=None):
    """Explore representations of ``y`` and the STFT's window and hop.

    Introduced in ``02_audio_representations``. In a live notebook: a menu of
    representations and sliders for ``n_fft`` and ``hop_length``. Static: a short
    window, a long window and a log-mel view side by side (also where ipywidgets
    is not installed).
    """
    widgets = _ipywidgets()
    options = {
        "kind": ("Dropdown", REPRESENTATIONS, "log_stft", "kind"),
        "n_fft": ("SelectionSlider", [256, 512, 1024, 2048, 4096], N_FFT, "n_fft"),
        "hop_length": ("SelectionSlider", [128, 256, 512, 1024], HOP_LENGTH, "hop"),
    }
    controls = {  # without ipywidgets, stand-ins that hold the default values
        name: SimpleNamespace(value=value, description=label) if widgets is None
        else getattr(widgets, kind)(options=choices, value=value, description=label)
        for name, (kind, choices, value, label) in options.items()
    }

    def draw(ax, **values):
        draw_representation(y, sr, ax=ax, **values)

    return explorer(
        draw,
        controls,
        static=static,
        static_values=[
            {"kind": "log_stft", "n_fft": 256, "hop_length": 128},
            {"kind": "log_stft", "n_fft": 4096, "hop_length": 512},
            {"kind": "log_mel"},
        ],
    )
