"""A learner in Chromium: sign up, practise a subsection, see feedback, finish."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from quizbank.models import Attempt
from tests.browser.helpers import log_in
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def bank(db):
    subsection = SubsectionFactory(title="Activation Functions")
    return [QuestionFactory(subsection=subsection) for _ in range(5)]


def choose(page: Page, *, correct: bool) -> None:
    """Click the key (its text starts with $2x$ in the factory) or a wrong option."""
    options = page.locator("#practice .option label")
    key = options.filter(has=page.locator("math", has_text="2x")).filter(has_not_text="/").first
    if correct:
        key.click()
    else:
        options.filter(has_not=page.locator("math", has_text=re.compile(r"^2x$"))).first.click()


def test_sign_up_practise_and_see_the_score(page: Page, live_server, bank):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url)
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    page.goto(live_server.url + link)  # one click confirms and logs in

    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    page.get_by_role("link", name="Practice", exact=True).click()
    page.get_by_role("link", name="Activation Functions").click()
    page.get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Start practising").click()

    # Question 1: answer right, by mouse.
    expect(page.get_by_role("heading", name="Question 1 of 5")).to_be_visible()
    choose(page, correct=True)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback-banner")).to_have_text(re.compile("Correct"))
    expect(page.get_by_role("heading", name="Explanation")).to_be_visible()
    url_before = page.url

    # Question 2: answer wrong, by keyboard (1-4 picks, Enter checks, N goes next).
    page.keyboard.press("n")
    expect(page.get_by_role("heading", name="Question 2 of 5")).to_be_visible()
    assert page.url != url_before  # the address follows the question
    choose(page, correct=False)
    page.keyboard.press("Enter")
    expect(page.locator(".feedback-banner")).to_have_text(re.compile("Not quite"))
    expect(page.locator(".result.is-chosen .why")).to_be_visible()
    expect(page.locator(".result.is-correct .why")).to_be_visible()
    page.screenshot(path=str(SHOTS / "practice-feedback.png"), full_page=True)

    # Reloading keeps the feedback and records nothing new.
    page.reload()
    expect(page.locator(".feedback-banner")).to_have_text(re.compile("Not quite"))

    for n in range(3, 6):
        page.get_by_role("link", name=re.compile("Next question|See your score")).click()
        expect(page.get_by_role("heading", name=f"Question {n} of 5")).to_be_visible()
        page.keyboard.press("1")
        page.keyboard.press("Enter")
        expect(page.locator(".feedback-banner")).to_be_visible()

    page.get_by_role("link", name="See your score").click()
    expect(page.get_by_role("heading", name="Your score")).to_be_visible()
    assert Attempt.objects.count() == 5
    right = Attempt.objects.filter(correct=True).count()  # 3 to 5 were the first option
    expect(page.locator(".score")).to_have_text(f"{right} / 5")
    page.screenshot(path=str(SHOTS / "summary.png"), full_page=True)


def test_practice_works_without_javascript(browser, live_server, bank):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, UserFactory())
    page.get_by_role("link", name="Practice", exact=True).click()
    page.get_by_role("link", name="Activation Functions").click()
    page.get_by_role("button", name="Start practising").click()
    page.locator("#practice .option label").first.click()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback-banner")).to_be_visible()
    expect(page.get_by_role("heading", name="Explanation")).to_be_visible()
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_role("heading", name="Question 2 of 5")).to_be_visible()
    context.close()
