"""The committed figure SVGs are what the figure script draws (to a hundredth of a pixel)."""

import pytest

pytest.importorskip("matplotlib", reason="the figures dependency group is not installed")

from figures import NOISY, OUT_DIR, REGISTRY, load_all, render, same_drawing

load_all()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_committed_svg_is_what_the_script_draws(name):
    if name in NOISY:
        assert render(name).startswith(b"<?xml") and (OUT_DIR / f"{name}.svg").exists()
        return
    assert same_drawing((OUT_DIR / f"{name}.svg").read_bytes(), render(name)), "run make figures"


def test_same_drawing_forgives_noise_and_nothing_else():
    base = b'<path d="M 36.899864 1 L 2 3"/>'
    assert same_drawing(base, b'<path d="M 36.899865 1 L 2 3"/>')
    assert not same_drawing(base, b'<path d="M 36.95 1 L 2 3"/>')
    assert not same_drawing(base, b'<path d="M 36.899864 1 L 2 3 L 4 5"/>')
    assert not same_drawing(base, b'<rect d="M 36.899864 1 L 2 3"/>')
    clipped = b'<clipPath id="p1e9a"/><g clip-path="url(#p1e9a)"/>'
    assert same_drawing(clipped, b'<clipPath id="p42"/><g clip-path="url(#p42)"/>')
    assert not same_drawing(clipped, b'<clipPath id="p42"/><g clip-path="url(#other)"/>')


def test_every_committed_svg_has_a_function():
    assert {p.stem for p in OUT_DIR.glob("*.svg")} <= set(REGISTRY)
