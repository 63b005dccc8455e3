"""Spaced repetition made visible in Chromium (issue 16, item 5): the feedback
says when the question comes back; the review page shows the next 14 days as a
bar chart (with a table for screen readers) and the last 30 days' statistics."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from quizbank import services
from srs.days import DayRule
from srs.models import ReviewLog
from tests.browser.helpers import THEMES, VIEWPORTS, learner_page, shot
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory
from tests.srs.factories import card_due

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_feedback_and_review_page_show_the_schedule(browser, live_server, screen, theme):
    user = UserFactory(review_limit=200)
    sub = SubsectionFactory(title="Attention")
    QuestionFactory(subsection=sub)
    session = services.session_start(user=user, subsection=sub, size=1)
    page = learner_page(browser, live_server, user, screen=screen, theme=theme)
    page.goto(live_server.url + reverse("session-item", args=[session.pk, 1]))
    page.locator("#practice .option label").first.click()
    page.get_by_role("button", name="Check answer").click()
    # A miss comes back tomorrow, a right answer days later.
    expect(page.locator(".next-review")).to_contain_text(
        re.compile(r"Next review (tomorrow|in \d+ days)\.")
    )
    shot(page, "feedback-next-review", screen=screen, theme=theme, full_page=False)

    today = DayRule.for_user(user).day_of(timezone.now())
    for offset in (0, 0, 1, 3, 3, 3, 9):
        card = card_due(user, today + timedelta(days=offset))
    for n in range(4):
        ReviewLog.objects.create(
            card=card,
            user=user,
            rating=ReviewLog.Rating.GOOD if n else ReviewLog.Rating.AGAIN,
            kind=ReviewLog.Kind.REVIEW,
            reviewed_at=timezone.now() - timedelta(days=n + 1),
            due=card.due,
        )
    page.goto(live_server.url + reverse("srs-queue"))
    expect(page.get_by_role("heading", name="The next 14 days")).to_be_visible()
    expect(page.locator("svg.forecast rect.bar")).to_have_count(14)
    table = page.get_by_role("table", name="Questions falling due on each of the next 14 days")
    expect(table.locator("tbody tr")).to_have_count(14)
    expect(table.locator("tbody tr").nth(3).locator("td")).to_have_text("3")
    expect(page.locator("[data-retention]")).to_have_text("75%")
    shot(page, "review-queue", screen=screen, theme=theme)
    page.context.close()
