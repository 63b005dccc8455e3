"""Load: the app served as in production (`python -m config.serve`: granian), driven
from other processes on the same two cores.

One table, all from the same run and the same server: wrk at 50 connections on
the bare view (/ping/); three floors (floor_urls.py), each the least its request
can cost on this stack: a signed-in bare view, a perfect page cache ("page,
cached") and that plus the first view's one UPDATE ("first view"); the question
page (GETs of unanswered items, each a learner's first view); a CSRF-checked
POST storing one row ("one-row write"); the answer POST (htmx, each request a
new answer of a learner, feedback fragment back) and the dashboard, with req/s,
p50, p95, p99 and the ratio of req/s to the bare view.
Then the Locust flow (log in, start a session, answer 20 questions, again and
again) checks that every answer sent was stored exactly once.
BENCH_SERVERS=granian,gunicorn runs the table for each server in turn. Needs
wrk (apt-get install wrk) and the bench group (locust).
"""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from _setup import ROOT, django_on_fresh_database, drop_database, production_server

# BENCH_DB and BENCH_PORT keep two benches on one machine apart.
DB, PORT = os.environ.get("BENCH_DB", "bench_load"), int(os.environ.get("BENCH_PORT", "8765"))
USERS, SECONDS = 50, int(os.environ.get("BENCH_SECONDS", "15"))
FLOW_SECONDS = 40  # the flow first logs 50 learners in (PBKDF2, deliberately slow)
ITEMS_PER_USER = 200  # unanswered items per learner: more than a run answers
HOST = f"http://127.0.0.1:{PORT}"
BIN = Path(sys.executable).parent
VAR = ROOT / "var"
PASSWORD = "bench-password-1"
SECRET = "bench-only-" + "x" * 40
# The production settings plus the signed-in bare view (floor_urls.py), the ceiling
# of any learner's page: the table prints it beside the bare view.
FLOOR = {"DJANGO_SETTINGS_MODULE": "floor_settings", "PYTHONPATH": str(ROOT / "bench")}


def wrk(url: str, cookie: str = "", requests: Path | None = None) -> dict:
    """One wrk run; `requests` is a file of requests to rotate through (wrk_rotate.lua)."""
    script = "wrk_rotate.lua" if requests else "wrk_report.lua"
    # A 10 s timeout, not wrk's 2 s: a slow response is a latency, not an error.
    cmd = ["wrk", "-t2", f"-c{USERS}", f"-d{SECONDS}s", "--timeout", "10s", "-s"]
    cmd += [str(ROOT / "bench" / script), url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    env = os.environ | {"WRK_REQUESTS": str(requests or "")}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
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
            f"{FLOW_SECONDS}s",
            "--host",
            HOST,
            "--csv",
            str(VAR / prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        check=False,  # a failed request is in the stats; the exactly-once check says the rest
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


def row(server: str, name: str, stats: dict, base: dict) -> str:
    return (
        f"{server:<8} {name:<14} {stats['rps']:>7.0f} {stats['p50']:>7.1f} {stats['p95']:>7.1f} "
        f"{stats['p99']:>7.1f} {stats['rps'] / base['rps']:>7.3f}x {stats['errors']:>6}"
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


def request_files(users, questions: list[int]) -> dict[str, Path]:
    """Unanswered items for every learner, as request files for wrk_rotate.lua:
    the question page GETs and, in the same order, their answer POSTs; and the
    same learners' requests of the two floor views (floor_urls.py)."""
    from django.test import Client
    from django.utils.crypto import get_random_string

    from quizbank import services
    from quizbank.models import Choice, SessionItem

    keys = dict(Choice.objects.filter(correct=True).values_list("question_id", "pk"))
    gets, posts, cookies, floor_gets, floor_firsts, floor_posts = [], [], [], [], [], []
    for n, user in enumerate(users):
        client = Client()
        client.force_login(user)
        token = get_random_string(32)
        cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}"
        cookies.append(cookie)
        floor_gets.append(f"GET\t/bench/signed-in/page/\t{cookie}\t{token}\t")
        floor_firsts.append(f"GET\t/bench/signed-in/first-view/\t{cookie}\t{token}\t")
        floor_posts.append(f"POST\t/bench/signed-in/write/\t{cookie}\t{token}\tchoice=1")
        for k in range(ITEMS_PER_USER // 100):
            offset = (n * 7 + k * 100) % len(questions)
            ids = (questions[offset:] + questions[:offset])[:100]
            session = services.session_create(user=user, question_ids=ids, title="Bench")
            for item in SessionItem.objects.filter(session=session).order_by("position"):
                path = f"/sessions/{session.pk}/{item.position}/"
                gets.append(f"GET\t{path}\t{cookie}\t{token}\t")
                posts.append(
                    f"POST\t{path}answer/\t{cookie}\t{token}\tchoice={keys[item.question_id]}"
                )
    # Interleave learners so each moment's requests come from many of them.
    order = sorted(range(len(gets)), key=lambda i: (i % (ITEMS_PER_USER), i))
    files = {
        "gets": ("\n".join(gets[i] for i in order)),
        "posts": ("\n".join(posts[i] for i in order)),
        "floor-gets": "\n".join(floor_gets),
        "floor-firsts": "\n".join(floor_firsts),
        "floor-posts": "\n".join(floor_posts),
    }
    for name, text in files.items():
        (VAR / f"bench-{name}.tsv").write_text(text + "\n")
    paths = {name: VAR / f"bench-{name}.tsv" for name in files}
    return paths | {"cookie": cookies[0]}


def page_bytes_write(user, path: str) -> Path:
    """A real question page as its learner gets it, for the perfect-cache floor
    (floor_urls.signed_in_page); the item is left unseen, as the table finds it."""
    from django.test import Client

    from quizbank.models import SessionItem

    client = Client()
    client.force_login(user)
    body = client.get(path).content
    session_id, position = (int(part) for part in path.strip("/").split("/")[1:3])
    SessionItem.objects.filter(session_id=session_id, position=position).update(presented_at=None)
    target = VAR / "bench-page.html"
    target.write_bytes(body)
    return target


def question_cache_warm() -> None:
    """Every question in the shared cache, as on a site that has been up a while:
    otherwise the first server measured pays the misses and the next one does not."""
    from quizbank import selectors
    from quizbank.models import Question

    for pk, version in Question.objects.values_list("pk", "updated_at"):
        selectors.question_bundle_get(question_id=pk, version=version)


def learner_state_reset(users) -> None:
    """Everything the pages and answers wrote, so the next server shows first
    views (each stamps its item) and stores first answers too."""
    from quizbank.models import Attempt, QuestionProgress, SessionItem
    from srs.models import Card

    SessionItem.objects.filter(session__user__in=users).update(presented_at=None)
    QuestionProgress.objects.filter(user__in=users).delete()
    Card.objects.filter(user__in=users).delete()  # and their review logs
    Attempt.objects.filter(user__in=users).delete()


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # keep-alive connections hold a graceful stop
        process.kill()
        process.wait()


def table(server: str, files: dict) -> None:
    """The wrk runs against one server, printed as rows of the one table: the
    floors (floor_urls.py) first, each above the request it bounds."""
    bare = wrk(HOST + "/ping/")
    signed_in = wrk(HOST + "/bench/signed-in/", files["cookie"])
    page_floor = wrk(HOST + "/", requests=files["floor-gets"])
    first_floor = wrk(HOST + "/", requests=files["floor-firsts"])
    page = wrk(HOST + "/", requests=files["gets"])
    write_floor = wrk(HOST + "/", requests=files["floor-posts"])
    answer = wrk(HOST + "/", requests=files["posts"])
    dashboard = wrk(HOST + "/dashboard/", files["cookie"])
    for name, stats in (
        ("bare view", bare),
        ("signed-in view", signed_in),
        ("page, cached", page_floor),
        ("first view", first_floor),
        ("question page", page),
        ("one-row write", write_floor),
        ("answer POST", answer),
        ("dashboard", dashboard),
    ):
        print(row(server, name, stats, bare), flush=True)


def main() -> None:
    (VAR / "locust-answers.log").unlink(missing_ok=True)
    os.environ["SECRET_KEY"] = SECRET  # the wrk cookie is signed here, read by the server
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    django_on_fresh_database(DB)
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from accounts.models import User
    from quizbank.models import Attempt, Question

    cache.clear()
    call_command("load_questionbank", str(settings.QUESTIONBANK_DIR), verbosity=0)
    users = []
    for i in range(USERS):
        user = User.objects.create_user(email=f"bench{i}@bench.local", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        users.append(user)
    questions = list(Question.objects.published().order_by("pk").values_list("pk", flat=True))
    files = request_files(users, questions)
    first_get = files["gets"].read_text().split("\n", 1)[0].split("\t")[1]
    page_file = page_bytes_write(users[0], first_get)
    # Statistics, as autovacuum keeps them on a running site: straight after a bulk
    # load the planner guesses, and the run would measure its guesses.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_write (id bigserial PRIMARY KEY, user_id bigint)")
        # A row per learner for the first-view floor's UPDATE; its INSERTs come after.
        cursor.execute("INSERT INTO bench_write (id) SELECT id FROM accounts_user")
        cursor.execute("SELECT setval('bench_write_id_seq', (SELECT max(id) FROM bench_write))")
        cursor.execute("ANALYZE")
    question_cache_warm()

    servers = os.environ.get("BENCH_SERVERS", "granian").split(",")
    print(
        f"{USERS} connections (wrk -t2), {SECONDS} s a run, 2 workers x 4 threads, "
        f"load generator on the same cores; ratio = req/s over the bare view's in the same run"
    )
    print(
        f"{'server':<8} {'request':<14} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'vs bare':>8} {'errors':>6}"
    )
    for server in servers:
        process = production_server(
            PORT, SECRET, server, LOGIN_RATE="100000/m/ip", BENCH_PAGE_FILE=str(page_file), **FLOOR
        )
        try:
            table(server, files)
        finally:
            stop(process)
        if server != servers[-1]:  # the next server answers the items from scratch too
            learner_state_reset(users)

    process = production_server(PORT, SECRET, servers[0], LOGIN_RATE="100000/m/ip")
    try:
        flow = locust("Learner", "locust-flow")
    finally:
        stop(process)
    answer, question = locust_figures(flow["answer"]), locust_figures(flow["question page"])

    log = [line.split() for line in (VAR / "locust-answers.log").read_text().splitlines()]
    sent = {(int(s), int(p)) for kind, s, p in log if kind == "sent"}
    accepted = {(int(s), int(p)) for kind, s, p in log if kind == "stored"}
    rows = list(
        Attempt.objects.filter(user__in=users)
        .exclude(item__session__title="Bench")
        .values_list("item__session_id", "item__position")
    )
    stored = set(rows)
    once = len(rows) == len(stored) and accepted <= stored <= sent
    print(
        f"\nLocust flow ({USERS} learners logging in, starting sessions, answering; "
        f"{question['rps']:.0f} pages/s and {answer['rps']:.0f} answers/s, "
        f"p95 {question['p95']:.0f} and {answer['p95']:.0f} ms): answers sent {len(sent)}, "
        f"accepted {len(accepted)}, stored {len(rows)} "
        f"(cut off by the end of the run: {len(sent - accepted)}); "
        f"{'each stored exactly once' if once else 'MISMATCH'}"
    )
    if not os.environ.get("BENCH_KEEP"):
        drop_database(DB)


if __name__ == "__main__":
    main()
