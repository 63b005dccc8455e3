"""Issue 16, item 9: a newcomer answers the landing page's sample question, on a
390 px phone and a 1366 px desktop, light and dark, with and without JavaScript.
Screenshots land in var/screenshots/."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from quizbank.models import Attempt, PracticeSession
from quizbank.selectors import SAMPLE_QUESTION_ID
from tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
AXE = Axe()


def serious(page) -> list[str]:
    return [
        f"{v['id']}: {v['help']}"
        for v in AXE.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def sample(db):
    return QuestionFactory(
        external_id=SAMPLE_QUESTION_ID,
        difficulty="easy",
        stem="A sigmoid unit has pre-activation $z = 10$. Approximately what is $\\sigma'(z)$?",
        choices=["$4.5 \\times 10^{-5}$", "$0.25$", "$1$", "$0.5$"],
    )


def fits(page, selector: str, width: int) -> None:
    """Nothing in the sample is wider than the viewport or its card."""
    card = page.locator(selector).bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= width + 0.5
    overflowing = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel + ' *')].filter(
             e => e.getBoundingClientRect().right > document.querySelector(sel)
                  .getBoundingClientRect().right + 1).map(e => e.tagName)""",
        selector,
    )
    assert overflowing == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("device", "width", "height"), [("phone", 390, 844), ("desktop", 1366, 900)]
)
def test_a_visitor_answers_the_sample_question(
    browser, live_server, sample, scheme, device, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + "/")
    region = page.locator("#sample")
    expect(region.get_by_role("heading", name="Try one now")).to_be_visible()
    expect(region.locator("math").first).to_be_visible()
    fits(page, "#sample", width)
    assert serious(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"landing-sample-{device}-{scheme}.png", full_page=True)

    region.locator("label").first.click()  # 4.5e-5: the key is the first option here
    region.get_by_role("button", name="Check answer").click()
    expect(page.locator("#sample .feedback-banner")).to_contain_text("Correct")
    assert page.url.rstrip("/") == live_server.url  # htmx swapped the region in place
    expect(page.locator("#sample .explanation")).to_be_visible()
    fits(page, "#sample", width)
    assert serious(page) == []
    page.screenshot(path=SHOTS / f"landing-sample-feedback-{device}-{scheme}.png", full_page=True)
    context.close()
    assert Attempt.objects.count() == 0 and PracticeSession.objects.count() == 0


def test_the_sample_works_without_javascript(browser, live_server, sample):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#sample label").nth(1).click()
    page.get_by_role("button", name="Check answer").click()
    page.wait_for_url("**/sample/")
    expect(page.locator("#sample .feedback-banner")).to_contain_text("Not quite")
    expect(page.get_by_text("Correct answer")).to_be_visible()
    page.screenshot(path=SHOTS / "landing-sample-no-js-phone.png", full_page=True)
    context.close()
    assert Attempt.objects.count() == 0
