"""The bank's figures, drawn from simulations or small real runs with fixed seeds.

One function a figure, registered with `@figure("name")`; the name is the SVG's
file name under fixtures/questionbank/figures/. `python -m figures` (or
`make figures`) regenerates every SVG; `python -m figures --check` exits 1 if a
committed file differs from what its function draws. matplotlib and NumPy come
from the `figures` dependency group: the site never imports this package.

The SVGs are drawn byte-for-byte reproducibly: fixed hash salt, no date in the
metadata, text as paths (no font lookup at view time), a transparent
background that the page puts on a light panel in both themes.
"""

from collections.abc import Callable
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "questionbank" / "figures"

REGISTRY: dict[str, Callable] = {}


def figure(name: str):
    """Register a function that draws on a fresh matplotlib Figure and returns it."""

    def register(fn: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"figure {name!r} is registered twice")
        REGISTRY[name] = fn
        return fn

    return register


def new_figure(width: float = 6.4, height: float = 3.6, ncols: int = 1, nrows: int = 1):
    """A figure in the house style: labelled axes, a grid, a size that fits a phone."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "deepprep",
            "svg.fonttype": "path",
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 100,
        }
    )
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained")
    return fig, axes


def render(name: str) -> bytes:
    """The SVG bytes for figure `name`."""
    import io

    import matplotlib.pyplot as plt

    fig = REGISTRY[name]()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def load_all() -> None:
    """Import every module of this package so that its figures register."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
