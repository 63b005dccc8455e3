"""Spaced-repetition reads. `due_today` is the one definition of what is due:
the navigation count, the review queue and the reminder e-mail all use it."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.models import User
from config.versions import version_get, version_new, version_replace
from quizbank.models import Question
from quizbank.rules import MAX_SESSION_SIZE

from . import clock
from .days import DayRule
from .models import Card, ReviewLog

MAX_QUEUE = MAX_SESSION_SIZE  # one review session at a time, as long as a practice session


@dataclass(frozen=True)
class DueToday:
    day: date  # the learner's study day
    day_start: datetime
    day_end: datetime
    reviews: int  # due reviews left today, within the daily review limit
    backlog: int  # due cards beyond the limit (they wait for later days)
    new: int  # unseen questions the learner may still start today
    # The raw counts behind them, to carry the figures past an answer (`answered`).
    reviewed: int = 0  # due reviews done today
    introduced: int = 0  # new questions started today
    review_limit: int = 0
    new_limit: int = 0
    counted_at: datetime | None = field(default=None, compare=False)  # last read from the DB

    @property
    def total(self) -> int:
        return self.reviews + self.new

    @classmethod
    def counted(
        cls,
        *,
        due: int,
        reviewed: int,
        introduced: int,
        day: date,
        day_start: datetime,
        day_end: datetime,
        review_limit: int,
        new_limit: int,
        counted_at: datetime | None,
    ) -> "DueToday":
        """The figures from the raw counts and the learner's daily limits."""
        due = max(0, due)
        reviews = min(due, max(0, review_limit - reviewed))
        return cls(
            day=day,
            day_start=day_start,
            day_end=day_end,
            reviews=reviews,
            backlog=due - reviews,
            new=max(0, new_limit - introduced),
            reviewed=reviewed,
            introduced=introduced,
            review_limit=review_limit,
            new_limit=new_limit,
            counted_at=counted_at,
        )

    def answered(self, *, kind: str, due: datetime) -> "DueToday":
        """The figures once an answer of `kind` scheduled its card to `due`,
        without a query. A review was due before it (a card answered before its
        day is an early one), so it leaves the due count unless due again today."""
        was_due = kind == ReviewLog.Kind.REVIEW
        return DueToday.counted(
            due=self.reviews + self.backlog - was_due + (due < self.day_end),
            reviewed=self.reviewed + was_due,
            introduced=self.introduced + (kind == ReviewLog.Kind.NEW),
            day=self.day,
            day_start=self.day_start,
            day_end=self.day_end,
            review_limit=self.review_limit,
            new_limit=self.new_limit,
            counted_at=self.counted_at,
        )


def card_due_list(*, user, before: datetime) -> QuerySet[Card]:
    """Cards of published questions falling due before `before`."""
    return Card.objects.filter(
        user=user, due__lt=before, question__status=Question.Status.PUBLISHED
    )


# `due_today`'s three counts in one statement, as SQL: the ORM's spelling (three
# Coalesce(Subquery) annotations) cost more to compile than to run, on every
# answer (measured: 1.5 ms of Python). The same filters as `card_due_list`.
_DUE_TODAY_SQL = """
SELECT
  (SELECT COUNT(*) FROM srs_card c JOIN quizbank_question q ON q.id = c.question_id
   WHERE c.user_id = %(user)s AND c.due < %(end)s AND q.status = %(published)s),
  (SELECT COUNT(*) FROM srs_reviewlog l WHERE l.user_id = %(user)s
   AND l.reviewed_at >= %(start)s AND l.reviewed_at < %(end)s AND l.kind = %(review)s),
  (SELECT COUNT(*) FROM srs_reviewlog l WHERE l.user_id = %(user)s
   AND l.reviewed_at >= %(start)s AND l.reviewed_at < %(end)s AND l.kind = %(new)s)
"""


def card_due_today(*, user: User, now: datetime | None = None) -> DueToday:
    """What the learner has due in their current study day. One query."""
    rule = DayRule.for_user(user)
    day = rule.day_of(now or clock.now())
    start, end = rule.start(day), rule.end(day)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _DUE_TODAY_SQL,
            {
                "user": user.pk,
                "start": adapt(start),
                "end": adapt(end),
                "published": Question.Status.PUBLISHED.value,
                "review": ReviewLog.Kind.REVIEW.value,
                "new": ReviewLog.Kind.NEW.value,
            },
        )
        due, reviewed, introduced = cursor.fetchone()
    return DueToday.counted(
        due=due,
        reviewed=reviewed,
        introduced=introduced,
        day=day,
        day_start=start,
        day_end=end,
        review_limit=user.review_limit,
        new_limit=user.new_limit,
        counted_at=clock.now(),
    )


DUE_TTL = 10 * 60  # bounds staleness from writes that send no signal (backfill, retiring)


# Part of the key: bump when DueToday changes, so a deploy never reads old pickles.
DUE_CACHE_FORMAT = 2


DUE_VERSION_TTL = 24 * 3600


def _due_version_key(user_id: int) -> str:
    return f"srs:due-v:{user_id}"


def _due_key(user: User, version: str) -> tuple[str, date]:
    rule = DayRule.for_user(user)
    day = rule.day_of(clock.now())
    key = (
        f"srs:due:{DUE_CACHE_FORMAT}:{user.cache_tag}:{version}:{day.isoformat()}:"
        f"{rule.tz.key}:{rule.rollover_hour}:{user.review_limit}:{user.new_limit}"
    )
    return key, day


def card_due_today_cached(*, user: User) -> DueToday:
    """`due_today` for the navigation on every page, kept in the cache per learner,
    study day and settings, so a page costs no query for it.

    The key holds everything the count depends on that can change without an
    answer (the study day, time zone, rollover hour, limits), so a new day or a
    settings change reads a new key; an answer replaces the learner's version
    token (`card_due_today_answered`), orphaning every older entry. The user's
    join time is in the key too: a recycled id (a test database) never reads
    another learner's entry. With the cache down this is `due_today` (fail open)."""
    version = version_get(_due_version_key(user.pk), DUE_VERSION_TTL)
    key, day = _due_key(user, version)
    due = cache.get(key)
    if not isinstance(due, DueToday) or due.day != day:
        due = card_due_today(user=user)
        cache.set(key, due, DUE_TTL)
    return due


def card_due_today_forget(*, user_id: int) -> None:
    """The learner's cards or review log are being written: every cached count
    is orphaned, now and once the write commits."""
    version_replace(_due_version_key(user_id), DUE_VERSION_TTL)


def card_due_today_answered(*, user: User, kind: str, due: datetime) -> None:
    """An answer in the current transaction scheduled a card: the cached count
    moves by what that answer changed, so the feedback's "Due today" and the next
    page need no query (only a count the database gave within `DUE_TTL` is carried
    forward, so any drift is bounded).

    A new version now, so a page that recomputes before the answer commits cannot
    keep its stale count; once it commits, the carried count goes in under a
    fresh version, unless another answer started its own version meanwhile
    (two tabs at once): then no count is kept and the next page recounts."""
    before = None
    version = cache.get(_due_version_key(user.pk))
    if version is not None:
        key, day = _due_key(user, version)
        before = cache.get(key)
        fresh = (
            isinstance(before, DueToday)
            and before.day == day
            and before.counted_at is not None
            and clock.now() - before.counted_at < timedelta(seconds=DUE_TTL)
        )
        before = before if fresh else None
    pending = version_new(_due_version_key(user.pk), DUE_VERSION_TTL)

    def carry() -> None:
        if before is None or cache.get(_due_version_key(user.pk)) != pending:
            version_new(_due_version_key(user.pk), DUE_VERSION_TTL)
            return
        after = before.answered(kind=kind, due=due)
        version = uuid.uuid4().hex
        key, day = _due_key(user, version)
        # Kept only as long as the count it started from: DUE_TTL after the
        # database was read, however many answers carried it.
        left = DUE_TTL - (clock.now() - before.counted_at).total_seconds()
        if day != after.day or left < 1:  # the study day ended meanwhile
            version_new(_due_version_key(user.pk), DUE_VERSION_TTL)
            return
        cache.set(key, after, int(left))
        cache.set(_due_version_key(user.pk), version, DUE_VERSION_TTL)

    transaction.on_commit(carry)


@dataclass(frozen=True)
class Queue:
    due: DueToday
    review_ids: list[int]  # question ids, most overdue (relative to interval) first
    new_ids: list[int]  # unseen question ids, in curriculum order

    @property
    def question_ids(self) -> list[int]:
        return (self.review_ids + self.new_ids)[:MAX_QUEUE]


def card_review_queue(*, user: User, now: datetime | None = None) -> Queue:
    """Today's review queue: `due_today`'s reviews, then its new questions. Three queries."""
    due = card_due_today(user=user, now=now)
    rule = DayRule.for_user(user)
    rows = card_due_list(user=user, before=due.day_end).values_list(
        "question_id", "due", "last_review"
    )

    def overdue(row) -> tuple[float, datetime]:
        _, due_at, last = row
        due_day = rule.day_of(due_at)
        interval = max(1, (due_day - rule.day_of(last)).days) if last else 1
        return (-(due.day - due_day).days / interval, due_at)

    review_ids = [row[0] for row in sorted(rows, key=overdue)[: due.reviews]]
    new_ids: list[int] = []
    room = MAX_QUEUE - len(review_ids)
    if due.new and room > 0:
        seen = Card.objects.filter(user=user, question=OuterRef("pk"))
        new_ids = list(
            Question.objects.published()
            .filter(~Exists(seen))
            .values_list("pk", flat=True)[: min(due.new, room)]
        )
    return Queue(due=due, review_ids=review_ids, new_ids=new_ids)


def subsection_weakest(*, user: User, due: DueToday) -> str | None:
    """The topic (subsection) among today's due cards with the lowest mean
    stability: what the learner is closest to forgetting. One query."""
    row = (
        card_due_list(user=user, before=due.day_end)
        .values("question__subsection__number", "question__subsection__title")
        .annotate(stability=Avg("stability"), cards=Count("pk"))
        .order_by("stability", "-cards", "question__subsection__number")
        .first()
    )
    if row is None:
        return None
    return f"{row['question__subsection__number']} {row['question__subsection__title']}"


@dataclass(frozen=True)
class DayLoad:
    day: date
    cards: int


def card_due_forecast(*, user: User, due: DueToday, days: int = 14) -> list[DayLoad]:
    """Cards falling due on each of the next `days` study days, today first
    (today's count includes the overdue ones). One query: a card always falls
    due at the start of a study day, so grouping by `due` groups by day."""
    rule = DayRule.for_user(user)
    last = due.day + timedelta(days=days - 1)
    rows = (
        card_due_list(user=user, before=rule.end(last))
        .annotate(
            day_start=Case(
                When(due__lt=due.day_end, then=Value(due.day_start)),
                default=F("due"),
                output_field=DateTimeField(),
            )
        )
        .values("day_start")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_day: dict[date, int] = {}
    for row in rows:
        day = max(rule.day_of(row["day_start"]), due.day)
        per_day[day] = per_day.get(day, 0) + row["n"]
    return [
        DayLoad(day=due.day + timedelta(days=n), cards=per_day.get(due.day + timedelta(days=n), 0))
        for n in range(days)
    ]


@dataclass(frozen=True)
class ReviewStats:
    days: int
    answers: int  # every answer the scheduler saw
    reviews: int  # answers to cards that were due
    recalled: int  # due reviews answered right

    @property
    def retention(self) -> int | None:
        """Percent of due reviews answered right (None before the first one)."""
        return round(100 * self.recalled / self.reviews) if self.reviews else None

    @property
    def reviews_a_day(self) -> float:
        return round(self.reviews / self.days, 1)

    @property
    def answers_a_day(self) -> float:
        return round(self.answers / self.days, 1)


def review_stats(*, user: User, due: DueToday, days: int = 30) -> ReviewStats:
    """The last `days` study days (today included) of review logs. One query."""
    since = DayRule.for_user(user).start(due.day - timedelta(days=days - 1))
    review = Q(kind=ReviewLog.Kind.REVIEW)
    row = ReviewLog.objects.filter(user=user, reviewed_at__gte=since).aggregate(
        answers=Count("pk"),
        reviews=Count("pk", filter=review),
        recalled=Count("pk", filter=review & Q(rating=ReviewLog.Rating.GOOD)),
    )
    return ReviewStats(days=days, **row)


def card_next_review(
    *, user: User, question_id: int, now: datetime | None = None, due: datetime | None = None
) -> int | None:
    """Study days until the learner's card for this question falls due again
    (0: today), or None without a card. One query, none when the caller knows
    the card's `due` (the answer that just scheduled it)."""
    card_due = due or (
        Card.objects.filter(user=user, question_id=question_id)
        .values_list("due", flat=True)
        .first()
    )
    if card_due is None:
        return None
    rule = DayRule.for_user(user)
    return max(0, (rule.day_of(card_due) - rule.day_of(now or clock.now())).days)
