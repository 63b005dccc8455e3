"""Two tabs writing the same row at once (issue 23, mutation testing).

The services create a learner's progress row and open report on first use and
fall back to updating the row when another transaction created it meanwhile.
Here the first tab is held inside its transaction, right after its insert,
until Postgres shows the second tab waiting on that row's unique key; then the
first commits and the second must take the fallback. Nothing sleeps: the hold
polls Postgres's own view of who is waiting for a lock.
"""

import threading

import pytest
from django.db import connection, connections
from django.db.models.signals import post_save

from quizbank import services
from quizbank.models import ProblemReport, QuestionProgress
from quizbank.signals import attempt_recorded
from tests.factories import QuestionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Row locks and pg_stat_activity: SQLite (make run) locks the whole database.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs Postgres's row locks"),
]
WAIT_POLLS = 20_000  # an upper bound on polling, never a sleep


def someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def race(first, second, hold_signal, hold_kwargs):
    """Run `first` in a thread; when it sends `hold_signal` (inside its
    transaction), start `second` in another thread and hold until `second`
    waits for a lock. Returns the exceptions each raised."""
    errors: dict[str, BaseException] = {}
    threads: list[threading.Thread] = []
    seen_waiting = []
    owner = {}

    def run(name, fn):
        try:
            fn()
        except BaseException as exc:  # reported to the test below
            errors[name] = exc
        finally:
            connections.close_all()

    def hold(sender, **kwargs):
        if threading.current_thread() is not owner.get("first"):
            return
        t = threading.Thread(target=run, args=("second", second))
        threads.append(t)
        t.start()
        for _ in range(WAIT_POLLS):
            if someone_waits_for_a_lock():
                seen_waiting.append(True)
                return
        raise AssertionError("the second tab never waited for the first")

    hold_signal.connect(hold, weak=False, **hold_kwargs)
    try:
        t = threading.Thread(target=run, args=("first", first))
        owner["first"] = t
        t.start()
        t.join(60)
        for other in threads:
            other.join(60)
        assert not t.is_alive() and not any(o.is_alive() for o in threads)
    finally:
        hold_signal.disconnect(hold, **hold_kwargs)
    assert seen_waiting == [True]
    return errors


def test_two_tabs_answering_the_same_question_count_both_answers():
    user, q = UserFactory(), QuestionFactory()
    key = q.choices.get(correct=True)
    miss = q.choices.filter(correct=False).first()
    items = [
        services.session_create(user=user, question_ids=[q.pk], title=f"tab {n}").items.get()
        for n in (1, 2)
    ]

    errors = race(
        lambda: services.attempt_record(user=user, item=items[0], choice_id=key.pk),
        lambda: services.attempt_record(user=user, item=items[1], choice_id=miss.pk),
        attempt_recorded,
        {},
    )
    assert errors == {}
    row = QuestionProgress.objects.get(user=user, question=q)
    assert (row.attempts, row.correct_attempts) == (2, 1)
    assert (row.last_correct, row.last_choice_id) == (False, miss.pk)


def test_two_tabs_reporting_the_same_question_leave_one_open_report():
    user, q = UserFactory(), QuestionFactory()
    errors = race(
        lambda: services.report_create(user=user, question=q, reason="first tab"),
        lambda: services.report_create(user=user, question=q, reason="second tab"),
        post_save,
        {"sender": ProblemReport},
    )
    assert errors == {}
    report = ProblemReport.objects.get(user=user, question=q)
    assert (report.reason, report.status) == ("second tab", "open")
