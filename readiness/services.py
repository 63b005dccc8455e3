"""Readiness writes: the goal, the forecast and plan (recomputed when answers
change, and hourly for the learners whose study day has rolled over), and the
syllabus mock. Keyword-only, typed, atomic."""

import dataclasses
import logging
import random
import statistics
from datetime import date, timedelta
from functools import partial

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q

from accounts.models import User
from quizbank.models import Attempt, PracticeSession, Question
from quizbank.rules import MAX_SESSION_SIZE
from quizbank.services import session_create
from srs import clock
from srs.days import DayRule
from srs.models import Card, ReviewLog
from srs.selectors import card_due_today, card_review_queue

from . import model
from .models import Forecast, Goal, Mock, Plan

log = logging.getLogger(__name__)

BANK_CACHE_KEY = "readiness:bank:v1"
BANK_CACHE_SECONDS = 60 * 60
# A learner's refresh waiting in the queue; if its message is lost, the next
# answer after this long queues another.
REFRESH_QUEUED_KEY = "readiness:refresh-queued:{}"
REFRESH_QUEUED_TTL = 60
DEFAULT_HORIZON = timedelta(days=28)  # no interview date: forecast four weeks out
MEDIAN_OVER = 200  # the learner's last answers, for their time per answer
ADHERENCE_DAYS = 14  # the study days before today that say how often the learner studies


# The bank, as the model sees it ----------------------------------------------------


def bank_build() -> model.Bank:
    """Published questions with their difficulty from all learners' first answers
    (the first review log of every card), and the syllabus targets. Two queries."""
    firsts = {
        row["card__question_id"]: row
        for row in ReviewLog.objects.filter(kind=ReviewLog.Kind.NEW)
        .values("card__question_id")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(rating=ReviewLog.Rating.GOOD)))
    }
    items, targets, titles = [], {}, {}
    rows = Question.objects.published().values_list(
        "pk",
        "difficulty",
        "subsection__number",
        "subsection__target",
        "subsection__section__number",
        "subsection__section__title",
    )
    for pk, difficulty, sub, target, sec, sec_title in rows:
        first = firsts.get(pk, {})
        b = model.item_difficulty(difficulty, first.get("n", 0), first.get("right", 0))
        items.append(model.Item(pk, sub, sec, b))
        targets[sub] = target or 1
        titles[sec] = sec_title
    return model.Bank(tuple(items), targets, titles)


def bank_current() -> model.Bank:
    """The bank, cached: item difficulties move slowly (refreshed hourly by beat)."""
    bank = cache.get(BANK_CACHE_KEY)
    if bank is None:
        bank = bank_build()
        cache.set(BANK_CACHE_KEY, bank, BANK_CACHE_SECONDS)
    return bank


# The learner ------------------------------------------------------------------------


def study_day(user: User) -> date:
    return DayRule.for_user(user).day_of(clock.now())


def goal_of(user: User) -> Goal:
    """The learner's goal, or the defaults (unsaved) if they have not set one."""
    return Goal.objects.filter(user=user).first() or Goal(user=user)


def target_date(goal: Goal, today: date) -> date:
    return goal.interview_date or today + DEFAULT_HORIZON


def learner_state(user: User) -> model.Learner:
    """What the model needs about the learner: cards, first answers, pace, and how
    many of the last 14 study days they studied on. Six queries."""
    rule = DayRule.for_user(user)
    today = rule.day_of(clock.now())
    rows = list(
        Card.objects.filter(
            user=user, stability__isnull=False, last_review__isnull=False
        ).values_list(
            "question_id",
            "state",
            "step",
            "stability",
            "difficulty",
            "last_review",
            "due",
            "created_at",
        )
    )
    cards = [
        model.CardState(
            question_id=q,
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            last_day=rule.day_of(last),
            due_day=rule.day_of(due),
        )
        for q, state, step, stability, difficulty, last, due, _ in rows
    ]
    firsts = [
        (q, rating == ReviewLog.Rating.GOOD)
        for q, rating in ReviewLog.objects.filter(user=user, kind=ReviewLog.Kind.NEW).values_list(
            "card__question_id", "rating"
        )
    ]
    times = [
        ms
        for ms in Attempt.objects.filter(user=user, time_taken_ms__gt=0)
        .order_by("-created_at")
        .values_list("time_taken_ms", flat=True)[:MEDIAN_OVER]
    ]
    seconds = (
        min(300.0, max(10.0, statistics.median(times) / 1000)) if times else model.DEFAULT_SECONDS
    )
    answered_today = ReviewLog.objects.filter(user=user, reviewed_at__gte=rule.start(today)).count()
    due = card_due_today(user=user)
    window = [rule.day_of(clock.now()) - timedelta(days=n) for n in range(ADHERENCE_DAYS, 0, -1)]
    active = {
        rule.day_of(at)
        for at in ReviewLog.objects.filter(
            user=user, reviewed_at__gte=rule.start(window[0]), reviewed_at__lt=rule.start(today)
        ).values_list("reviewed_at", flat=True)
    }
    first_day = min((rule.day_of(row[-1]) for row in rows), default=today)
    return model.Learner(
        cards=cards,
        first_answers=firsts,
        retention=user.desired_retention,
        seconds_per_answer=seconds,
        answered_today=answered_today,
        review_room=due.reviews,
        new_room=due.new,
        new_per_day=user.new_limit,
        adherence=model.adherence([d in active for d in window if d >= first_day]),
    )


# Forecast and plan ------------------------------------------------------------------


def forecast_refresh(*, user_id: int) -> Forecast | None:
    """Recompute the learner's forecast and today's plan (learners with a goal).
    The model runs outside any transaction (tens of ms): on SQLite a transaction
    holds the write lock from its BEGIN, so only the two writes take one."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    goal = Goal.objects.filter(user_id=user_id).first()
    if user is None or goal is None:
        return None
    _mocks_score(user=user)
    today = study_day(user)
    on = target_date(goal, today)
    bank = bank_current()
    if not bank.items:
        return None
    learner = learner_state(user)
    result = model.forecast(bank, learner, today=today, on=on, minutes=goal.minutes_per_day)
    tomorrow = model.forecast(
        bank, learner, today=today, on=today + timedelta(days=1), minutes=goal.minutes_per_day
    )
    # Does the learner's daily new-question limit, not their minutes, hold the
    # plan back: today, or on the way to a target no number of minutes reaches?
    free = dataclasses.replace(learner, new_room=model.UNLIMITED, new_per_day=model.UNLIMITED)
    _, new_by_minutes = model.plan_today(bank, free, today=today, minutes=goal.minutes_per_day)
    new_limited = len(new_by_minutes) > len(result.new_today)
    needed = None
    if result.plan.mean < goal.target_score:
        needed = model.minutes_needed(bank, learner, today=today, on=on, target=goal.target_score)
        if needed is None and not new_limited:
            lifted = model.minutes_needed(bank, free, today=today, on=on, target=goal.target_score)
            new_limited = lifted is not None
    sections = [
        {
            "number": number,
            "title": bank.section_titles.get(number, ""),
            "plan": plan.as_dict(),
            "stop": stop.as_dict(),
        }
        for number, (plan, stop) in result.sections.items()
    ]
    with transaction.atomic():
        forecast, _ = Forecast.objects.update_or_create(
            user=user,
            day=today,
            defaults={
                "target_date": result.date,
                "mean": result.plan.mean,
                "low": result.plan.low,
                "high": result.plan.high,
                "stop_mean": result.stop.mean,
                "stop_low": result.stop.low,
                "stop_high": result.stop.high,
                "enough": result.plan.enough,
                "answers": result.answers,
                "sections": sections,
                "due_forecast": result.due_forecast,
                "minutes_needed": needed,
                "next_day_mean": tomorrow.plan.mean,
                "next_day_low": tomorrow.plan.low,
                "next_day_high": tomorrow.plan.high,
                "computed_at": clock.now(),
            },
        )
        Plan.objects.update_or_create(
            user=user,
            defaults={
                "forecast": forecast,
                "day": today,
                "reviews": result.reviews_today,
                "new_question_ids": result.new_today,
                "minutes": result.minutes_today,
                "new_limited": new_limited,
                "computed_at": clock.now(),
            },
        )
    return forecast


ON_VIEW_KEY = "readiness:refreshed-on-view:{}:{}"


def forecast_refresh_on_view(*, user: User, day: date) -> bool:
    """The Today card found a plan for another study day: work it out now (tens
    of ms), as Start does, once per learner and day (an empty bank gives no
    plan: not tried on every view). A failure is logged and the card shows what
    it has; the worker is asked instead. True if a plan was made."""
    if not cache.add(ON_VIEW_KEY.format(user.cache_tag, day.isoformat()), True, 24 * 60 * 60):
        return False
    try:
        return forecast_refresh(user_id=user.pk) is not None
    except Exception:
        log.exception("readiness: refresh on view failed for user %s", user.pk)
        transaction.on_commit(partial(_refresh_queue, user.pk), robust=True)
        return False


def forecast_refresh_queued(*, user_id: int) -> Forecast | None:
    """The worker's refresh: answers committed from now on queue the next one."""
    cache.delete(REFRESH_QUEUED_KEY.format(user_id))
    return forecast_refresh(user_id=user_id)


def _refresh_queue(user_id: int) -> None:
    """Queue a refresh unless one is waiting: that one reads this answer too.
    With the cache down (and the broker, the same Redis, with it) nothing is
    queued; the next answer after it returns queues one."""
    from .tasks import refresh_forecast

    key = REFRESH_QUEUED_KEY.format(user_id)
    if not cache.add(key, True, REFRESH_QUEUED_TTL):
        return
    try:
        refresh_forecast.delay(user_id)
    except Exception:
        cache.delete(key)  # nothing is queued: the next answer tries again
        raise


def forecast_refresh_on_commit(*, user_id: int) -> None:
    """Recompute after the answer's transaction commits: once per transaction and
    learner, however many answers it stored (a timed test stores up to 100), and
    once for answers given while a refresh waits in the queue. Robust: a broker
    that is down costs the refresh (logged), never the answer's response."""
    for _, queued, _ in connection.run_on_commit:
        if getattr(queued, "readiness_user_id", None) == user_id:
            return
    run = partial(_refresh_queue, user_id)
    run.readiness_user_id = user_id
    transaction.on_commit(run, robust=True)


@transaction.atomic
def goal_save(
    *, user: User, interview_date: date | None, target_score: int, minutes_per_day: int
) -> Goal:
    """Save the goal; the plan is recomputed at once (the page that follows shows it)."""
    goal, _ = Goal.objects.update_or_create(
        user=user,
        defaults={
            "interview_date": interview_date,
            "target_score": target_score,
            "minutes_per_day": minutes_per_day,
        },
    )
    forecast_refresh(user_id=user.pk)
    return goal


def forecasts_rollover(*, now=None) -> int:
    """Beat, hourly: refresh the learners whose study day has moved on since their
    last forecast (recall decays overnight). Returns how many were refreshed."""
    cache.delete(BANK_CACHE_KEY)  # pick up the latest item difficulties
    now = now or clock.now()
    refreshed = 0
    rows = Goal.objects.select_related("user").filter(user__is_active=True)
    latest = dict(Plan.objects.filter(user__goal__isnull=False).values_list("user_id", "day"))
    for goal in rows.iterator():
        if latest.get(goal.user_id) != DayRule.for_user(goal.user).day_of(now):
            _refresh_queue(goal.user_id)
            refreshed += 1
    return refreshed


# Sessions from the plan --------------------------------------------------------------


PLAN_TITLE = "Today's plan"


def plan_open_session(*, user: User) -> PracticeSession | None:
    """Today's plan session, if started this study day and not finished."""
    # Sessions are stamped in real time; the study day runs on srs's clock,
    # which tests and development may move forward.
    day_start = DayRule.for_user(user).start(study_day(user)) - clock.offset()
    return (
        PracticeSession.objects.filter(
            user=user,
            title=PLAN_TITLE,
            finished_at__isnull=True,
            created_at__gte=day_start,
        )
        .order_by("-pk")
        .first()
    )


def plan_start(*, user: User) -> PracticeSession | None:
    """A session of exactly today's plan: the reviews due, then the new questions.
    Today's plan session already open is resumed, not started again."""
    if (session := plan_open_session(user=user)) is not None:
        return session
    plan = Plan.objects.filter(user=user).first()
    if plan is None or plan.day != study_day(user):
        forecast_refresh(user_id=user.pk)
        plan = Plan.objects.filter(user=user).first()
    if plan is None:
        return None
    reviews = card_review_queue(user=user).review_ids[: plan.reviews]
    seen = set(
        Card.objects.filter(user=user, question_id__in=plan.new_question_ids).values_list(
            "question_id", flat=True
        )
    )
    # A plan not yet redone since other new questions were answered today must
    # not take the learner past their daily limit.
    room = card_due_today(user=user).new
    new = [q for q in plan.new_question_ids if q not in seen][:room]
    ids = (reviews + new)[:MAX_SESSION_SIZE]
    if not ids:
        return None
    return session_create(
        user=user, question_ids=ids, title=PLAN_TITLE, mode=PracticeSession.Mode.REVIEW
    )


@transaction.atomic
def mock_start(*, user: User, rng: random.Random | None = None) -> PracticeSession:
    """A timed syllabus mock (40 questions, 90 s each), kept beside the forecast
    made the day before it."""
    bank = bank_current()
    ids = model.mock_draw(bank, rng or random.Random())
    session = session_create(
        user=user,
        question_ids=ids,
        title="Syllabus mock",
        mode=PracticeSession.Mode.TIMED,
        seconds_per_question=model.MOCK_SECONDS,
    )
    today = study_day(user)
    before = Forecast.objects.filter(user=user, day__lt=today).order_by("-day").first()
    Mock.objects.create(
        session=session,
        user=user,
        day=today,
        forecast_mean=before.next_day_mean if before else None,
        forecast_low=before.next_day_low if before else None,
        forecast_high=before.next_day_high if before else None,
    )
    return session


def _mocks_score(*, user: User) -> None:
    """Score the learner's finished mocks: right answers out of all questions."""
    for mock in Mock.objects.filter(
        user=user, score__isnull=True, session__finished_at__isnull=False
    ).select_related("session"):
        right = Attempt.objects.filter(item__session=mock.session, correct=True).count()
        mock.score = 100 * right / max(1, mock.session.size)
        mock.save(update_fields=["score"])
