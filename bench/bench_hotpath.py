"""Server time of the practice loop in-process (no HTTP server, no load
generator): CPU milliseconds per request for the bare view, a signed-in bare view
(floor_urls.py: the ceiling of any learner's page), the question page
(first view of an unanswered item), the answer POST (htmx) and the dashboard,
with their query counts (the dashboard of learners with 10 and with 20,000
answers among 1,000 others: bench_learning_loop.py).
CPU time, not wall time, so a busy machine moves it little: use it to see which
change pays, and bench_load.py for throughput."""

import os
import statistics
import time

from _setup import django_on_fresh_database, drop_database

os.environ.setdefault("ANSWER_RATE", "1000000/m")
DB, N = "bench_hotpath", int(os.environ.get("BENCH_N", "150"))


def main() -> None:
    django_on_fresh_database(DB)
    from django.conf import settings

    settings.ROOT_URLCONF = "floor_urls"  # the site plus the signed-in bare view
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from quizbank import selectors, services
    from quizbank.dashboard import learner_history_forget as forget
    from quizbank.models import Choice, Question

    cache.clear()
    call_command("load_questionbank", str(settings.QUESTIONBANK_DIR), verbosity=0)
    user = User.objects.create_user(email="hot@bench.local", password="x")
    ids = list(Question.objects.published().order_by("pk").values_list("pk", flat=True))
    keys = dict(Choice.objects.filter(correct=True).values_list("question_id", "pk"))
    sessions = [
        services.session_create(user=user, question_ids=ids[k : k + 100], title="Hot")
        for k in range(0, 2 * N + 100, 100)
    ]
    items = [
        (s.pk, p, s.items.get(position=p).question_id) for s in sessions for p in range(1, 101)
    ]
    # The question cache warm, as on a running site (every learner shares it).
    for session in sessions:
        for item in session.items.select_related("question"):
            selectors.question_bundle_get(
                question_id=item.question_id, version=item.question.updated_at
            )
    client = Client()
    client.force_login(user)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice"}

    def measure(name, requests, before=lambda: None):
        """Time all but the last request, each after `before` (untimed); count
        the queries of the last."""
        send = lambda method, url, data: getattr(client, method)(  # noqa: E731
            url, data, **(htmx if method == "post" else {})
        )
        for request in requests[:5]:  # warm
            send(*request)
        cpu = []
        for request in requests[5:-1]:
            before()
            start = time.process_time()
            response = send(*request)
            cpu.append((time.process_time() - start) * 1000)
            assert response.status_code == 200, (request[1], response.status_code)
        before()
        with CaptureQueriesContext(connection) as queries:
            send(*requests[-1])
        p50, mean = statistics.median(cpu), statistics.mean(cpu)
        print(f"{name:<28} {p50:>7.2f} {mean:>7.2f} {len(queries):>8}")

    print(f"{'request':<28} {'cpu p50':>7} {'mean ms':>7} {'queries':>8}")
    measure("bare view", [("get", "/ping/", None)] * (N + 6))
    measure("signed-in view", [("get", "/bench/signed-in/", None)] * (N + 6))
    pages = [("get", f"/sessions/{s}/{p}/", None) for s, p, _ in items[: N + 6]]
    measure("question page", pages)
    posts = [("post", f"/sessions/{s}/{p}/answer/", {"choice": keys[q]}) for s, p, q in items]
    measure("answer POST", posts[: N + 6])
    dashboard = [("get", "/dashboard/", None)] * (N // 3 + 6)
    measure("dashboard", dashboard)
    # The first view after an answer computes the panels the next views read.
    measure("dashboard after an answer", dashboard, lambda: forget(user_id=user.pk))
    if not os.environ.get("BENCH_KEEP"):
        drop_database(DB)


if __name__ == "__main__":
    main()
