"""The committed figure SVGs are exactly what the figure script draws."""

import pytest

pytest.importorskip("matplotlib", reason="the figures dependency group is not installed")

from figures import OUT_DIR, REGISTRY, load_all, render

load_all()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_committed_svg_is_what_the_script_draws(name):
    assert (OUT_DIR / f"{name}.svg").read_bytes() == render(name), "run make figures"


def test_every_committed_svg_has_a_function():
    assert {p.stem for p in OUT_DIR.glob("*.svg")} <= set(REGISTRY)
