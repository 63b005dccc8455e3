"""The dashboard's panels for one learner, kept in the cache until their
history, the bank or the day changes (issue 15): computing them reads the
learner's recent answers several times over; reading them back is one query."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import User
from config.routers import analytics_db
from config.versions import version_get, version_replace

from . import charts, selectors
from .analytics import (
    Activity,
    Mastery,
    Overview,
    Standing,
    accuracy_trend,
    activity,
    confidently_wrong,
    mastery_by_subsection,
    misconceptions,
    overview,
    percentile_by_section,
    progress_by_subsection,
    weak_topics,
)
from .models import Question

DASHBOARD_TTL = 10 * 60  # bounds how late a 30- or 90-day window moves an answer's weight
# Part of the key: bump it when DashboardData or what it holds changes shape.
DASHBOARD_FORMAT = 3  # 3: the trend's geometry (a narrower viewBox, its label column)


@dataclass
class DashboardData:
    """Everything the dashboard shows from the learner's history."""

    overview: Overview
    mastery_rows: SafeString
    weak: list[Mastery]
    activity: Activity
    heatmap: dict
    trend: dict
    confidently_wrong: list
    misconceptions: list[dict]
    standings: list[Standing]


def _history_version_key(user_id: int) -> str:
    return f"quizbank:history-v:{user_id}"


def learner_history_forget(*, user_id: int) -> None:
    """The learner's answers changed: their cached dashboard is out of date."""
    version_replace(_history_version_key(user_id), DASHBOARD_TTL)


# The bank's version (its newest edit and its sizes) and the learner's newest
# answer as the database the panels are read from sees them: one statement.
_VERSIONS_SQL = """
SELECT MAX(updated_at), COUNT(*), COUNT(*) FILTER (WHERE status = %s),
  (SELECT MAX(last_attempt_id) FROM quizbank_questionprogress WHERE user_id = %s)
FROM quizbank_question
"""


def dashboard_data(*, user: User) -> DashboardData:
    """The dashboard's panels, computed from the history or read from the cache.

    The key holds everything they depend on: the learner's history version
    (replaced by every stored answer) and their newest answer as the analytics
    database sees it (a replica that has not caught up yet reads, and keeps, its
    own key); the taxonomy's version; the bank's (its newest edit, as every
    editor path bumps `updated_at`, and its sizes); the learner's day and time
    zone. So the first view after an answer or an edit computes; the next ones
    read (issue 15). One query either way for the versions; with the cache down
    every view computes (fail open). An edit stamped before another but
    committed after it may show up to DASHBOARD_TTL late."""
    tz = user.tzinfo
    today = timezone.localtime(timezone.now(), tz).date()
    with connections[analytics_db()].cursor() as cursor:
        cursor.execute(_VERSIONS_SQL, [Question.Status.PUBLISHED, user.pk])
        edited, total, published, newest_answer = cursor.fetchone()
    history = version_get(_history_version_key(user.pk), DASHBOARD_TTL)
    edited = str(edited).replace(" ", "T")  # a datetime (Postgres) or text (SQLite)
    key = (
        f"quizbank:dashboard:v{DASHBOARD_FORMAT}:{user.cache_tag}:{history}:{newest_answer}:"
        f"{selectors.taxonomy_version()}:{edited}:{total}:{published}:"
        f"{today.isoformat()}:{tz.key}"
    )
    data = cache.get(key)
    if isinstance(data, DashboardData):
        return data
    progress = progress_by_subsection(user=user)
    masteries = mastery_by_subsection(user=user, progress=progress)
    activity_ = activity(user=user)
    data = DashboardData(
        overview=overview(user=user, progress=progress, bank=published),
        mastery_rows=charts.mastery_rows(masteries),
        weak=weak_topics(masteries),
        activity=activity_,
        heatmap=charts.heatmap(activity_),
        trend=charts.trend(accuracy_trend(user=user, activity_=activity_)),
        confidently_wrong=confidently_wrong(
            user=user, subsections={m.subsection.pk: m.subsection for m in masteries}
        ),
        misconceptions=misconceptions(user=user),
        standings=percentile_by_section(user=user, progress=progress),
    )
    cache.set(key, data, DASHBOARD_TTL)
    return data


def dashboard_warm(*, user_id: int) -> None:
    """Compute a learner's panels ahead of their next view. Run when a session
    ends, the moment learners open the dashboard, so that view reads them."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        dashboard_data(user=user)
