"""Issue 16, item 9: e-mailed links follow ADDR in development unless SITE_URL is set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import _site_url_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("addr", "site_url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:8124", "http://127.0.0.1:8124"),
        ("[::]:8125", "http://127.0.0.1:8125"),
        ("localhost:9000", "http://localhost:9000"),
    ],
)
def test_site_url_follows_addr(addr, site_url):
    assert _site_url_for(addr) == site_url


def settings_site_url(**env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "ADDR"}}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_on_another_port_mails_links_to_that_port():
    assert settings_site_url() == "http://127.0.0.1:8000"
    assert settings_site_url(ADDR="127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert settings_site_url(ADDR="8123", SITE_URL="https://prep.example.com") == (
        "https://prep.example.com"
    )


def test_run_dev_serves_on_addr():
    script = (ROOT / "scripts/run-dev.sh").read_text()
    assert 'runserver "${ADDR:-127.0.0.1:8000}"' in script
