"""Non-trivial reads. Each costs a fixed number of queries, whatever the history."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.cache import cache
from django.db import models, router
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from config.prepared import Prepared
from config.versions import version_get, version_replace

from .models import (
    Annotation,
    Attempt,
    Choice,
    PracticeSession,
    ProblemReport,
    Question,
    QuestionProgress,
    Section,
    SessionItem,
    Subsection,
)
from .rules import DIFFICULTIES, MIN_ANSWERS_FOR_PEER_SHARES


class Pool(models.TextChoices):
    ALL = "all", "All questions"
    UNUSED = "unused", "Unused: never answered"
    MISSED = "missed", "Missed: last answer was wrong"
    FLAGGED = "flagged", "Flagged by you"


def question_pool_list(
    *,
    user: User,
    pool: str = Pool.ALL,
    sections: Sequence[Section] = (),
    subsections: Sequence[Subsection] = (),
    difficulties: Sequence[str] = DIFFICULTIES,
) -> QuerySet[Question]:
    """Published questions in the scope (every section if none given) and pool,
    annotated with `seen`: when the user last answered each (None if never)."""
    progress = QuestionProgress.objects.filter(user=user, question=OuterRef("pk"))
    questions = Question.objects.published().filter(difficulty__in=list(difficulties))
    if sections or subsections:
        questions = questions.filter(
            Q(subsection__section__in=list(sections)) | Q(subsection__in=list(subsections))
        )
    questions = questions.annotate(seen=Subquery(progress.values("last_answered_at")[:1]))
    if pool == Pool.UNUSED:
        questions = questions.filter(seen__isnull=True)
    elif pool == Pool.MISSED:
        questions = questions.filter(Exists(progress.filter(last_correct=False)))
    elif pool == Pool.FLAGGED:
        flagged = Annotation.objects.filter(user=user, question=OuterRef("pk"), flagged=True)
        questions = questions.filter(Exists(flagged))
    return questions


@dataclass(frozen=True)
class Progress:
    answered: int
    correct: int
    total: int

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.correct / self.answered) if self.answered else None


def section_catalogue_list(*, user: User) -> list[Section]:
    """Sections with their subsections, each carrying question counts and the
    user's progress (`questions`, `seen`, `attempts`, `correct`).

    Measured as the dashboard measures them: "seen" counts published questions
    with a progress row, accuracy is right answers over all answers to them."""
    published = Q(questions__status=Question.Status.PUBLISHED)
    # An aggregate drops Meta.ordering from the query: the syllabus order is asked for.
    subsections = Subsection.objects.annotate(
        questions_count=Count("questions", filter=published)
    ).order_by("position", "pk")
    sections = list(Section.objects.prefetch_related(Prefetch("subsections", subsections)))
    stats = {
        row["question__subsection"]: row
        for row in QuestionProgress.objects.filter(
            user=user, question__status=Question.Status.PUBLISHED
        )
        .values("question__subsection")
        .annotate(seen=Count("pk"), attempts=Sum("attempts"), correct=Sum("correct_attempts"))
    }
    for section in sections:
        section.questions_count = section.seen = answers = right = 0
        for sub in section.subsections.all():
            row = stats.get(sub.pk, {})
            sub.seen = min(row.get("seen", 0), sub.questions_count)
            sub.progress = Progress(
                row.get("attempts", 0), row.get("correct", 0), sub.questions_count
            )
            section.questions_count += sub.questions_count
            section.seen += sub.seen
            answers += sub.progress.answered
            right += sub.progress.correct
        section.progress = Progress(answers, right, section.questions_count)
    return sections


@dataclass(frozen=True)
class ItemState:
    item: SessionItem
    choices: list[Choice]
    attempt: Attempt | None
    progress: Progress
    annotation: Annotation | None = None

    @property
    def session(self) -> PracticeSession:
        return self.item.session

    @property
    def question(self) -> Question:
        return self.item.question

    @property
    def is_last(self) -> bool:
        return self.item.position >= self.session.size

    @property
    def key_id(self) -> int | None:
        return next((c.pk for c in self.choices if c.correct), None)


# Compiled once per process (config.prepared): compiling it cost about a third
# of the question page's time.
_ITEM_STATE = Prepared(
    lambda *, user_id, session_id, position: (
        SessionItem.objects.select_related("session", "attempt")
        .annotate(
            question_version=F("question__updated_at"),
            answered_n=_SESSION_ANSWERED,
            correct_n=_SESSION_CORRECT,
            **{f"note_{name}": _annotation_column(name, user_id) for name in _NOTE_COLUMNS},
        )
        .filter(session_id=session_id, session__user_id=user_id, position=position)
    )
)


def item_state(*, user: User, session_id: int, position: int) -> ItemState:
    """One item of the user's own session (404 otherwise), its choices in the
    learner's order, the attempt if answered, the session's progress and the
    learner's flag and note on the question: one query, the question from the cache."""
    found = _ITEM_STATE.rows(
        using=router.db_for_read(SessionItem),
        user_id=user.pk,
        session_id=session_id,
        position=position,
    )
    if not found:
        raise Http404("No such item in your sessions.")
    item = found[0]
    item.question, by_id = question_bundle_get(
        question_id=item.question_id, version=item.question_version
    )
    choices = [by_id[pk] for pk in item.choice_order if pk in by_id]
    return ItemState(
        item=item,
        choices=choices,
        attempt=getattr(item, "attempt", None),
        progress=Progress(item.answered_n, item.correct_n, item.session.size),
        annotation=Annotation(
            user=user,
            question_id=item.question_id,
            **{name: getattr(item, f"note_{name}") for name in _NOTE_COLUMNS},
        )
        if item.note_id is not None
        else None,
    )


def item_state_answered(*, state: ItemState, attempt: Attempt) -> ItemState:
    """The state once `attempt` answers its unanswered item, with no query: the
    state's progress did not count this item, so it counts one more (also when
    another tab stored the attempt after the state was read)."""
    progress = replace(
        state.progress,
        answered=state.progress.answered + 1,
        correct=state.progress.correct + int(attempt.correct),
    )
    return replace(state, attempt=attempt, progress=progress)


QUESTION_CACHE_SECONDS = 3600
# Part of every cached question's key: bump it when Question or Choice gain fields
# or a data migration rewrites rendered ones, so a deploy never reads old pickles.
QUESTION_CACHE_FORMAT = 1
_TAXONOMY_VERSION = "quizbank:taxonomy-version"


def taxonomy_version() -> str:
    """The sections' and subsections' current version, part of the key of every
    cached value that carries them (a new one after any save or delete)."""
    return version_get(_TAXONOMY_VERSION, None)


def question_bundle_get(*, question_id: int, version: datetime) -> tuple[Question, dict]:
    """A question with its subsection, section and choices (by id): the same for
    every learner, so kept in the cache under the question's `updated_at`, which
    every editor path (admin, bank load, bulk actions, revert) bumps, and the
    taxonomy's version, which a saved section or subsection replaces: the next
    page after an edit reads a new key. Fails open with the cache down."""
    taxonomy = taxonomy_version()
    key = (
        f"quizbank:question:v{QUESTION_CACHE_FORMAT}:{taxonomy}:{question_id}:{version.timestamp()}"
    )
    bundle = cache.get(key)
    if bundle is None:
        question = Question.objects.select_related("subsection__section").get(pk=question_id)
        bundle = (question, {c.pk: c for c in Choice.objects.filter(question_id=question_id)})
        cache.set(key, bundle, QUESTION_CACHE_SECONDS)
    return bundle


def question_bundle_forget_all(**kwargs) -> None:
    """A section or subsection was saved or deleted (admin, bank load): their
    numbers and titles ride in every cached question, so start a new version."""
    version_replace(_TAXONOMY_VERSION, None)


# The session's progress rides along in the item's query as two subqueries: one
# query, not two. Written as SQL because the ORM's Subquery/Coalesce spelling of
# the same cost 3 ms to compile on every question page and answer (measured).
_ATTEMPTS_OF_ITEMS_SESSION = (
    "SELECT COUNT(*) FROM quizbank_attempt a JOIN quizbank_sessionitem s ON s.id = a.item_id "
    "WHERE s.session_id = quizbank_sessionitem.session_id"
)
_SESSION_ANSWERED = RawSQL(_ATTEMPTS_OF_ITEMS_SESSION, (), output_field=models.IntegerField())
_SESSION_CORRECT = RawSQL(
    _ATTEMPTS_OF_ITEMS_SESSION + " AND a.correct", (), output_field=models.IntegerField()
)


# The learner's annotation of the item's question, in the same query: a
# subquery per column on the (user, question) unique index.
_NOTE_COLUMNS = ("id", "flagged", "note", "updated_at")
_NOTE_FIELDS = {
    "id": models.BigIntegerField(),
    "flagged": models.BooleanField(),
    "note": models.TextField(),
    "updated_at": models.DateTimeField(),
}


def _annotation_column(name: str, user_id: int) -> RawSQL:
    return RawSQL(
        f"SELECT n.{name} FROM quizbank_annotation n WHERE n.user_id = %s "
        "AND n.question_id = quizbank_sessionitem.question_id",
        (user_id,),
        output_field=_NOTE_FIELDS[name],
    )


def session_progress(*, session: PracticeSession) -> Progress:
    counts = Attempt.objects.filter(item__session=session).aggregate(
        answered=Count("pk"), correct=Count("pk", filter=Q(correct=True))
    )
    return Progress(counts["answered"], counts["correct"], session.size)


def session_get(*, user: User, session_id: int) -> PracticeSession:
    return get_object_or_404(
        PracticeSession.objects.select_related("subsection__section"), pk=session_id, user=user
    )


def session_first_unanswered_position(*, session: PracticeSession) -> int | None:
    return (
        session.items.filter(attempt__isnull=True)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )


@dataclass
class SummaryItem:
    item: SessionItem
    attempt: Attempt | None
    choices: list[Choice]

    @property
    def outcome(self) -> str:
        """Right, wrong or unanswered: what the results filters and navigator show."""
        if self.attempt is None:
            return "unanswered"
        return "right" if self.attempt.correct else "wrong"


@dataclass(frozen=True)
class SubsectionScore:
    subsection: Subsection
    total: int
    correct: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


# The results page's filters: what each shows, and its label.
RESULT_FILTERS = {"all": "All", "wrong": "Wrong", "unanswered": "Unanswered", "marked": "Marked"}


@dataclass
class Summary:
    items: list[SummaryItem]

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.attempt)

    @property
    def correct(self) -> int:
        return sum(1 for i in self.items if i.attempt and i.attempt.correct)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def time_label(self) -> str:
        minutes, seconds = divmod(round(self.time_ms / 1000), 60)
        return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"

    @property
    def time_ms(self) -> int:
        return sum(
            i.item.time_spent_ms or (i.attempt.time_taken_ms if i.attempt else 0) or 0
            for i in self.items
        )

    def shown(self, show: str) -> list[SummaryItem]:
        """The items a results filter (`RESULT_FILTERS`) keeps; anything else shows all."""
        if show == "marked":
            return [i for i in self.items if i.item.marked]
        if show in ("wrong", "unanswered"):
            return [i for i in self.items if i.outcome == show]
        return self.items

    def counts(self) -> dict[str, int]:
        """How many items each results filter keeps, for its label."""
        return {show: len(self.shown(show)) for show in RESULT_FILTERS}

    def by_subsection(self) -> list[SubsectionScore]:
        """Right, answered and total per subsection, in curriculum order (no query:
        the items carry their subsection)."""
        groups: dict[int, list[SummaryItem]] = {}
        for i in self.items:
            groups.setdefault(i.item.question.subsection_id, []).append(i)
        scores = [
            SubsectionScore(
                subsection=rows[0].item.question.subsection,
                total=len(rows),
                correct=sum(1 for r in rows if r.outcome == "right"),
                answered=sum(1 for r in rows if r.attempt),
            )
            for rows in groups.values()
        ]
        return sorted(scores, key=lambda s: (s.subsection.section.position, s.subsection.position))


def session_summary(*, session: PracticeSession) -> Summary:
    """Every item of the session with its attempt and its choices (in the
    learner's order): three queries whatever the session's size."""
    items = list(
        session.items.select_related("question__subsection__section", "attempt__choice").order_by(
            "position"
        )
    )
    by_id = {c.pk: c for c in Choice.objects.filter(question__in=[i.question_id for i in items])}
    return Summary(
        [
            SummaryItem(
                item=i,
                attempt=getattr(i, "attempt", None),
                choices=[by_id[pk] for pk in i.choice_order if pk in by_id],
            )
            for i in items
        ]
    )


def session_grid(*, session: PracticeSession) -> list[dict]:
    """Each item's number, whether it has an answer, and whether it is marked."""
    return list(session.items.order_by("position").values("position", "marked", "response_id"))


def report_list(*, user: User) -> QuerySet[ProblemReport]:
    """The learner's problem reports, newest first, with what editors decided
    (status, note, when): one query."""
    return (
        ProblemReport.objects.filter(user=user)
        .select_related("question")
        .only(
            "pk",
            "status",
            "reason",
            "resolution_note",
            "resolved_at",
            "created_at",
            "question__external_id",
            "question__stem_snippet",
        )
        .order_by("-created_at", "-pk")
    )


def progress_totals(*, user: User) -> dict[str, int]:
    return Attempt.objects.filter(user=user).aggregate(
        attempts=Count("pk"),
        correct=Count("pk", filter=Q(correct=True)),
        questions=Count("question", distinct=True),
        sessions=Count("item__session", distinct=True),
    )


def progress_missed_list(*, user: User) -> QuerySet[QuestionProgress]:
    """Questions the learner's last answer got wrong, in syllabus order, each
    with that last choice (a queryset to page)."""
    return (
        QuestionProgress.objects.filter(
            user=user, last_correct=False, question__status=Question.Status.PUBLISHED
        )
        .select_related("question__subsection__section", "last_choice")
        .order_by(
            "question__subsection__section__position",
            "question__subsection__position",
            "question__position",
        )
    )


def annotation_flagged_list(*, user: User) -> list[Annotation]:
    return list(
        Annotation.objects.filter(
            user=user, flagged=True, question__status=Question.Status.PUBLISHED
        )
        .select_related("question__subsection__section")
        .order_by(
            "question__subsection__section__position",
            "question__subsection__position",
            "question__position",
        )
    )


@dataclass(frozen=True)
class QuestionView:
    """A question as one learner sees it outside a session: their record of it."""

    question: Question
    choices: list[Choice]
    progress: QuestionProgress | None
    annotation: Annotation | None
    peers: "PeerStats | None"
    in_open_timed_test: bool = False

    @property
    def revealed(self) -> bool:
        """The key, rationales and peer shares show only for a question the learner
        has answered, and never while it sits in their running timed test."""
        return self.progress is not None and not self.in_open_timed_test


def question_in_open_timed_test(*, user: User, question: Question) -> bool:
    return SessionItem.objects.filter(
        question=question,
        session__user=user,
        session__mode=PracticeSession.Mode.TIMED,
        session__finished_at__isnull=True,
        session__deadline__gt=timezone.now(),
    ).exists()


def question_view_get(*, user: User, external_id: str) -> QuestionView:
    question = get_object_or_404(
        Question.objects.published().select_related("subsection__section"),
        external_id=external_id,
    )
    view = QuestionView(
        question=question,
        choices=list(question.choices.all()),
        progress=QuestionProgress.objects.filter(user=user, question=question)
        .select_related("last_choice")
        .first(),
        annotation=Annotation.objects.filter(user=user, question=question).first(),
        peers=None,
        in_open_timed_test=question_in_open_timed_test(user=user, question=question),
    )
    if view.revealed:
        view = replace(view, peers=question_peer_stats(question=question))
    return view


def annotation_get(*, user: User, question: Question) -> Annotation | None:
    return Annotation.objects.filter(user=user, question=question).first()


@dataclass(frozen=True)
class PeerStats:
    """How everyone answered a question: share per option and success rate."""

    total: int
    by_choice: dict[int | None, int]

    @property
    def shown(self) -> bool:
        return self.total >= MIN_ANSWERS_FOR_PEER_SHARES

    def share(self, choice_id: int | None) -> int:
        return round(100 * self.by_choice.get(choice_id, 0) / self.total) if self.total else 0

    def success(self, key_id: int) -> int:
        return self.share(key_id)


def question_peer_stats(*, question: Question) -> PeerStats:
    return _peer_stats(question.pk)[0]


def _peer_stats(question_id: int) -> tuple[PeerStats, int]:
    """The question's shares and the newest attempt they count."""
    rows = (
        Attempt.objects.filter(question_id=question_id)
        .values("choice")
        .annotate(n=Count("pk"), last=Max("pk"))
    )
    by_choice = {r["choice"]: r["n"] for r in rows}
    newest = max((r["last"] for r in rows), default=0)
    return PeerStats(total=sum(by_choice.values()), by_choice=by_choice), newest


PEER_STATS_TTL = 5 * 60


def question_peer_stats_cached(*, question: Question, attempt: Attempt) -> PeerStats:
    """The shares shown as feedback on the learner's `attempt`: kept per question
    for a few minutes (a statistic over every learner, the same for all; others'
    newest answers may be missing until it expires), always counting the learner's
    own answer, so the choice just made is never shown as chosen by nobody."""
    key = f"quizbank:peers:v1:{question.pk}:{question.updated_at.timestamp()}"
    cached = cache.get(key)
    if cached is None:
        cached = _peer_stats(question.pk)
        cache.set(key, cached, PEER_STATS_TTL)
    stats, newest = cached
    # Answered after the count, or before it but committed after it (ids are
    # handed out in insert order, not commit order): then its choice counts none.
    if attempt.pk is not None and (
        attempt.pk > newest or not stats.by_choice.get(attempt.choice_id)
    ):
        by_choice = dict(stats.by_choice)
        by_choice[attempt.choice_id] = by_choice.get(attempt.choice_id, 0) + 1
        stats = PeerStats(total=stats.total + 1, by_choice=by_choice)
    return stats


def attempt_history_list(*, user: User):
    """The learner's sessions, newest first, each with its score (a queryset to page)."""
    return (
        PracticeSession.objects.filter(user=user)
        .select_related("subsection")
        .annotate(
            answered=Count("items__attempt"),
            correct=Count("items__attempt", filter=Q(items__attempt__correct=True)),
        )
        .order_by("-created_at", "-pk")
    )


# The landing page's sample question: a classic with maths in stem and options,
# chosen by its stable id. A bank without it (tests, a fresh install with
# other content) shows its first published easy question instead.
SAMPLE_QUESTION_ID = "fund-act-sigmoid-saturated-gradient"


def question_sample_get() -> tuple[Question, list[Choice]] | None:
    """The sample question and its choices in bank order: two or three queries."""
    questions = Question.objects.published().select_related("subsection__section")
    question = questions.filter(external_id=SAMPLE_QUESTION_ID).first() or (
        questions.filter(difficulty="easy", figure_file="").order_by(*SYLLABUS_ORDER).first()
    )
    if question is None:
        return None
    return question, list(question.choices.order_by("position"))


BANK_COUNTS_KEY = "quizbank:bank-counts:v1"
BANK_COUNTS_TTL = 60 * 60  # the landing page's figures: an hour behind an edit at most


def bank_counts() -> dict[str, int]:
    """How many published questions, and subsections holding them, for the landing
    page: two queries an hour, then the cache (fails open)."""
    counts = cache.get(BANK_COUNTS_KEY)
    if counts is None:
        published = Question.objects.published()
        counts = {
            "questions": published.count(),
            "subsections": published.values("subsection").distinct().count(),
        }
        cache.set(BANK_COUNTS_KEY, counts, BANK_COUNTS_TTL)
    return counts


SYLLABUS_ORDER = ("subsection__section__position", "subsection__position", "position")
