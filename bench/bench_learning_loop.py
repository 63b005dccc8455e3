"""Dashboard and Review-missed server time: a learner with 20,000 answers next to
one with 10, among 1,000 other learners, on the real bank. Prints figures;
asserts nothing (goal: the heavy learner within 2x of the light one)."""

import functools
import os
import random
import statistics
import time
from datetime import timedelta

from _setup import django_on_fresh_database, drop_database

DB = "bench_learning_loop"
HEAVY, LIGHT, OTHERS, OTHER_ANSWERS, RUNS = 20_000, 10, 1_000, 40, 30


def seed(user, questions, keys, wrongs, n, rng, now):
    """n answers over the last year, 70% right; progress rows rebuilt by the service."""
    from quizbank.models import Attempt
    from quizbank.services import progress_rebuild

    rows = []
    for _ in range(n):
        q = questions[rng.randrange(len(questions))]
        correct = rng.random() < 0.7
        rows.append(
            Attempt(
                user=user,
                question_id=q,
                choice_id=keys[q] if correct else wrongs[q],
                correct=correct,
                confidence=rng.choice(["", "sure", "guess"]),
                time_taken_ms=8000,
                created_at=now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
            )
        )
    Attempt.objects.bulk_create(rows, batch_size=5000)
    progress_rebuild(user=user)


def median_ms(client, url, before=None) -> float:
    client.get(url)  # warm
    times = []
    for _ in range(RUNS):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    # As production runs: sessions and caches in Redis.
    os.environ.setdefault(
        "REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    )
    django_on_fresh_database(DB)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from quizbank.models import Choice

    call_command("load_questionbank", str(settings.QUESTIONBANK_DIR), verbosity=0)
    keys, wrongs = {}, {}
    for c in Choice.objects.all():
        (keys if c.correct else wrongs).setdefault(c.question_id, c.pk)
    questions = list(keys)
    rng, now = random.Random(7), timezone.now()
    started = time.perf_counter()
    others = User.objects.bulk_create(
        User(email=f"peer{i}@bench.local", password="!") for i in range(OTHERS)
    )
    for u in others:
        seed(u, questions, keys, wrongs, OTHER_ANSWERS, rng, now)
    heavy = User.objects.create_user(email="heavy@bench.local", password="x")
    light = User.objects.create_user(email="light@bench.local", password="x")
    seed(heavy, questions, keys, wrongs, HEAVY, rng, now)
    seed(light, questions, keys, wrongs, LIGHT, rng, now)
    with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
        cursor.execute("VACUUM ANALYZE")
    cache.clear()
    print(
        f"seeded {OTHERS} learners x {OTHER_ANSWERS} answers, one with {HEAVY}, one with "
        f"{LIGHT}, bank of {len(questions)} in {time.perf_counter() - started:.0f} s"
    )

    print(f"{'page':<28} {'10 answers':>12} {'20,000 answers':>16} {'ratio':>7}")
    from quizbank.dashboard import learner_history_forget

    pages = (
        ("dashboard", "/dashboard/", None),
        # The first view after an answer computes the panels the next ones read.
        ("dashboard, after an answer", "/dashboard/", learner_history_forget),
        ("missed", "/missed/", None),
    )
    for name, url, before in pages:
        results = []
        for user in (light, heavy):
            client = Client()
            client.force_login(user)
            forget = functools.partial(before, user_id=user.pk) if before else None
            results.append(median_ms(client, url, forget))
        print(
            f"{name:<28} {results[0]:>10.1f}ms {results[1]:>14.1f}ms "
            f"{results[1] / results[0]:>6.2f}x"
        )
    if not os.environ.get("BENCH_KEEP"):
        drop_database(DB)


if __name__ == "__main__":
    main()
