"""Load: the app under gunicorn as in production, driven from other processes.

wrk (single pages) and Locust (the scripted flow: log in, start a session,
answer 20 questions) with 50 concurrent users. Every figure is also given as a
ratio to a bare Django view (/ping/) served by the same gunicorn in the same
run. Finally checks that every answer sent was stored exactly once.
Needs wrk (apt-get install wrk) and the bench dependency group (locust).
"""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from _setup import ROOT, django_on_fresh_database, drop_database, production_server

DB, PORT, USERS, SECONDS = "bench_load", 8765, 50, int(os.environ.get("BENCH_SECONDS", "20"))
HOST = f"http://127.0.0.1:{PORT}"
BIN = Path(sys.executable).parent
VAR = ROOT / "var"
PASSWORD = "bench-password-1"
SECRET = "bench-only-" + "x" * 40


def wrk(url: str, cookie: str = "") -> dict:
    cmd = [
        "wrk",
        "-t2",
        f"-c{USERS}",
        f"-d{SECONDS}s",
        "-s",
        str(ROOT / "bench/wrk_report.lua"),
        url,
    ]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def locust(user_class: str, prefix: str) -> dict[str, dict]:
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench/locustfile.py"),
            user_class,
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{SECONDS}s",
            "--host",
            HOST,
            "--csv",
            str(VAR / prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        check=True,
        env=os.environ
        | {
            "BENCH_USERS": str(USERS),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_ANSWER_LOG": str(VAR / "locust-answers.log"),
        },
        stdout=subprocess.DEVNULL,
    )
    with open(VAR / f"{prefix}_stats.csv") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def row(name: str, stats: dict, base: dict) -> str:
    return (
        f"{name:<16} {stats['rps']:>8.0f} {stats['p50']:>7.1f} {stats['p95']:>7.1f} "
        f"{stats['p99']:>7.1f}   {base['rps'] / stats['rps']:>5.1f}x slower, p95 "
        f"{stats['p95'] / base['p95']:>5.1f}x"
    )


def locust_figures(r: dict) -> dict:
    return {
        "rps": float(r["Requests/s"]),
        "p50": float(r["50%"]),
        "p95": float(r["95%"]),
        "p99": float(r["99%"]),
        "requests": int(r["Request Count"]),
        "failures": int(r["Failure Count"]),
    }


def main() -> None:
    (VAR / "locust-answers.log").unlink(missing_ok=True)
    os.environ["SECRET_KEY"] = SECRET  # the wrk cookie is signed here, read by gunicorn
    django_on_fresh_database(DB)
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from quizbank import services
    from quizbank.models import Attempt, Subsection

    call_command("load_questionbank", str(settings.QUESTIONBANK_DIR), verbosity=0)
    for i in range(USERS):
        user = User.objects.create_user(email=f"bench{i}@bench.local", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    reader = User.objects.get(email="bench0@bench.local")
    sub = Subsection.objects.get(number="3.2.1")
    session = services.session_start(user=reader, subsection=sub, size=20)
    client = Client()
    client.force_login(reader)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    server = production_server(PORT, SECRET, LOGIN_RATE="100000/m/ip")
    try:
        print(
            f"gunicorn gthread 2 workers x 4 threads; {USERS} concurrent users, "
            f"{SECONDS} s each run"
        )
        print(f"{'wrk':<16} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        bare = wrk(HOST + "/ping/")
        page = wrk(f"{HOST}/sessions/{session.pk}/1/", cookie)
        print(
            f"{'bare view':<16} {bare['rps']:>8.0f} {bare['p50']:>7.1f} {bare['p95']:>7.1f} "
            f"{bare['p99']:>7.1f}"
        )
        print(row("question page", page, bare))

        base = locust_figures(locust("Bare", "locust-bare")["bare view"])
        flow = locust("Learner", "locust-flow")
        answer = locust_figures(flow["answer"])
        question = locust_figures(flow["question page"])
        print(f"\n{'locust':<16} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        print(
            f"{'bare view':<16} {base['rps']:>8.0f} {base['p50']:>7.1f} {base['p95']:>7.1f} "
            f"{base['p99']:>7.1f}"
        )
        print(row("question page", question, base))
        print(row("answer POST", answer, base))
    finally:
        server.terminate()
        server.wait(timeout=30)

    log = [line.split() for line in (VAR / "locust-answers.log").read_text().splitlines()]
    sent = {(int(s), int(p)) for kind, s, p in log if kind == "sent"}
    accepted = {(int(s), int(p)) for kind, s, p in log if kind == "stored"}
    rows = list(
        Attempt.objects.filter(item__session__user__email__endswith="@bench.local").values_list(
            "item__session_id", "item__position"
        )
    )
    stored = set(rows)
    once = len(rows) == len(stored) and accepted <= stored <= sent
    print(
        f"\nanswers sent {len(sent)}, accepted (302) {len(accepted)}, stored {len(rows)} "
        f"(cut off by the end of the run: {len(sent - accepted)}); "
        f"{'each stored exactly once' if once else 'MISMATCH'}"
    )
    if not os.environ.get("BENCH_KEEP"):
        drop_database(DB)


if __name__ == "__main__":
    main()
