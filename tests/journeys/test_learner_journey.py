"""A learner's journey as a state machine (issue 14): hypothesis chooses the
sequence of ordinary actions; after every step every page the learner can reach
is fetched, and must answer without a 5xx while the invariants hold.

Runs on Postgres with the suite and on SQLite (`make test` runs it twice), since
`make run` is SQLite. Each example runs in a savepoint rolled back at the end,
over a small bank made once for all examples.
Deterministic in the suite; HYPOTHESIS_PROFILE=explore searches fresh sequences.
"""

import os
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import User
from quizbank.models import (
    Annotation,
    Attempt,
    PracticeSession,
    ProblemReport,
    QuestionProgress,
    SessionItem,
)
from readiness.models import Plan
from srs import clock
from srs.days import DayRule
from srs.models import Card
from tests.factories import QuestionFactory, SectionFactory, SubsectionFactory

PASSWORD = "a-long-pass-phrase-1"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice"}
TIME_ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York"]


def make_bank():
    """Two sections of two subsections, three questions each, every difficulty."""
    for s in range(2):
        section = SectionFactory(number=str(s + 1), slug=f"sec-{s + 1}", title=f"Section {s}")
        for n in range(2):
            sub = SubsectionFactory(
                section=section, number=f"{s + 1}.{n + 1}", slug=f"sub-{s + 1}-{n + 1}"
            )
            for difficulty in ("easy", "medium", "hard"):
                QuestionFactory(subsection=sub, difficulty=difficulty)


@contextmanager
def committed():
    """Run what a step deferred to its commit (e-mail, the replan), as production
    does, and forget it: the example's transaction never commits, and a callback
    left in the list would look like one still waiting (readiness dedupes on it)."""
    start = len(connection.run_on_commit)
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    del connection.run_on_commit[start:]


class Learner(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Every example starts from the same empty database and cache.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        from django.core.cache import cache

        cache.clear()
        self.client = Client()
        self.user = None
        self.session = None  # the session being practised
        self.position = 1
        self.clock = timedelta(0)

    def teardown(self):
        from django.conf import settings as django_settings

        django_settings.SRS_CLOCK_OFFSET = None
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # Getting in ----------------------------------------------------------------

    @initialize(tz=st.sampled_from(TIME_ZONES))
    def sign_up(self, tz):
        """Sign up and confirm by the e-mailed link, as a newcomer does."""
        mail.outbox.clear()
        with committed():
            response = self.client.post(
                reverse("account_signup"),
                {
                    "email": "ada@example.com",
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                    "timezone": tz,
                },
            )
        assert response.status_code == 302, response.content[:500]
        link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
        self.client.get(link[1])
        self.user = User.objects.get(email="ada@example.com")
        assert self.client.get(reverse("dashboard")).status_code == 200

    # Starting sessions -------------------------------------------------------------

    def _opened(self, response):
        assert response.status_code in (302, 400, 429), response.status_code
        if response.status_code == 302 and "/sessions/" in response.url:
            self.session = PracticeSession.objects.filter(user=self.user).latest("pk")
            self.position = 1

    @rule(s=st.integers(1, 2), n=st.integers(0, 2), size=st.sampled_from([5, 10]))
    def start_section_or_subsection(self, s, n, size):
        url = (
            reverse("practice-subsection", args=[f"sec-{s}", f"sub-{s}-{n}"])
            if n
            else reverse("practice-section", args=[f"sec-{s}"])
        )
        self._opened(
            self.client.post(url, {"size": size, "difficulties": ["easy", "medium", "hard"]})
        )

    @rule(pool=st.sampled_from(["missed", "flagged", "all"]))
    def start_pool(self, pool):
        self._opened(self.client.post(reverse("pool-start", args=[pool])))

    @rule(
        mode=st.sampled_from(["tutor", "timed"]),
        pool=st.sampled_from(["all", "unused", "missed", "flagged"]),
        size=st.integers(1, 6),
        difficulties=st.sets(st.sampled_from(["easy", "medium", "hard"]), min_size=1),
    )
    def start_custom(self, mode, pool, size, difficulties):
        data = {"mode": mode, "pool": pool, "size": size, "difficulties": sorted(difficulties)}
        self._opened(self.client.post(reverse("custom-test"), data))

    @rule()
    def review_due_cards(self):
        self._opened(self.client.post(reverse("srs-start")))

    @rule(minutes=st.sampled_from([5, 30, 240]), score=st.sampled_from([50, 80, 100]))
    def set_goal(self, minutes, score):
        data = {"interview_date": "", "target_score": score, "minutes_per_day": minutes}
        assert self.client.post(reverse("readiness-goal"), data).status_code == 302

    @rule()
    def start_todays_plan(self):
        """Start (or resume) the Today card's plan; without a goal or with
        nothing left, back to the dashboard with a message."""
        response = self.client.post(reverse("readiness-start"))
        assert response.status_code == 302
        if "/sessions/" in response.url:
            self.session = PracticeSession.objects.get(pk=int(response.url.split("/")[2]))
            self.position = int(response.url.split("/")[3])

    # Answering -----------------------------------------------------------------------

    def _item(self) -> SessionItem | None:
        if self.session is None:
            return None
        return SessionItem.objects.filter(session=self.session, position=self.position).first()

    def _tutor_open(self):
        self.session and self.session.refresh_from_db()
        return bool(self.session and not self.session.is_timed and not self.session.finished_at)

    def _timed_open(self):
        self.session and self.session.refresh_from_db()
        return bool(
            self.session
            and self.session.is_timed
            and not self.session.finished_at
            and timezone.now() < self.session.deadline
        )

    @precondition(lambda self: self._tutor_open())
    @rule(
        right=st.booleans(),
        confidence=st.sampled_from(["", "sure", "guess"]),
        htmx=st.booleans(),
    )
    def answer(self, right, confidence, htmx):
        item = self._item()
        choice = item.question.choices.filter(correct=right).first()
        url = reverse("session-answer", args=[self.session.pk, self.position])
        data = {"choice": choice.pk, "confidence": confidence}
        response = self.client.post(url, data, **(HTMX if htmx else {}))
        assert response.status_code in (200, 302)
        self.position = min(self.position + 1, self.session.size)

    @precondition(lambda self: self._tutor_open())
    @rule()
    def dont_know(self):
        url = reverse("session-answer", args=[self.session.pk, self.position])
        assert self.client.post(url, {"dont_know": "1"}).status_code in (200, 302)
        self.position = min(self.position + 1, self.session.size)

    def _tutor_finished(self):
        self.session and self.session.refresh_from_db()
        return bool(self.session and not self.session.is_timed and self.session.finished_at)

    @precondition(lambda self: self._tutor_finished())
    @rule(htmx=st.booleans())
    def answer_after_finish(self, htmx):
        """Found by the newcomer pass of 30 November: a finished session's score
        stands, so an answer sent to it (a stale tab, the back button) is turned
        away to the summary and nothing is stored."""
        item = self._item()
        stored = Attempt.objects.filter(item__session=self.session).count()
        url = reverse("session-answer", args=[self.session.pk, self.position])
        data = {"choice": item.question.choices.first().pk}
        response = self.client.post(url, data, **(HTMX if htmx else {}))
        assert response.status_code in (200, 302)
        assert Attempt.objects.filter(item__session=self.session).count() == stored

    @precondition(lambda self: self._timed_open())
    @rule(
        pick=st.integers(0, 3),
        go=st.sampled_from(["save", "next", "prev", "1"]),
        marked=st.booleans(),
    )
    def timed_answer(self, pick, go, marked):
        item = self._item()
        data = {"choice": item.choice_order[pick], "go": go}
        if marked:
            data["marked"] = "1"
        url = reverse("session-answer", args=[self.session.pk, self.position])
        response = self.client.post(
            url, data, **({"HTTP_HX_REQUEST": "true"} if go == "save" else {})
        )
        assert response.status_code in (204, 302)
        if go != "save":
            self.position = (
                int(response.url.rstrip("/").split("/")[-1]) if "summary" not in response.url else 1
            )

    @precondition(lambda self: self._timed_open())
    @rule()
    def timed_deadline_passes(self):
        """Move the clock past the deadline (never sleep): the next page ends the test."""
        PracticeSession.objects.filter(pk=self.session.pk).update(
            deadline=timezone.now() - timedelta(seconds=1)
        )

    @precondition(lambda self: self.session is not None)
    @rule()
    def finish_early(self):
        response = self.client.post(reverse("session-finish", args=[self.session.pk]))
        assert response.status_code == 302

    # Flag, note, report ---------------------------------------------------------------

    @precondition(lambda self: self._item() is not None)
    @rule(flagged=st.booleans(), htmx=st.booleans())
    def flag(self, flagged, htmx):
        q = self._item().question
        data = {"flagged": "1" if flagged else "0", "next": "/dashboard/"}
        response = self.client.post(
            reverse("question-flag", args=[q.external_id]),
            data,
            **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
        )
        assert response.status_code in (200, 302)

    @precondition(lambda self: self._item() is not None)
    @rule(note=st.text(max_size=40))
    def note(self, note):
        q = self._item().question
        response = self.client.post(reverse("question-note", args=[q.external_id]), {"note": note})
        assert response.status_code in (200, 302, 400)

    @precondition(lambda self: self._item() is not None)
    @rule(reason=st.sampled_from(["typo in B", "two answers are right", "  "]))
    def report(self, reason):
        q = self._item().question
        response = self.client.post(
            reverse("question-report", args=[q.external_id]), {"reason": reason}
        )
        assert response.status_code in (200, 302, 400)

    # Settings and time --------------------------------------------------------------

    @rule(
        tz=st.sampled_from(TIME_ZONES),
        rollover=st.integers(0, 23),
        retention=st.sampled_from(["0.80", "0.90", "0.95"]),
        new_limit=st.sampled_from([0, 3, 10]),
    )
    def change_settings(self, tz, rollover, retention, new_limit):
        data = {
            "display_name": "Ada",
            "timezone": tz,
            "day_rollover_hour": rollover,
            "desired_retention": retention,
            "review_limit": 200,
            "new_limit": new_limit,
        }
        with committed():  # the replan, as it commits
            assert self.client.post(reverse("profile"), data).status_code == 302

    @rule(days=st.integers(1, 30))
    def days_pass(self, days):
        """Move the spaced-repetition clock forward: cards come due."""
        from django.conf import settings as django_settings

        self.clock += timedelta(days=days)
        django_settings.SRS_CLOCK_OFFSET = self.clock

    # After every step ---------------------------------------------------------------

    @invariant()
    def every_page_answers(self):
        if self.user is None:
            return
        pages = [
            reverse("dashboard"),
            reverse("catalogue"),
            reverse("missed"),
            reverse("flagged"),
            reverse("history"),
            reverse("srs-queue"),
            reverse("profile"),
            reverse("custom-test"),
            reverse("notes"),
            reverse("search") + "?q=question&status=missed",
        ]
        sessions = PracticeSession.objects.filter(user=self.user)
        pages += [
            reverse("session-summary", args=[pk]) for pk in sessions.values_list("pk", flat=True)
        ]
        if self.session is not None:
            pages.append(reverse("session-item", args=[self.session.pk, self.position]))
            q = self._item().question
            pages.append(reverse("question-detail", args=[q.external_id]))
        for url in pages:
            response = self.client.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
            if url == reverse("dashboard"):
                overview = response.context["overview"]
        self.check_records(overview)

    def check_records(self, overview):
        # One attempt per item, whatever was clicked twice.
        assert (
            not Attempt.objects.filter(user=self.user, item__isnull=False)
            .values("item")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .exists()
        )
        # The dashboard's counts are the rows.
        answered = Attempt.objects.filter(user=self.user)
        assert overview.attempts == answered.count()
        assert overview.correct == answered.filter(correct=True).count()
        assert overview.seen == answered.values("question").distinct().count()
        assert overview.seen == QuestionProgress.objects.filter(user=self.user).count()
        # A card for every answered question.
        assert set(Card.objects.filter(user=self.user).values_list("question", flat=True)) == set(
            answered.values_list("question", flat=True)
        )
        # One open report per question; flags and notes belong to this learner only.
        assert (
            not ProblemReport.objects.filter(status="open")
            .values("user", "question")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .exists()
        )
        assert not Annotation.objects.exclude(user=self.user).exists()
        # Today's plan (seen on the dashboard just now) keeps the learner's daily
        # limits, and Start resumes it rather than opening a second one.
        self.user.refresh_from_db()
        plan = Plan.objects.filter(user=self.user).first()
        if plan is not None:
            assert plan.new <= self.user.new_limit and plan.reviews <= self.user.review_limit
            rule = DayRule.for_user(self.user)
            # Sessions are stamped in real time; the study day runs on the moved clock.
            today_start = rule.start(rule.day_of(clock.now())) - clock.offset()
            open_plans = PracticeSession.objects.filter(
                user=self.user,
                title="Today's plan",
                finished_at__isnull=True,
                created_at__gte=today_start,
            )
            assert open_plans.count() <= 1


EXAMPLES = int(os.environ.get("JOURNEY_EXAMPLES", "200"))


@pytest.mark.django_db
def test_learner_journeys():
    make_bank()  # shared by every example; each learner's doings roll back
    run_state_machine_as_test(
        Learner,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
