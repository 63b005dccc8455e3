"""A figure question on a 390 px phone and a 1366 px desktop, light and dark (issue 18):
the figure loads, keeps its alt text, fits its card, its labels are drawn at a
readable size (on a phone it scrolls sideways in its panel), and is screenshotted."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from quizbank import services
from tests.browser.helpers import log_in
from tests.factories import QuestionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FIGURE = "fund-act-fig-derivative-curves.svg"
ALT = "Four curves plotted against the pre-activation input, with their values marked."


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("device", "width", "height"), [("phone", 390, 844), ("desktop", 1366, 900)]
)
def test_a_figure_question_reads_well_everywhere(
    browser, live_server, scheme, device, width, height
):
    assert (settings.QUESTIONBANK_DIR / "figures" / FIGURE).is_file()
    question = QuestionFactory(figure_file=FIGURE, figure_alt=ALT)
    user = UserFactory()
    session = services.session_start(user=user, subsection=question.subsection, size=1)
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/sessions/{session.pk}/1/")
    figure = page.get_by_role("img", name=ALT)
    expect(figure).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", figure.element_handle())
    panel = page.get_by_role("region", name="Figure")
    # Named after its figure: a results page with several keeps the names apart.
    assert panel.get_attribute("aria-label").startswith("Figure: " + ALT[:40])
    box, card = panel.bounding_box(), page.locator("#practice article").bounding_box()
    assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The labels' size on screen, as a share of the size they were drawn at: scaled
    # to a phone's card they were 6-7 px (found 1 December); now at least 10 px.
    scale = page.evaluate(
        "(img) => img.getBoundingClientRect().width / img.naturalWidth", figure.element_handle()
    )
    assert scale >= 0.75
    hint = page.get_by_role("link", name="open it full size")
    if device == "phone":
        # Wider than its panel: it scrolls there, by touch or by keyboard.
        assert page.evaluate("(p) => p.scrollWidth > p.clientWidth", panel.element_handle())
        assert panel.get_attribute("tabindex") == "0"
        panel.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(p) => p.scrollLeft > 0", arg=panel.element_handle())
        expect(hint).to_be_visible()
    else:
        assert page.evaluate("(p) => p.scrollWidth <= p.clientWidth", panel.element_handle())
        expect(hint).to_be_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"figure-question-{device}-{scheme}.png", full_page=True)
    context.close()
