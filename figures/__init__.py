"""The bank's figures, drawn from simulations or small real runs with fixed seeds.

One function a figure, registered with `@figure("name")`; the name is the SVG's
file name under fixtures/questionbank/figures/. `python -m figures` (or
`make figures`) regenerates every SVG; `python -m figures --check` exits 1 if a
committed file differs from what its function draws. matplotlib and NumPy come
from the `figures` dependency group: the site never imports this package.

The SVGs are drawn reproducibly (to a hundredth of a pixel across CPUs, see
`same_drawing`): fixed hash salt, no date in the
metadata, text as paths (no font lookup at view time), a transparent
background that the page puts on a light panel in both themes.
"""

import re
from collections.abc import Callable
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "questionbank" / "figures"

REGISTRY: dict[str, Callable] = {}
#: Figures whose curves amplify rounding (exploding gradients, float64
#: cancellation): their pixels differ from CPU to CPU, so they are checked for
#: drawing, not compared with the committed file.
NOISY: set[str] = set()


def figure(name: str, *, noisy: bool = False):
    """Register a function that draws on a fresh matplotlib Figure and returns it."""

    def register(fn: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"figure {name!r} is registered twice")
        REGISTRY[name] = fn
        if noisy:
            NOISY.add(name)
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


_NUMBER = re.compile(rb"(?<![\w#.-])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])")
_ID = re.compile(rb'id="([^"]+)"')
#: How far (in SVG pixels) a coordinate may move between machines. NumPy's
#: SIMD kernels differ by CPU, so a simulation's last digit does too; a
#: hundredth of a pixel is invisible, a real change of the drawing is not.
TOLERANCE = 0.01


def _canonical_ids(svg: bytes) -> bytes:
    """Number the ids in order: matplotlib names clip paths by a hash of their
    coordinates, so the same noise that moves a coordinate renames its clip."""
    for n, old in enumerate(dict.fromkeys(_ID.findall(svg))):
        svg = re.sub(rb'(id="|#)' + re.escape(old) + rb'(?=[")])', rb"\g<1>id%d" % n, svg)
    return svg


def same_drawing(committed: bytes, drawn: bytes) -> bool:
    """True when two SVGs differ at most by invisible floating-point noise."""
    if committed == drawn:
        return True
    committed, drawn = _canonical_ids(committed), _canonical_ids(drawn)
    if _NUMBER.split(committed) != _NUMBER.split(drawn):
        return False
    a, b = _NUMBER.findall(committed), _NUMBER.findall(drawn)
    return all(x == y or abs(float(x) - float(y)) <= TOLERANCE for x, y in zip(a, b, strict=True))


def load_all() -> None:
    """Import every module of this package so that its figures register."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
