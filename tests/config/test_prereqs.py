"""`make test` checks what the suite needs before any test runs (scripts/test-prereqs.sh)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test-prereqs.sh"


def run(*, as_nobody: bool, **env) -> subprocess.CompletedProcess:
    command = ["bash", str(SCRIPT)]
    if as_nobody:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_without_root_it_stops_at_once_with_one_install_line_per_missing_thing():
    result = run(as_nobody=True, CHROMIUM="/nonexistent/chromium", PG_PORT="1", REDIS_PORT="1")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "make test cannot run yet:"
    assert "  - chromium is not installed: sudo apt-get install chromium" in lines
    assert any(
        line.startswith("  - Postgres is not answering on 127.0.0.1:1: sudo pg_ctlcluster")
        for line in lines
    )
    assert any(
        line.startswith("  - Redis is not answering on 127.0.0.1:1: redis-server") for line in lines
    )
    assert "installing" not in result.stdout  # it tried no apt-get without root


def test_with_everything_in_place_it_says_so():
    result = run(as_nobody=False)
    assert result.returncode == 0, result.stderr
    assert "are ready" in result.stdout
