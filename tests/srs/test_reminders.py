"""Reminder e-mails through a real Redis broker and a real worker (not eager):
one per learner per local study day, at their local time, never duplicated, never lost."""

import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from srs import services
from srs.days import DayRule
from srs.models import Card, ReminderLog
from srs.selectors import card_due_today
from tests.factories import UserFactory
from tests.srs.conftest import BROKER_URL
from tests.srs.factories import card_due

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
WAIT = 30  # seconds: an upper bound on waiting for the worker, never a sleep


def dispatch_and_wait(celery_app) -> services.Dispatch:
    result = services.reminders_dispatch()
    for task_id in result.task_ids:
        celery_app.AsyncResult(task_id).get(timeout=WAIT)
    return result


def sent_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_each_learner_gets_one_email_on_each_local_day_with_reviews_due(
    celery_app, celery_worker, broker, clock, client
):
    tonga = UserFactory(timezone="Pacific/Tongatapu")  # UTC+13
    samoa = UserFactory(timezone="Pacific/Pago_Pago")  # UTC−11
    york = UserFactory(timezone="America/New_York")  # DST starts 2026-03-08
    d1, d2, d3 = date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)
    tonga_card = card_due(tonga, d1)  # due on day 1, reviewed, due again on day 3
    card_due(samoa, d1)  # due on day 1; unsubscribes that day; still due on day 3
    card_due(york, d2)  # due on the day the clocks change

    received: dict[int, list[datetime]] = {u.pk: [] for u in (tonga, samoa, york)}
    tick = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    while tick < datetime(2026, 3, 10, 12, 0, tzinfo=UTC):  # beat: every 15 minutes
        clock.to(tick)
        before = len(mail.outbox)
        dispatch_and_wait(celery_app)
        for message in mail.outbox[before:]:
            user = {u.email: u for u in (tonga, samoa, york)}[message.to[0]]
            received[user.pk].append(tick)
            if user == tonga:
                # Tonga reviews at once: nothing due on day 2, due again on day 3, then not soon.
                next_due = d3 if len(received[tonga.pk]) == 1 else date(2026, 4, 1)
                Card.objects.filter(pk=tonga_card.pk).update(
                    due=DayRule.for_user(tonga).start(next_due)
                )
            if user == samoa:
                client.post(message.extra_headers["List-Unsubscribe"][1:-1].split("8000")[1])
        tick += timedelta(minutes=15)

    def local(user, when):
        rule = DayRule.for_user(user)
        return rule.day_of(when), when.astimezone(rule.tz).time()

    # Tonga: day 1 and day 3 at 18:00 local (05:00 UTC), nothing on day 2.
    assert [local(tonga, t) for t in received[tonga.pk]] == [(d1, time(18)), (d3, time(18))]
    # Samoa: day 1 only; unsubscribed before day 2 although the card stays due.
    assert [local(samoa, t) for t in received[samoa.pk]] == [(d1, time(18))]
    assert card_due_today(user=samoa, now=datetime(2026, 3, 10, 6, tzinfo=UTC)).reviews == 1
    # New York: 18:00 EDT on the day the clocks went forward, 22:00 UTC (not 23:00);
    # then every day after, as the card stays due.
    assert received[york.pk][0] == datetime(2026, 3, 8, 22, 0, tzinfo=UTC)
    assert [local(york, t) for t in received[york.pk]] == [(d2, time(18)), (d3, time(18))]
    assert ReminderLog.objects.filter(status="sent").count() == 5


def test_concurrent_dispatchers_and_double_delivery_send_one_email_each(
    celery_app, celery_worker, broker, clock
):
    clock.to(datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    users = [UserFactory(reminder_time=time(8)) for _ in range(12)]
    for user in users:
        card_due(user, date(2026, 4, 1))
    barrier = threading.Barrier(2)
    results: list[services.Dispatch] = []
    errors: list[BaseException] = []

    def run():
        celery_app.set_current()  # Celery's current app is per thread
        try:
            barrier.wait(timeout=WAIT)
            results.append(services.reminders_dispatch())
        except BaseException as error:  # a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    # Hold the log table until both dispatchers wait on it, so their claims truly
    # overlap (left to chance, one usually finishes before the other starts).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE srs_reminderlog IN EXCLUSIVE MODE")
        for t in threads:
            t.start()
        waiting = 0
        for _ in range(WAIT * 20):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                ["srs_reminderlog"],
            )
            waiting = cursor.fetchone()[0]
            if waiting == 2 or errors:
                break
            threading.Event().wait(0.05)
        assert waiting == 2, errors
    for t in threads:
        t.join(timeout=WAIT)
    assert not any(t.is_alive() for t in threads), "a dispatcher hung"
    assert errors == [] and len(results) == 2  # both dispatchers ran to the end
    claimed = [log_id for r in results for log_id in r.claimed]
    assert sorted(claimed) == sorted(ReminderLog.objects.values_list("pk", flat=True))
    assert len(claimed) == len(users)  # each day's row claimed by exactly one dispatcher

    # Every task delivered twice more, at the same time (the worker runs 4 threads).
    from srs.tasks import send_reminder

    task_ids = [t for r in results for t in r.task_ids]
    for log_id in claimed:
        task_ids += [send_reminder.delay(log_id).id, send_reminder.delay(log_id).id]
    outcomes = [celery_app.AsyncResult(t).get(timeout=WAIT) for t in task_ids]
    assert outcomes.count("sent") == len(users)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert services.reminders_dispatch().claimed == []  # a later run adds nothing


class FlakySMTP:
    """A mail backend whose first two sends fail as an SMTP server might."""

    failures = 0

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        from smtplib import SMTPServerDisconnected

        if FlakySMTP.failures < 2:
            FlakySMTP.failures += 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return self.inner.send_messages(messages)


def test_smtp_errors_are_retried_with_backoff(celery_app, celery_worker, broker, clock, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.srs.test_reminders.FlakySMTP"}}
    settings.SRS_REMINDER_RETRY_BASE = 0  # 0 s, 0 s: the backoff doubles from the base
    FlakySMTP.failures = 0
    clock.to(datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    user = UserFactory()
    card_due(user, date(2026, 4, 1))
    dispatch_and_wait(celery_app)
    assert FlakySMTP.failures == 2
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert ReminderLog.objects.get().status == "sent"


def test_backoff_grows():
    from srs.tasks import backoff

    assert [backoff(n) for n in range(4)] == [60, 120, 240, 480]


def test_a_worker_killed_mid_send_loses_nothing_and_sends_once(celery_app, broker, clock):
    """A real worker process is SIGKILLed while it talks to the SMTP server; the
    message comes back (acks_late), and a second worker sends the e-mail once."""
    user = UserFactory(reminder_time=time(0), day_rollover_hour=0)  # reminder passed
    card_due(user, date.today() - timedelta(days=1))

    # An SMTP "server" that accepts the connection and never answers.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{server.getsockname()[1]}",
        "EMAIL_TIMEOUT": "60",
        "DEBUG": "true",
    }
    env.pop("PYTEST_VERSION", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        result = services.reminders_dispatch()
        assert len(result.claimed) == 1
        server.settimeout(WAIT)
        conn, _ = server.accept()  # the worker is mid-send, holding the row lock
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=WAIT)
        conn.close()
    finally:
        if worker.poll() is None:
            worker.kill()
        server.close()
    assert ReminderLog.objects.get().status == "queued"
    assert mail.outbox == []
    # Move the broker's clock, not ours: the dead worker's delivery is an hour old, so
    # the next worker's scan hands it out again (kombu compares its unacked_index
    # score with now - visibility_timeout).
    unacked = broker.zrange("unacked_index", 0, -1)
    assert len(unacked) == 1
    broker.zadd("unacked_index", {unacked[0]: 0})

    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        assert celery_app.AsyncResult(result.task_ids[0]).get(timeout=WAIT) == "sent"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert ReminderLog.objects.get().status == "sent"


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_a_lost_task_is_enqueued_again_by_a_later_run(celery_app, celery_worker, broker, clock):
    now = datetime(2026, 4, 1, 20, 0, tzinfo=UTC)
    clock.to(now)
    user = UserFactory()
    card_due(user, date(2026, 4, 1))
    with celery_app.connection() as conn:
        pass
    first = services.reminders_dispatch()
    broker.flushdb()  # the broker loses the message before any worker saw it
    clock.to(now + timedelta(minutes=45))
    second = services.reminders_dispatch()
    assert second.requeued == first.claimed
    for task_id in second.task_ids:
        celery_app.AsyncResult(task_id).get(timeout=WAIT)
    assert [m.to for m in mail.outbox] == [[user.email]]
    del conn


def test_the_email_count_matches_the_queue_page_and_unsubscribe_needs_no_login(
    celery_app, celery_worker, broker, clock, client
):
    clock.to(datetime(2026, 4, 1, 20, 0, tzinfo=UTC))
    user = UserFactory(review_limit=4)
    for days_ago in range(6):  # 6 due, 4 within the daily limit
        card_due(user, date(2026, 4, 1) - timedelta(days=days_ago))
    dispatch_and_wait(celery_app)
    [message] = mail.outbox

    html = message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    assert "You have 4 reviews due today" in message.body
    assert "<strong data-count>4</strong> reviews due today" in html
    assert message.subject == "4 reviews due today on DeepPrep"
    assert "Your weakest topic right now: 9." in message.body
    queue_url = "http://127.0.0.1:8000" + reverse("srs-queue")
    assert queue_url in message.body and f'href="{queue_url}"' in html

    client.force_login(user)
    page = client.get(reverse("srs-queue")).content.decode()
    assert "<strong data-queue-count>4</strong>" in page and 'data-due-count="4"' in page
    client.logout()

    unsubscribe = message.extra_headers["List-Unsubscribe"][1:-1]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body and unsubscribe in html
    path = unsubscribe.removeprefix("http://127.0.0.1:8000")
    assert "Stop the daily e-mails" in client.get(path).content.decode()  # GET changes nothing
    user.refresh_from_db()
    assert user.reminders_enabled
    response = client.post(path, {"List-Unsubscribe": "One-Click"})  # as a mail client would
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.reminders_enabled
    assert client.post(path[:-3] + "xyz/").status_code == 400  # a forged token
