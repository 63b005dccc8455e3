"""Every code colour in static/css/pygments.css is readable on its background.

Pygments' 'friendly' style was made for white pages; on our #f0f0f0 block its
numbers, namespaces and comments fell under WCAG AA's 4.5:1 for normal text.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css"
AA = 4.5
DARK = ('[data-theme="dark"] ', ':root:not([data-theme="light"]) ')
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
HEX = r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?\b"
COLOR = re.compile(rf"(?<![-\w])color:\s*({HEX})")
BACKGROUND = re.compile(rf"background(?:-color)?:\s*({HEX})")
PAINT = re.compile(r"background(?:-color)?:(?!\s*(?:none|transparent))")


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rgb / #rrggbb colours."""

    def luminance(colour: str) -> float:
        digits = colour.lstrip("#")
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules(path: Path) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule, comments dropped, @media unwrapped."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    return [(m[1].strip(), m[2]) for m in RULE.finditer(css)]


def theme(selector: str) -> str:
    return "dark" if selector.startswith(DARK) else "light"


def test_the_contrast_formula():
    assert contrast("#000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#fff") == pytest.approx(4.48, abs=0.01)


def test_only_pygments_css_paints_the_code_block():
    """Else the backgrounds below would not be the ones learners see."""
    for path in CSS.glob("*.css"):
        if path.name != "pygments.css":
            painted = [s for s, body in rules(path) if ".highlight" in s and PAINT.search(body)]
            assert painted == [], path.name


def test_every_code_colour_meets_aa_on_its_background():
    found = rules(CSS / "pygments.css")
    blocks = {
        theme(s): BACKGROUND.search(body)[1]
        for s, body in found
        if s.removeprefix(DARK[0]).removeprefix(DARK[1]) == ".highlight"
    }
    assert set(blocks) == {"light", "dark"}
    checked, failing = 0, []
    for selector, body in found:
        colour = COLOR.search(body)
        if colour is None:  # `inherit`, or no text colour at all
            continue
        own = BACKGROUND.search(body)
        background = own[1] if own else blocks[theme(selector)]
        ratio = contrast(colour[1], background)
        checked += 1
        if ratio < AA:
            failing.append(f"{selector}: {colour[1]} on {background} is {ratio:.2f}:1")
    assert checked > 150  # both themes' token colours, twice over for dark
    assert failing == []
