"""Shared set-up for benchmarks: a throwaway Postgres database and Django."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def django_on_fresh_database(name: str) -> None:
    """Create (or recreate) database `name` on the local server and set Django up on it."""
    import psycopg

    base = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("INSECURE_HTTP", "true")  # the test client speaks plain HTTP
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    # Benchmarks render templates without collectstatic: plain static storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_server(port: int, secret: str, server: str = "granian", **extra_env: str):
    """Collect static files and start the app as docker-compose runs it, on the
    current DATABASE_URL; returns the process. `server` "granian" runs
    `python -m config.serve` (the Dockerfile's and compose's command);
    "gunicorn" runs gunicorn's gthread workers (bench/gunicorn.conf.py) on the
    same 2 workers x 4 threads, for the side-by-side comparison (README,
    Measured here)."""
    import subprocess
    import time
    import urllib.request

    env = os.environ | {
        "DEBUG": "false",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "INSECURE_HTTP": "true",  # plain HTTP on loopback: no redirect to HTTPS
        "ANSWER_RATE": "1000000/m",
        "LOG_LEVEL": "WARNING",
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "WEB_ACCESS_LOG": "false",
        "WEB_LOG_LEVEL": "warning",
        **extra_env,
    }
    env.pop("PYTEST_VERSION", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if server == "gunicorn":
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        command = [gunicorn, "-c", "bench/gunicorn.conf.py", "config.wsgi:application"]
    else:
        command = [sys.executable, "-m", "config.serve"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(150):
        if process.poll() is not None:  # e.g. the port is taken: never measure another server
            raise SystemExit(f"{server} exited; is port {port} in use?")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ping/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{server} did not come up on port {port}")
