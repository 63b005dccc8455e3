"""Acceptance, in Chromium: answer questions, move the clock to when they are due,
see the count in the navigation, open the queue, review; the reminder e-mail for
that learner links to the same queue with the same count."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from quizbank.models import PracticeSession
from srs import services
from srs.models import Card, ReviewLog
from tests.browser.helpers import log_in
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def answer_all(page: Page, n: int, *, right: set[int]) -> None:
    for position in range(1, n + 1):
        expect(
            page.get_by_role("heading", name=re.compile(f"Question {position} of {n}"))
        ).to_be_visible()
        options = page.locator("#practice .option label")
        key = options.filter(has=page.locator("math", has_text="2x")).filter(has_not_text="/").first
        wrong = options.filter(has_not=page.locator("math", has_text=re.compile(r"^2x$"))).first
        (key if position in right else wrong).click()
        page.get_by_role("button", name="Check answer").click()
        expect(page.locator(".feedback-banner")).to_be_visible()
        page.get_by_role("link", name=re.compile("Next question|See your score")).click()


def test_answer_wait_until_due_see_the_count_review_and_get_the_email(
    page: Page, live_server, celery_app, celery_worker, broker, clock, settings
):
    settings.SITE_URL = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    subsection = SubsectionFactory(title="Attention")
    for _ in range(3):
        QuestionFactory(subsection=subsection)
    user = UserFactory(email="ada@example.com", reminder_time=time(4), new_limit=0)

    log_in(page, live_server, user)
    expect(page.get_by_role("link", name="Due today 0")).to_be_visible()

    page.goto(live_server.url + subsection.get_absolute_url())
    page.get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Start practising").click()
    answer_all(page, 3, right={1})
    assert Card.objects.filter(user=user).count() == 3
    expect(page.get_by_role("link", name="Due today 0")).to_be_visible()

    # A week later (the test clock, not a sleep), all three are due.
    clock.to(Card.objects.order_by("-due").first().due + timedelta(hours=15))
    page.reload()
    nav = page.get_by_role("link", name="Due today 3")
    expect(nav).to_be_visible()

    # The reminder, through the real broker and worker.
    result = services.reminders_dispatch()
    assert celery_app.AsyncResult(result.task_ids[0]).get(timeout=30) == "sent"
    [email] = mail.outbox
    assert email.to == [user.email] and "You have 3 reviews due today" in email.body
    link = re.search(r"Start your review: (\S+)", email.body).group(1)
    assert link == live_server.url + "/review/"

    page.goto(link)  # the e-mail's link opens the same queue, with the same count
    expect(page.locator("[data-queue-count]")).to_have_text("3")
    expect(page.get_by_role("link", name="Due today 3")).to_have_attribute("aria-current", "page")
    page.screenshot(path=str(SHOTS / "review-queue.png"), full_page=True)
    page.get_by_role("button", name="Start review").click()
    answer_all(page, 3, right={1, 2, 3})
    expect(page.get_by_role("heading", name="Your score")).to_be_visible()

    assert PracticeSession.objects.filter(mode="review").count() == 1
    assert ReviewLog.objects.filter(kind="review", in_review=True).count() == 3
    page.goto(live_server.url + "/review/")
    expect(page.get_by_role("link", name="Due today 0")).to_be_visible()
    assert Card.objects.filter(user=user, reps=2).count() == 3
