"""Issue 17 in Chromium: set an interview date three weeks out, practise today's
plan, read the Today card (plan, on track or behind, the forecast with its
interval, the 14-day due forecast); the next day sit a syllabus mock and see its
score beside the forecast made the day before. axe-clean, light and dark."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizbank import services as quizbank_services
from readiness.models import Forecast, Mock
from readiness.services import BANK_CACHE_KEY
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import serious
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer
from tests.srs.test_browser_review import answer_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
AXE = Axe()


@pytest.fixture
def clock(settings):
    class Clock:
        def to(self, when: datetime) -> None:
            settings.SRS_CLOCK_OFFSET = when - timezone.now()

    settings.SRS_ENABLE_FUZZ = False
    return Clock()


def test_goal_plan_forecast_and_mock(page: Page, live_server, clock):
    SHOTS.mkdir(parents=True, exist_ok=True)
    cache.delete(BANK_CACHE_KEY)
    subs = [SubsectionFactory(title=f"Topic {n}", target=10) for n in range(4)]
    questions = [QuestionFactory(subsection=subs[i % 4]) for i in range(48)]
    user = UserFactory()
    day_one = datetime(2026, 3, 10, 12, tzinfo=UTC)
    clock.to(day_one - timedelta(days=1))
    # Some history from yesterday: 20 answers, three in four right.
    session = quizbank_services.session_create(
        user=user, question_ids=[q.pk for q in questions[:20]], title="Earlier"
    )
    for item in session.items.select_related("question"):
        answer(user, item, correct=item.position % 4 != 0)
    clock.to(day_one)

    log_in(page, live_server, user)
    page.get_by_role("link", name="Set your goal").click()
    assert serious(AXE.run(page)) == []  # the goal page
    interview = (day_one + timedelta(days=21)).date()
    page.get_by_label("Interview date").fill(interview.isoformat())
    page.get_by_label("Minutes a day").fill("20")
    page.get_by_role("button", name="Save and plan").click()
    page.wait_for_url("**/dashboard/")

    today = page.locator("#today")
    line = today.locator("[data-plan-line]")
    expect(line).to_contain_text(re.compile(r"\d+ reviews? \+ \d+ new, about \d+ minutes"))
    found = re.search(r"(\d+) reviews? \+ (\d+) new", line.inner_text())
    total = int(found.group(1)) + int(found.group(2))
    # Yesterday's 20 come back today (a first right answer holds about a day), then new ones.
    assert int(found.group(1)) == 20 and int(found.group(2)) > 0
    today.get_by_role("button", name="Start").click()
    answer_all(page, total, right=set(range(1, total + 1)))

    page.goto(live_server.url + "/dashboard/")
    expect(
        today.get_by_role("heading", name=re.compile("Forecast for your interview"))
    ).to_be_visible()
    expect(today.locator("[data-forecast]")).to_contain_text(
        re.compile(r"\d+% likely \d+–\d+% \(80% interval\)")
    )
    expect(today.locator("[data-track]")).to_contain_text(
        re.compile(r"On track|Behind by \d+ minutes a day")
    )
    chart = today.get_by_role(
        "img", name=re.compile("Reviews to expect on each of the next 14 days")
    )
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() == 14
    # Re-planned after the answers: the reviews are done; new ones fill the time
    # left at this (fast) learner's own pace.
    expect(today.locator("[data-plan-line]")).to_contain_text(re.compile(r"^0 reviews"))
    for theme in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        assert serious(AXE.run(page)) == [], theme
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "readiness-today.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The next day: a syllabus mock, checked against yesterday's forecast.
    clock.to(day_one + timedelta(days=1))
    page.reload()
    today.get_by_role("button", name=re.compile("Sit a syllabus mock")).click()
    expect(page.get_by_role("heading", name=re.compile("Question 1 of 40"))).to_be_visible()
    page.get_by_role("button", name="Review and submit").click()
    page.once("dialog", lambda dialog: dialog.accept())  # 40 unanswered: sure?
    page.get_by_role("button", name="Submit the test").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/summary/"))
    page.goto(live_server.url + "/dashboard/")
    mock = Mock.objects.get(user=user)
    before = Forecast.objects.get(user=user, day=day_one.date())
    assert mock.score == 0 and mock.forecast_mean == before.next_day_mean
    expect(today.locator("[data-mocks]")).to_contain_text(
        re.compile(r"0% · forecast the day before \d+% \(\d+–\d+%\)")
    )
    assert serious(AXE.run(page)) == []
    page.screenshot(path=str(SHOTS / "readiness-mock.png"), full_page=True)
