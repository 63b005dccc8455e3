"""The first ten minutes of a newcomer, in Chromium (issue 14): sign up and follow
the e-mailed link, practise with one "I don't know", sit a timed mock whose
clock runs out with an answer selected, then open the dashboard."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizbank.models import Attempt, PracticeSession
from tests.factories import QuestionFactory, SubsectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank(db):
    sub = SubsectionFactory(title="Activation Functions")
    return [QuestionFactory(subsection=sub) for _ in range(5)]


def test_a_newcomers_first_ten_minutes(page: Page, live_server, bank):
    page.clock.install()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.locator("input[name=password1]").fill("a-long-pass-phrase-1")
    page.locator("input[name=password2]").fill("a-long-pass-phrase-1")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    # The verify page sends the link again (the same answer for any address).
    page.get_by_label("Your e-mail address").fill("newcomer@example.com")
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("a new link is on its way")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)[0]
    page.goto(live_server.url + link[link.index("/accounts/") :])
    page.wait_for_url("**/dashboard/")

    # Tutor practice with one "I don't know"; the dashboard still opens.
    page.goto(live_server.url + "/practice/")
    page.get_by_role("link", name="Activation Functions").click()
    page.get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Start practising").click()
    page.get_by_role("button", name="I don't know").click()
    expect(page.locator(".feedback-banner")).to_be_visible()
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()

    # A timed mock: choose an answer, then let the clock run out.
    page.goto(live_server.url + "/custom/")
    page.get_by_label("Timed mock interview", exact=False).check()
    page.locator("input[name=size]").fill("1")
    page.get_by_role("button", name="Start the test").click()
    expect(page.get_by_role("heading", name="Question 1 of 1")).to_be_visible()
    with page.expect_response(lambda r: "/answer/" in r.url and r.status == 204):
        page.locator("#timed-form .option label").nth(2).click()  # saved at once (htmx)
    session = PracticeSession.objects.get(mode=PracticeSession.Mode.TIMED)
    # The server's clock passes the deadline; the browser's clock reaches 0:00.
    PracticeSession.objects.filter(pk=session.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    page.clock.fast_forward("02:00")
    page.wait_for_url(f"**/sessions/{session.pk}/summary/")
    expect(page.get_by_text("1 of 1 answered")).to_be_visible()
    timed_attempt = Attempt.objects.get(item__session=session)
    assert timed_attempt.choice_id == session.items.get().choice_order[2]

    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
