"""Dashboard reads: mastery with its uncertainty, weak topics, activity, trends.

They read from the analytics database (a Postgres replica when
DATABASE_REPLICA_URL is set, else the primary): a dashboard may lag a second.

Every function costs a fixed number of queries, whatever the learner's history:
aggregates run in the database over indexed rows and only summaries come back.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from accounts.models import User
from config.routers import analytics_db

from .models import Attempt, Confidence, Question, QuestionProgress, Section, Subsection

# Recent answers count more: full weight this month, half for the two months
# before, a quarter after that.
RECENT_DAYS, OLDER_DAYS = 30, 90
Z90 = 1.645  # two-sided 90% interval
MIN_ATTEMPTS_FOR_WEAK = 3
WEAK_BELOW = 0.75  # a topic whose estimate is at or above this is not "weak"
HEATMAP_WEEKS = 26
TREND_WEEKS = 12


@dataclass
class Mastery:
    """A Beta(1 + weighted right, 1 + weighted wrong) posterior over accuracy."""

    subsection: Subsection
    attempts: int = 0
    correct: int = 0
    alpha: float = 1.0
    beta: float = 1.0

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def spread(self) -> float:
        a, b = self.alpha, self.beta
        return Z90 * math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    @property
    def low(self) -> float:
        return max(0.0, self.mean - self.spread)

    @property
    def high(self) -> float:
        return min(1.0, self.mean + self.spread)

    @property
    def percent(self) -> int:
        return round(100 * self.mean)

    @property
    def low_percent(self) -> int:
        return round(100 * self.low)

    @property
    def high_percent(self) -> int:
        return round(100 * self.high)


def _recency_weight(now):
    return Case(
        When(created_at__gte=now - timedelta(days=RECENT_DAYS), then=Value(1.0)),
        When(created_at__gte=now - timedelta(days=OLDER_DAYS), then=Value(0.5)),
        default=Value(0.25),
        output_field=FloatField(),
    )


def mastery_by_subsection(*, user: User) -> list[Mastery]:
    """Mastery for every subsection (no evidence: the flat prior), in syllabus order."""
    now = timezone.now()
    weight = _recency_weight(now)
    rows = (
        Attempt.objects.using(analytics_db())
        .filter(user=user)
        .values(sub=F("question__subsection"))
        .annotate(
            n=Count("pk"),
            right=Count("pk", filter=Q(correct=True)),
            w_right=Sum(Case(When(correct=True, then=weight), default=Value(0.0))),
            w_wrong=Sum(Case(When(correct=False, then=weight), default=Value(0.0))),
        )
    )
    by_sub = {r["sub"]: r for r in rows}
    result = []
    for sub in Subsection.objects.select_related("section"):
        r = by_sub.get(sub.pk)
        if r:
            result.append(Mastery(sub, r["n"], r["right"], 1 + r["w_right"], 1 + r["w_wrong"]))
        else:
            result.append(Mastery(sub))
    return result


def weak_topics(masteries: list[Mastery], limit: int = 5) -> list[Mastery]:
    """Subsections the evidence says are weakest: ranked by the top of the
    interval, so a topic is listed only when even its optimistic estimate is low."""
    tried = [m for m in masteries if m.attempts >= MIN_ATTEMPTS_FOR_WEAK and m.mean < WEAK_BELOW]
    return sorted(tried, key=lambda m: (m.high, m.mean))[:limit]


@dataclass
class Overview:
    seen: int
    bank: int
    attempts: int
    correct: int

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.correct / self.attempts) if self.attempts else None


def overview(*, user: User) -> Overview:
    totals = (
        QuestionProgress.objects.using(analytics_db())
        .filter(user=user)
        .aggregate(seen=Count("pk"), attempts=Sum("attempts"), correct=Sum("correct_attempts"))
    )
    return Overview(
        seen=totals["seen"],
        bank=Question.objects.published().count(),
        attempts=totals["attempts"] or 0,
        correct=totals["correct"] or 0,
    )


@dataclass
class Activity:
    days: dict[date, int]
    today: date
    weeks: list[list[tuple[date, int]]] = field(default_factory=list)

    @cached_property  # the dashboard shows it three times
    def streak(self) -> int:
        """Consecutive days with an answer, ending today (or yesterday: today
        is not over yet)."""
        day = self.today if self.days.get(self.today) else self.today - timedelta(days=1)
        n = 0
        while self.days.get(day):
            n += 1
            day -= timedelta(days=1)
        return n

    @property
    def active_days(self) -> int:
        return sum(1 for v in self.days.values() if v)

    @property
    def busiest(self) -> int:
        return max(self.days.values(), default=0)


def activity(*, user: User) -> Activity:
    """Answers per day in the learner's own time zone, for the heatmap and streak."""
    tz = user.tzinfo
    today = timezone.localtime(timezone.now(), tz).date()
    start = today - timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    since = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()), tz)
    rows = (
        Attempt.objects.using(analytics_db())
        .filter(user=user, created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
    )
    days = {r["day"]: r["n"] for r in rows}
    weeks = [
        [
            (start + timedelta(days=7 * w + d), days.get(start + timedelta(days=7 * w + d), 0))
            for d in range(7)
        ]
        for w in range(HEATMAP_WEEKS)
    ]
    return Activity(days=days, today=today, weeks=weeks)


def heat_level(count: int, busiest: int) -> int:
    if not count:
        return 0
    return min(4, 1 + (4 * count - 1) // max(busiest, 1))


@dataclass
class TrendPoint:
    week: date
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


def accuracy_trend(*, user: User) -> list[TrendPoint]:
    """Weekly accuracy over the last weeks, in the learner's time zone."""
    tz = user.tzinfo
    since = timezone.now() - timedelta(weeks=TREND_WEEKS)
    rows = (
        Attempt.objects.using(analytics_db())
        .filter(user=user, created_at__gte=since)
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .values("week")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .order_by("week")
    )
    return [
        TrendPoint(
            r["week"].date() if hasattr(r["week"], "date") else r["week"], r["n"], r["right"]
        )
        for r in rows
    ]


# "What you get wrong now": the confidence and misconception panels read the
# last half year only.
RECENT_MISTAKES_DAYS = 180


def confidently_wrong(*, user: User, subsections: dict[int, Subsection], limit: int = 5):
    """Subsections where the learner most often said "sure" and was wrong,
    as (subsection, sure answers, wrong ones)."""
    since = timezone.now() - timedelta(days=RECENT_MISTAKES_DAYS)
    rows = (
        Attempt.objects.using(analytics_db())
        .filter(user=user, confidence=Confidence.SURE, created_at__gte=since)
        .values(sub=F("question__subsection"))
        .annotate(sure=Count("pk"), wrong=Count("pk", filter=Q(correct=False)))
        .filter(wrong__gt=0)
        .order_by("-wrong", "-sure")[:limit]
    )
    return [(subsections[r["sub"]], r["sure"], r["wrong"]) for r in rows]


def misconceptions(*, user: User, limit: int = 5) -> list[dict]:
    """The wrong beliefs (choice misconception slugs) the learner fell for most
    lately, each with the questions that showed it."""
    since = timezone.now() - timedelta(days=RECENT_MISTAKES_DAYS)
    wrong = (
        Attempt.objects.using(analytics_db())
        # "I don't know" has no choice: a NULL the exclude below would keep.
        .filter(user=user, correct=False, created_at__gte=since, choice__isnull=False)
        .exclude(choice__misconception="")
    )
    top = list(
        wrong.values(slug=F("choice__misconception"))
        .annotate(n=Count("pk"))
        .order_by("-n", "slug")[:limit]
    )
    slugs = [t["slug"] for t in top]
    shown: dict[str, dict[str, str]] = {s: {} for s in slugs}
    for slug, ext, snippet in (
        wrong.filter(choice__misconception__in=slugs)
        .values_list("choice__misconception", "question__external_id", "question__stem_snippet")
        .distinct()
    ):
        shown[slug][ext] = snippet
    for t in top:
        t["label"] = t["slug"].replace("-", " ")
        t["question_ids"] = sorted(shown[t["slug"]])[:5]
        # (external id, rendered one-line stem): the stem is the link text.
        t["questions"] = [(ext, shown[t["slug"]][ext]) for ext in t["question_ids"]]
    return top


@dataclass
class Standing:
    section: Section
    accuracy: float
    answered: int
    percentile: int | None
    peers: int


MIN_ANSWERS_FOR_RANK = 5


def percentile_by_section(*, user: User) -> list[Standing]:
    """Where the learner's accuracy sits among active learners, per section
    (learners with at least a few answers in the section in the last 90 days)."""
    since = timezone.now() - timedelta(days=OLDER_DAYS)
    rows = (
        QuestionProgress.objects.using(analytics_db())
        .filter(last_answered_at__gte=since)
        .values("user", section=F("question__subsection__section"))
        .annotate(n=Sum("attempts"), right=Sum("correct_attempts"))
        .filter(n__gte=MIN_ANSWERS_FOR_RANK)
    )
    by_section: dict[int, list[float]] = {}
    mine: dict[int, tuple[float, int]] = {}
    for r in rows:
        acc = r["right"] / r["n"]
        if r["user"] == user.pk:
            mine[r["section"]] = (acc, r["n"])
        else:
            by_section.setdefault(r["section"], []).append(acc)
    standings = []
    for section in Section.objects.all():
        if section.pk not in mine:
            continue
        acc, n = mine[section.pk]
        peers = by_section.get(section.pk, [])
        below = sum(1 for p in peers if p < acc) + 0.5 * sum(1 for p in peers if p == acc)
        pct = round(100 * below / len(peers)) if peers else None
        standings.append(Standing(section, acc, n, pct, len(peers)))
    return standings
