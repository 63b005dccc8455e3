"""A learner in Chromium: miss some, review them, flag, build a custom test, sit a
timed test through a reload until the time runs out, and read the dashboard."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizbank.models import Attempt, PracticeSession
from tests.browser.helpers import log_in
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def bank(db):
    strong = SubsectionFactory(title="Optimizers")
    weak = SubsectionFactory(title="Pooling Layer")
    for sub in (strong, weak):
        for _ in range(4):
            QuestionFactory(subsection=sub)
    return strong, weak


def tutor_round(page: Page, live_server, title: str, right: int):
    """Practise a subsection of 4, answering the first `right` correctly."""
    page.goto(live_server.url + "/practice/")
    page.get_by_role("link", name=title).click()
    page.get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Start practising").click()
    for n in range(1, 5):
        expect(page.get_by_role("heading", name=f"Question {n} of 4")).to_be_visible()
        options = page.locator("#practice .option label")
        if n <= right:  # the factory's key is the only option rendered as just 2x
            options.filter(has=page.locator("math", has_text=re.compile(r"^2x$"))).click()
        else:
            options.filter(has=page.locator("math", has_text=re.compile(r"^2$"))).click()
        page.get_by_role("button", name="Check answer").click()
        expect(page.locator(".feedback-banner")).to_be_visible()
        page.locator("[data-next]").click()
    expect(page.get_by_role("heading", name="Your score")).to_be_visible()


def test_the_learning_loop(page: Page, live_server, bank):
    SHOTS.mkdir(parents=True, exist_ok=True)
    user = UserFactory()
    log_in(page, live_server, user)
    # Both subsections end up weak, Pooling Layer far weaker: the dashboard must rank.
    tutor_round(page, live_server, "Optimizers", right=3)
    tutor_round(page, live_server, "Pooling Layer", right=0)

    # The five misses are in Review missed.
    page.get_by_role("link", name="Missed", exact=True).click()
    expect(page.locator(".review-list li")).to_have_count(5)

    # Flag one from its page; it is listed under Flagged, without a page reload.
    page.locator(".review-list a").first.click()
    page.get_by_role("button", name="☆ Flag for later").click()
    expect(page.get_by_role("button", name="★ Flagged")).to_be_visible()
    page.get_by_role("link", name="Flagged", exact=True).click()
    expect(page.locator(".review-list li")).to_have_count(1)

    # A custom test from missed questions: the form counts them first.
    page.get_by_role("link", name="Custom test").click()
    page.get_by_label("Missed: last answer was wrong").check()
    expect(page.locator("#match-count")).to_contain_text("5 questions match")
    page.get_by_role("button", name="Start the test").click()
    expect(page.get_by_role("heading", name="Question 1 of 5")).to_be_visible()

    # A timed test: answer one, reload half-way (the timer carries on), run out.
    page.get_by_role("link", name="Custom test").click()
    page.get_by_label("Timed mock interview: 90 s a question, results at the end").check()
    page.get_by_label("How many questions").fill("4")
    page.get_by_role("button", name="Start the test").click()
    expect(page.get_by_role("heading", name="Question 1 of 4")).to_be_visible()
    page.keyboard.press("1")
    page.get_by_role("button", name="Save and next →").click()
    expect(page.get_by_role("heading", name="Question 2 of 4")).to_be_visible()
    session = PracticeSession.objects.filter(mode="timed").get()
    # Move the clocks instead of waiting six minutes: the page's (Playwright's fake
    # clock) and the server's (the deadline is already past). The page's own
    # countdown must then open the results.
    page.clock.install()
    page.reload()
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^[56]:\d\d$"))
    PracticeSession.objects.filter(pk=session.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    page.clock.fast_forward("07:00")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    answered = Attempt.objects.filter(item__session=session).get()
    expect(page.locator(".score")).to_have_text(f"{int(answered.correct)} / 4")
    assert page.locator(".result-item").count() == 4
    expect(page.get_by_text("Unanswered").first).to_be_visible()
    assert Attempt.objects.filter(item__session=session).count() == 1
    for theme in ("light", "dark"):
        page.emulate_media(color_scheme=theme)
        page.screenshot(path=str(SHOTS / f"timed-results-{theme}.png"), full_page=True)

    # The dashboard puts the weakest subsection first.
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".weak-list li")).to_have_count(2)
    expect(page.locator(".weak-list li").first).to_contain_text("Pooling Layer")
    expect(page.locator(".weak-list li").last).to_contain_text("Optimizers")
    for theme in ("light", "dark"):
        page.emulate_media(color_scheme=theme)
        page.screenshot(path=str(SHOTS / f"dashboard-{theme}.png"), full_page=True)
