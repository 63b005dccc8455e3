"""A figure question on a 390 px phone and a 1366 px desktop, light and dark (issue 18):
the figure loads, keeps its alt text, fits its card, and is screenshotted."""

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
    box, card = figure.bounding_box(), page.locator("#practice article").bounding_box()
    assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"figure-question-{device}-{scheme}.png", full_page=True)
    context.close()
