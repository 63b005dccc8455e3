"""Reminder dispatch at scale: 100,000 learners with a review due, the time to
select them and enqueue one e-mail task each, and the queries it takes.

Seeds a throwaway Postgres database (`bench_srs`, dropped afterwards) and
publishes to Redis db 5 (flushed before and after). Prints figures; asserts nothing
about time. Override with BENCH_USERS, BENCH_PG (server URL) and BENCH_REDIS.
"""

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
USERS = int(os.environ.get("BENCH_USERS", 100_000))
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "bench_srs"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/5")


def admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB}")
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{DB}", REDIS_URL=REDIS, DEBUG="true", LOG_LEVEL="WARNING"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def run() -> None:
    import redis
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from config.celery import app
    from quizbank.models import Question, Section, Subsection
    from srs import services
    from srs.models import Card

    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()

    started = time.perf_counter()
    section = Section.objects.create(number="1", slug="s", title="S", band="b")
    sub = Subsection.objects.create(section=section, number="1.1", slug="s1", title="S1")
    question = Question.objects.create(
        external_id="q", subsection=sub, difficulty="easy", stem="Q", explanation="E"
    )
    zones = ["Pacific/Tongatapu", "Pacific/Pago_Pago", "America/New_York", "Europe/Berlin", "UTC"]
    User.objects.bulk_create(
        (
            User(
                email=f"u{n}@bench.local",
                password="!",
                timezone=zones[n % len(zones)],
                reminder_time="04:00",  # = the day's start: already passed for everyone
            )
            for n in range(USERS)
        ),
        batch_size=5000,
    )
    due = datetime.now(UTC) - timedelta(days=2)
    Card.objects.bulk_create(
        (
            Card(user_id=pk, question=question, state=2, stability=3, difficulty=5, due=due)
            for pk in User.objects.values_list("pk", flat=True).iterator()
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {USERS:,} learners with a due card in {time.perf_counter() - started:.1f} s")

    app.set_current()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = services.reminders_dispatch()
        elapsed = time.perf_counter() - started
    queued = broker.llen("celery")
    select_time = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"dispatch: {len(result.claimed):,} reminders claimed and {queued:,} tasks enqueued "
        f"in {elapsed:.2f} s ({select_time:.2f} s in SQL), "
        f"{len(queries)} queries for {result.batches} batches of {services.REMINDER_BATCH:,} users"
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        again = services.reminders_dispatch()
        elapsed = time.perf_counter() - started
    print(
        f"second run the same day: {len(again.claimed)} claimed in {elapsed:.2f} s, "
        f"{len(queries)} queries"
    )
    broker.flushdb()


if __name__ == "__main__":
    main()
