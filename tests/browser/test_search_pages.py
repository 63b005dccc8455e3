"""Issue 16, item 7: search and My notes on a phone and a desktop, light and dark:
nothing wider than the screen, and a search turns into a session by keyboard-free clicks."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from quizbank import services
from tests.browser.helpers import log_in
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("device", "width", "height"), [("phone", 390, 844), ("desktop", 1366, 900)]
)
def test_search_then_practise_the_results(browser, live_server, scheme, device, width, height):
    sub = SubsectionFactory(title="Recurrent networks")
    questions = [
        QuestionFactory(subsection=sub, stem=f"Why do gradients vanish in RNN number {i}, $h_t$?")
        for i in range(3)
    ]
    user = UserFactory()
    services.annotation_save(user=user, question=questions[0], note="Products of Jacobians " * 8)
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    log_in(page, live_server, user)
    page.goto(live_server.url + "/search/")
    page.get_by_role("searchbox").fill("vanish")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="3 questions")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"search-{device}-{scheme}.png", full_page=True)
    page.goto(live_server.url + "/notes/")
    expect(page.get_by_text("Products of Jacobians").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SHOTS / f"notes-{device}-{scheme}.png", full_page=True)
    page.go_back()
    page.get_by_role("button", name="Practise these").click()
    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_visible()
    context.close()
