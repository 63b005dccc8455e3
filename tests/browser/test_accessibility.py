"""axe-core on every page type, light and dark: no serious or critical violation;
and every page fits a 375 px wide phone without sideways scrolling."""

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from quizbank import services
from quizbank.models import PracticeSession
from tests.browser.helpers import log_in
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Axe()


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def site(db):
    sub = SubsectionFactory(title="Activation Functions")
    questions = [QuestionFactory(subsection=sub) for _ in range(4)]
    user = UserFactory()
    tutor = services.session_start(user=user, subsection=sub, size=2)
    answer(user, tutor.items.get(position=1), correct=False)
    answer(user, tutor.items.get(position=2), correct=True)
    open_session = services.session_start(user=user, subsection=sub, size=2)
    timed = services.session_start(
        user=user, subsection=sub, size=2, mode=PracticeSession.Mode.TIMED
    )
    done = services.session_start(
        user=user, subsection=sub, size=2, mode=PracticeSession.Mode.TIMED
    )
    services.timed_finish(user=user, session_id=done.pk)
    services.annotation_save(user=user, question=questions[0], flagged=True, note="n")
    pages = {
        "dashboard": reverse("dashboard"),
        "catalogue": reverse("catalogue"),
        "start": reverse("practice-subsection", args=[sub.section.slug, sub.slug]),
        "question": reverse("session-item", args=[open_session.pk, 1]),
        "feedback": reverse("session-item", args=[tutor.pk, 1]),
        "summary": reverse("session-summary", args=[tutor.pk]),
        "timed": reverse("session-item", args=[timed.pk, 1]),
        "timed-review": reverse("session-review", args=[timed.pk]),
        "results": reverse("session-summary", args=[done.pk]),
        "missed": reverse("missed"),
        "flagged": reverse("flagged"),
        "custom": reverse("custom-test"),
        "history": reverse("history"),
        "detail": reverse("question-detail", args=[questions[0].external_id]),
        "profile": reverse("profile"),
        "review": reverse("srs-queue"),
        "search": reverse("search") + "?q=differentiate",
        "search-empty": reverse("search") + "?q=no-such-words&status=flagged",
        "notes": reverse("notes"),
        "goal": reverse("readiness-goal"),
        "not-found": "/no-such-page/",
    }
    return user, pages


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_violations_on_any_page(page: Page, live_server, site, theme):
    user, pages = site
    page.emulate_media(color_scheme=theme)
    problems = {}
    for name in ["home", "login", "signup", "reset"]:
        url = {
            "home": "/",
            "login": "/accounts/login/",
            "signup": "/accounts/signup/",
            "reset": "/accounts/password/reset/",
        }[name]
        page.goto(live_server.url + url)
        if found := serious(AXE.run(page)):
            problems[name] = found
    log_in(page, live_server, user)
    for name, url in pages.items():
        page.goto(live_server.url + url)
        if found := serious(AXE.run(page)):
            problems[name] = found
    report = Path(__file__).resolve().parents[2] / "var" / f"axe-{theme}.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(problems, indent=2))
    assert not problems, problems


def test_pages_fit_a_phone(browser, live_server, site):
    user, pages = site
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    log_in(page, live_server, user)
    too_wide = {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[name] = width
    context.close()
    assert not too_wide, too_wide
