"""Production settings pass Django's deployment checks, and pages carry a CSP
that lets no inline script run."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "prep.example.com",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_COOKIES": "true",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_check_deploy_is_clean_with_production_variables():
    test_only = {"PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only} | PRODUCTION
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# Only what an operator must set: everything secure follows from DEBUG being off.
MINIMAL = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "prep.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def manage(*args, env):
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_only_the_required_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=MINIMAL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SHOW = (
    "shell",
    "--verbosity",
    "0",
    "-c",
    "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
)


def test_secure_by_default_and_one_documented_opt_out_for_plain_http():
    assert manage(*SHOW, env=MINIMAL).stdout.split() == ["True", "True", "True", "31536000"]
    trial = manage(*SHOW, env=MINIMAL | {"INSECURE_HTTP": "true"}).stdout.split()
    assert trial == ["False", "False", "False", "0"]


@pytest.mark.django_db
def test_pages_send_a_csp_without_inline_script(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    nonce = script_src.split("'nonce-")[1].split("'")[0]
    # htmx, served by django-htmx, carries the nonce; every other script is a file.
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "frame-ancestors 'none'" in policy
