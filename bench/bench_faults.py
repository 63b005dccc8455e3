"""Fault: restart Postgres while learners are answering, for real.

Runs the app as in production (granian), has 5 learners answer 20 questions each (retrying
an answer until it is acknowledged, as a person would), restarts the local
Postgres cluster in the middle, then checks: requests during the outage fail
cleanly (503, never a hang or a 500), they succeed again after, and every
question ends with exactly one stored answer. Needs root (pg_ctlcluster).
Run: .venv/bin/python bench/bench_faults.py
"""

import os
import re
import subprocess
import threading
import time
from collections import Counter

import requests
from _setup import django_on_fresh_database, drop_database, production_server

DB, PORT, LEARNERS = "bench_faults", 8766, 5
HOST = f"http://127.0.0.1:{PORT}"
SECRET = "faults-only-" + "y" * 40


def pg_restart() -> float:
    version = os.listdir("/etc/postgresql")[0]
    start = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )
    return time.monotonic() - start


def learner(cookie: str, session_id: int, statuses: Counter, lock: threading.Lock) -> None:
    web = requests.Session()
    web.cookies.set("sessionid", cookie)
    for position in range(1, 21):
        while True:
            try:
                page = web.get(f"{HOST}/sessions/{session_id}/{position}/", timeout=10)
                choice = re.search(r'name="choice" value="(\d+)"', page.text)
                token = web.cookies.get("csrftoken")
                if page.status_code != 200 or not choice or not token:
                    with lock:
                        statuses[f"page {page.status_code}"] += 1
                    time.sleep(0.3)
                    continue
                r = web.post(
                    f"{HOST}/sessions/{session_id}/{position}/answer/",
                    {"choice": choice[1], "csrfmiddlewaretoken": token},
                    headers={"Referer": HOST},
                    allow_redirects=False,
                    timeout=10,
                )
            except requests.RequestException as exc:
                with lock:
                    statuses[type(exc).__name__] += 1
                time.sleep(0.3)
                continue
            with lock:
                statuses[f"answer {r.status_code}"] += 1
            if r.status_code == 302:
                break
            time.sleep(0.3)
        time.sleep(0.15)


def main() -> None:
    os.environ["SECRET_KEY"] = SECRET
    django_on_fresh_database(DB)
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from accounts.models import User
    from quizbank import services
    from quizbank.models import Attempt, Subsection

    call_command("load_questionbank", str(settings.QUESTIONBANK_DIR), verbosity=0)
    sub = Subsection.objects.get(number="3.2.1")
    runs = []
    for i in range(LEARNERS):
        user = User.objects.create_user(email=f"fault{i}@bench.local", password="x")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        session = services.session_start(user=user, subsection=sub, size=20)
        client = Client()
        client.force_login(user)
        runs.append((client.cookies["sessionid"].value, session.pk))
    connections.close_all()

    server = production_server(PORT, SECRET, ANSWER_RATE="100000/m")
    statuses, lock = Counter(), threading.Lock()
    try:
        threads = [threading.Thread(target=learner, args=(c, s, statuses, lock)) for c, s in runs]
        for t in threads:
            t.start()
        time.sleep(1.5)
        took = pg_restart()
        print(f"Postgres restarted mid-load in {took:.1f} s")
        for t in threads:
            t.join(timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=30)

    connections.close_all()
    counts = Counter(
        Attempt.objects.filter(item__session__in=[s for _, s in runs]).values_list(
            "item_id", flat=True
        )
    )
    lost = LEARNERS * 20 - len(counts)
    doubled = sum(1 for n in counts.values() if n > 1)
    print("responses:", dict(sorted(statuses.items())))
    bad = {k: v for k, v in statuses.items() if k.endswith("500") or "Timeout" in k}
    print(
        f"answers stored {sum(counts.values())} for {LEARNERS * 20} questions: "
        f"lost {lost}, doubled {doubled}; 500s or hangs: {sum(bad.values())}"
    )
    drop_database(DB)
    if lost or doubled or bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
