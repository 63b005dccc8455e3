"""Dashboard reads: mastery with its uncertainty, weak topics, activity, trends.

They read from the analytics database (a Postgres replica when
DATABASE_REPLICA_URL is set, else the primary): a dashboard may lag a second.

Every function costs a fixed number of queries, whatever the learner's history:
aggregates run in the database over indexed rows and only summaries come back.
"""

import bisect
import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from config.prepared import Prepared
from config.routers import analytics_db

from . import selectors
from .models import Attempt, Confidence, Question, QuestionProgress, Section, Subsection

# Recent answers count more: full weight this month, half for the two months
# before, a quarter after that.
RECENT_DAYS, OLDER_DAYS = 30, 90
Z90 = 1.645  # two-sided 90% interval
MIN_ATTEMPTS_FOR_WEAK = 3
WEAK_BELOW = 0.75  # a topic whose estimate is at or above this is not "weak"
HEATMAP_WEEKS = 26
TREND_WEEKS = 12  # summed from the heatmap's days: at most HEATMAP_WEEKS


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


def answers(filter: Q | None = None) -> Count:
    """How many answers: counts `created_at`, never null and in the learner's
    covering index (`attempt_recent`), so Postgres answers from the index alone;
    COUNT(id) would visit every row."""
    return Count("created_at", filter=filter)


def progress_by_subsection(*, user: User) -> dict[int, dict]:
    """The learner's progress rows summed per subsection: how many questions
    seen, answers and right ones, all time and over the last 90 days (rows last
    answered since), with the subsection's section. One query over at most one
    row per question, whatever the history: mastery, the overview and the
    standings all start from it."""
    since = timezone.now() - timedelta(days=OLDER_DAYS)
    rows = _PROGRESS.rows(using=analytics_db(), user_id=user.pk, since=since)
    return {r["sub"]: r for r in rows}


# The dashboard's queries, compiled once per process (config.prepared): their
# compilation cost more than running them for most learners (issue 15).
def _progress(*, user_id: int, since) -> QuerySet:
    recent = Q(last_answered_at__gte=since)
    return (
        QuestionProgress.objects.filter(user_id=user_id)
        .values(sub=F("question__subsection"), section=F("question__subsection__section"))
        .annotate(
            seen=Count("pk"),
            n=Sum("attempts"),
            right=Sum("correct_attempts"),
            n_recent=Coalesce(Sum("attempts", filter=recent), 0),
            right_recent=Coalesce(Sum("correct_attempts", filter=recent), 0),
        )
        .order_by()
    )


def _per_day(*, user_id: int, since, until, tz) -> QuerySet:
    return (
        Attempt.objects.filter(user_id=user_id, created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=answers(), right=answers(filter=Q(correct=True)))
        .order_by()
    )


_PROGRESS = Prepared(_progress)
_PER_DAY = Prepared(_per_day)


# Answers counted per question from the learner's covering index, then summed
# per subsection over those (at most one row per question). Joining each answer
# to its question instead is planned for the average learner's few dozen rows
# once Postgres reuses a generic plan (server-side binding): a nested loop that
# took 8.6 ms for 4,900 answers in 90 days, this 3.7 (measured).
_RECENT_BY_SUBSECTION_SQL = """
SELECT q.subsection_id, SUM(a.right_90), SUM(a.wrong_90), SUM(a.right_30), SUM(a.wrong_30)
FROM (
    SELECT question_id,
        COUNT(created_at) FILTER (WHERE correct) AS right_90,
        COUNT(created_at) FILTER (WHERE NOT correct) AS wrong_90,
        COUNT(created_at) FILTER (WHERE correct AND created_at >= %s) AS right_30,
        COUNT(created_at) FILTER (WHERE NOT correct AND created_at >= %s) AS wrong_30
    FROM quizbank_attempt WHERE user_id = %s AND created_at >= %s
    GROUP BY question_id
) a
JOIN quizbank_question q ON q.id = a.question_id
GROUP BY q.subsection_id
"""

_RECENT_COLUMNS = ("right_90", "wrong_90", "right_30", "wrong_30")

_SURE_AND_WRONG_SQL = """
SELECT q.subsection_id, SUM(a.sure), SUM(a.wrong)
FROM (
    SELECT question_id, COUNT(created_at) AS sure,
        COUNT(created_at) FILTER (WHERE NOT correct) AS wrong
    FROM quizbank_attempt WHERE user_id = %s AND confidence = %s AND created_at >= %s
    GROUP BY question_id
) a
JOIN quizbank_question q ON q.id = a.question_id
GROUP BY q.subsection_id
HAVING SUM(a.wrong) > 0
ORDER BY SUM(a.wrong) DESC, SUM(a.sure) DESC, q.subsection_id
LIMIT %s
"""


def _fetch(sql: str, params: list) -> list[tuple]:
    """Rows of hand-written SQL on the analytics database; datetimes passed as
    the ORM would pass them (SQLite stores text)."""
    db = analytics_db()
    ops = connections[db].ops
    params = [ops.adapt_datetimefield_value(p) if isinstance(p, datetime) else p for p in params]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def mastery_by_subsection(*, user: User, progress: dict[int, dict] | None = None) -> list[Mastery]:
    """Mastery for every subsection (no evidence: the flat prior), in syllabus order.

    An answer weighs 1 this month, 0.5 in the two months before and 0.25 after:
    0.25 for every answer, plus 0.25 for one in the last 90 days, plus 0.5 for
    one in the last 30. So all-time counts come from the progress rows and only
    the last 90 days of answers are read: the cost follows recent activity, not
    the whole history (a learner with 20,000 answers, issue 15)."""
    now = timezone.now()
    if progress is None:
        progress = progress_by_subsection(user=user)
    month, since = now - timedelta(days=RECENT_DAYS), now - timedelta(days=OLDER_DAYS)
    recent = {
        sub: dict(zip(_RECENT_COLUMNS, map(int, counts), strict=True))
        for sub, *counts in _fetch(_RECENT_BY_SUBSECTION_SQL, [month, month, user.pk, since])
    }
    none = dict.fromkeys(_RECENT_COLUMNS, 0)
    result = []
    for sub in subsections_in_order():
        p = progress.get(sub.pk)
        if not p:
            result.append(Mastery(sub))
            continue
        r = recent.get(sub.pk, none)
        right, wrong = p["right"], p["n"] - p["right"]
        w_right = 0.25 * right + 0.25 * r["right_90"] + 0.5 * r["right_30"]
        w_wrong = 0.25 * wrong + 0.25 * r["wrong_90"] + 0.5 * r["wrong_30"]
        result.append(Mastery(sub, p["n"], right, 1 + w_right, 1 + w_wrong))
    return result


TAXONOMY_TTL = 10 * 60
# Part of the cached subsections' and cohort's keys: bump it when Subsection,
# Section or Cohort change shape, so a deploy never reads old pickles.
CACHE_FORMAT = 2


# The last tuple read, by taxonomy version, in this process, for TAXONOMY_TTL at
# most (as the cached one): unpickling some fifty subsections with their
# sections from the cache cost about 1 ms a call.
_subsections_read: tuple[str, float, tuple[Subsection, ...]] = ("", 0.0, ())


def subsections_in_order() -> tuple[Subsection, ...]:
    """Every subsection with its section, in syllabus order: the same for every
    learner, so cached under the taxonomy's version (a saved section or
    subsection starts a new one) and read from the database with the cache down.
    Shared between requests: read it, never change it."""
    global _subsections_read
    version = selectors.taxonomy_version()
    read_version, read_at, subsections = _subsections_read
    if read_version == version and time.monotonic() - read_at < TAXONOMY_TTL:
        return subsections
    key = f"quizbank:subsections:v{CACHE_FORMAT}:{version}"
    subsections = cache.get(key)
    if not isinstance(subsections, tuple):
        subsections = tuple(Subsection.objects.select_related("section"))
        cache.set(key, subsections, TAXONOMY_TTL)
    _subsections_read = (version, time.monotonic(), subsections)
    return subsections


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


def overview(
    *, user: User, progress: dict[int, dict] | None = None, bank: int | None = None
) -> Overview:
    """Questions seen and answers given, summed from the progress rows; `bank`,
    the published questions, when the caller has counted them."""
    if progress is None:
        progress = progress_by_subsection(user=user)
    rows = progress.values()
    return Overview(
        seen=sum(r["seen"] for r in rows),
        bank=Question.objects.published().count() if bank is None else bank,
        attempts=sum(r["n"] for r in rows),
        correct=sum(r["right"] for r in rows),
    )


@dataclass
class Activity:
    days: dict[date, int]
    today: date
    weeks: list[list[tuple[date, int]]] = field(default_factory=list)
    right: dict[date, int] = field(default_factory=dict)  # right answers per day

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


def _midnight(day: date, tz) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), tz)


PAST_DAYS_TTL = 26 * 60 * 60  # the key holds the day: an entry outlives it by no more
PAST_DAYS_FORMAT = 1


def _day_counts(user: User, tz, since: datetime, until: datetime) -> dict[date, tuple[int, int]]:
    rows = _PER_DAY.rows(
        using=analytics_db(), shape={"tz": tz}, user_id=user.pk, since=since, until=until
    )
    return {r["day"]: (r["n"], r["right"]) for r in rows}


def activity(*, user: User) -> Activity:
    """Answers per day in the learner's own time zone, for the heatmap, streak
    and trend. Days before today never change (answers are stored as they are
    given), so their counts are kept in the cache for the day and only today's
    answers are read on each later view: the first view after an answer reads a
    day of answers, not half a year (issue 15). With the cache down, both are read."""
    tz = user.tzinfo
    today = timezone.localtime(timezone.now(), tz).date()
    start = today - timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    midnight = _midnight(today, tz)
    key = f"quizbank:past-days:v{PAST_DAYS_FORMAT}:{user.cache_tag}:{tz.key}:{today.isoformat()}"
    past = cache.get(key)
    if not isinstance(past, dict):
        past = _day_counts(user, tz, _midnight(start, tz), midnight)
        cache.set(key, past, PAST_DAYS_TTL)
    counts = past | _day_counts(user, tz, midnight, _midnight(today + timedelta(days=1), tz))
    days = {day: n for day, (n, _) in counts.items()}
    right = {day: r for day, (_, r) in counts.items()}
    weeks = [
        [
            (start + timedelta(days=7 * w + d), days.get(start + timedelta(days=7 * w + d), 0))
            for d in range(7)
        ]
        for w in range(HEATMAP_WEEKS)
    ]
    return Activity(days=days, today=today, weeks=weeks, right=right)


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


def accuracy_trend(*, user: User, activity_: Activity | None = None) -> list[TrendPoint]:
    """Accuracy per local week (Monday to Sunday) over the last TREND_WEEKS weeks,
    this one included, summed from the days `activity` counted: whole weeks, so
    the first point is not a sliver of a week, and no second pass over the answers."""
    activity_ = activity_ or activity(user=user)
    first = activity_.today - timedelta(days=activity_.today.weekday() + 7 * (TREND_WEEKS - 1))
    weeks: dict[date, list[int]] = {}
    for day, n in activity_.days.items():
        if day >= first and n:
            week = weeks.setdefault(day - timedelta(days=day.weekday()), [0, 0])
            week[0] += n
            week[1] += activity_.right.get(day, 0)
    return [TrendPoint(week, n, right) for week, (n, right) in sorted(weeks.items())]


# "What you get wrong now": the confidence and misconception panels read the
# last half year only.
RECENT_MISTAKES_DAYS = 180


def confidently_wrong(*, user: User, subsections: dict[int, Subsection], limit: int = 5):
    """Subsections where the learner most often said "sure" and was wrong,
    as (subsection, sure answers, wrong ones)."""
    since = timezone.now() - timedelta(days=RECENT_MISTAKES_DAYS)
    rows = _fetch(_SURE_AND_WRONG_SQL, [user.pk, Confidence.SURE.value, since, limit])
    # A subsection added since `subsections` was read is skipped, not a 500.
    return [
        (subsections[sub], int(sure), int(wrong)) for sub, sure, wrong in rows if sub in subsections
    ]


# Wrong answers counted per choice from the learner's covering index alone
# (`attempt_recent` holds the choice), joined to the choices' misconceptions
# through `choice_misconception`, which covers them: joining the wide choice and
# question rows instead cost 5.6 ms for a learner with 20,000 answers, this 2.1
# (measured). The questions' ids and stems are read for the top few only.
_MISCONCEPTIONS_SQL = """
SELECT c.misconception, c.question_id, a.n
FROM (
    SELECT choice_id, COUNT(created_at) AS n FROM quizbank_attempt
    WHERE user_id = %s AND NOT correct AND created_at >= %s AND choice_id IS NOT NULL
    GROUP BY choice_id
) a
JOIN quizbank_choice c ON c.id = a.choice_id
WHERE c.misconception <> ''
"""


def misconceptions(*, user: User, limit: int = 5) -> list[dict]:
    """The wrong beliefs (choice misconception slugs) the learner fell for most
    lately, each with the questions that showed it. ("I don't know" has no
    choice, and so no misconception.)"""
    since = timezone.now() - timedelta(days=RECENT_MISTAKES_DAYS)
    rows = _fetch(_MISCONCEPTIONS_SQL, [user.pk, since])
    by_slug: dict[str, dict] = {}
    for slug, question_id, n in rows:
        entry = by_slug.setdefault(slug, {"slug": slug, "n": 0, "question_pks": set()})
        entry["n"] += n
        entry["question_pks"].add(question_id)
    top = sorted(by_slug.values(), key=lambda t: (-t["n"], t["slug"]))[:limit]
    wanted = {pk for t in top for pk in t["question_pks"]}
    questions = (
        {
            pk: (ext, stem)
            for pk, ext, stem in Question.objects.using(analytics_db())
            .filter(pk__in=wanted)
            .values_list("pk", "external_id", "stem_snippet")
        }
        if wanted
        else {}
    )
    stems = dict(questions.values())
    for t in top:
        shown = {questions[pk][0] for pk in t.pop("question_pks") if pk in questions}
        t["label"] = t["slug"].replace("-", " ")
        t["question_ids"] = sorted(shown)[:5]
        # (external id, rendered one-line stem): the stem is the link text.
        t["questions"] = [(ext, stems[ext]) for ext in t["question_ids"]]
    return top


@dataclass
class Standing:
    section: Section
    accuracy: float
    answered: int
    percentile: int | None
    peers: int


MIN_ANSWERS_FOR_RANK = 5


COHORT_TTL = 10 * 60
_COHORT_KEY = f"quizbank:cohort-accuracy:v{CACHE_FORMAT}"


@dataclass(frozen=True)
class Cohort:
    """Active learners' accuracy per section: sorted, for counting who is below,
    and by learner, so the asker's own (older) figure can be left out."""

    sorted_by_section: dict[int, list[float]]
    by_section: dict[int, dict[int, float]]

    def standing(self, section_id: int, user_id: int, accuracy: float) -> tuple[int | None, int]:
        """(percentile among the others, how many others): peers below count
        one, ties a half."""
        accs = self.sorted_by_section.get(section_id, [])
        below = bisect.bisect_left(accs, accuracy)
        ties = bisect.bisect_right(accs, accuracy) - below
        peers = len(accs)
        own = self.by_section.get(section_id, {}).get(user_id)
        if own is not None:
            peers -= 1
            if own < accuracy:
                below -= 1
            elif own == accuracy:
                ties -= 1
        if not peers:
            return None, 0
        return round(100 * (below + 0.5 * ties) / peers), peers


def cohort_accuracy() -> Cohort:
    """Every active learner's accuracy per section (at least a few answers there
    in the last 90 days). The same for every learner and costly (it reads every
    active learner's progress), so cached for ten minutes: peers' figures may be
    that old, the asker's own never are. Read from the database with the cache down."""
    cohort = cache.get(_COHORT_KEY)
    if isinstance(cohort, Cohort):
        return cohort
    since = timezone.now() - timedelta(days=OLDER_DAYS)
    rows = (
        QuestionProgress.objects.using(analytics_db())
        .filter(last_answered_at__gte=since)
        .values("user", section=F("question__subsection__section"))
        .annotate(n=Sum("attempts"), right=Sum("correct_attempts"))
        .filter(n__gte=MIN_ANSWERS_FOR_RANK)
        .order_by()
    )
    by_section: dict[int, dict[int, float]] = {}
    for r in rows:
        by_section.setdefault(r["section"], {})[r["user"]] = r["right"] / r["n"]
    cohort = Cohort({s: sorted(accs.values()) for s, accs in by_section.items()}, by_section)
    cache.set(_COHORT_KEY, cohort, COHORT_TTL)
    return cohort


def percentile_by_section(*, user: User, progress: dict[int, dict] | None = None) -> list[Standing]:
    """Where the learner's accuracy sits among active learners, per section
    (learners with at least a few answers in the section in the last 90 days).
    The learner's own figures are read now; the others' come from `cohort_accuracy`."""
    if progress is None:
        progress = progress_by_subsection(user=user)
    mine: dict[int, list[int]] = {}
    for r in progress.values():
        n_right = mine.setdefault(r["section"], [0, 0])
        n_right[0] += r["n_recent"]
        n_right[1] += r["right_recent"]
    sections = {s.section_id: s.section for s in subsections_in_order()}
    cohort = None
    standings = []
    for section_id, section in sections.items():
        n, right = mine.get(section_id, (0, 0))
        if n < MIN_ANSWERS_FOR_RANK:
            continue
        cohort = cohort or cohort_accuracy()
        accuracy = right / n
        percentile, peers = cohort.standing(section_id, user.pk, accuracy)
        standings.append(Standing(section, accuracy, n, percentile, peers))
    return standings
