"""Behind a real reverse proxy (Caddy, from Debian) in front of granian with
TRUSTED_PROXY_COUNT=1: one client's failed log-ins never lock another client out
(issue 14, item 4), and no Server header says what runs behind (item 10)."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# What deploy/Caddyfile says about headers (a test below keeps them equal).
PRODUCTION_SITE_HEADER = "header -Server"
PRODUCTION_PROXY_BLOCK = "header_down -Server"
PASSWORD = "correct-horse-battery"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which("caddy"), reason="caddy not installed (make test installs it)"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production serves collected, hashed static files: collect them once."""
    root = tmp_path_factory.mktemp("static")
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "x",
        "STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return root


@pytest.fixture
def site(tmp_path, static_root):
    """The production server (config/serve.py) on the test database, Caddy in
    front configured as deploy/Caddyfile proxies (its `reverse_proxy` block)."""
    app_port, proxy_port = free_port(), free_port()
    db = settings.DATABASES["default"]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "INSECURE_HTTP": "true",  # plain HTTP on loopback; TLS is Caddy's job in production
        "SECRET_KEY": "proxy-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if db["ENGINE"].endswith("postgresql")
        else f"sqlite:///{db['NAME']}",
        "REDIS_URL": "redis://127.0.0.1:6379/6",
        "STATIC_ROOT": str(static_root),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(app_port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "config.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        "{\n\tadmin off\n\tauto_https off\n}\n"
        f"http://127.0.0.1:{proxy_port} {{\n\t{PRODUCTION_SITE_HEADER}\n"
        f"\treverse_proxy 127.0.0.1:{app_port}"
        f" {{\n\t\t{PRODUCTION_PROXY_BLOCK}\n\t}}\n}}\n"
    )
    proxy = subprocess.Popen(
        ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env={**env, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(app_port)
        wait_for(proxy_port)
        yield {"proxy": proxy_port, "app": app_port}
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=20)


class Browser:
    """One visitor, connecting from its own loopback address."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, SimpleCookie()

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn.request(method, path, body=urlencode(body) if body else None, headers=headers)
        response = conn.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        response.text = response.read().decode()
        conn.close()
        return response

    def log_in(self, email, password):
        page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, (page.status, page.text[:500])
        token = token[1]
        return self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": email, "password": password},
        )


def test_one_clients_failures_through_the_proxy_do_not_lock_another_client(site):
    user = UserFactory()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "proxytestsalt")
    user.save(update_fields=["password"])
    attacker = Browser(site["proxy"], "127.0.0.2")
    limit = settings.AXES_FAILURE_LIMIT
    codes = [attacker.log_in(user.email, "wrong").status for _ in range(limit)]
    assert codes == [200] * (limit - 1) + [429]  # the limit-th failure locks...
    assert attacker.log_in(user.email, PASSWORD).status == 429  # ...the pair, from there
    owner = Browser(site["proxy"], "127.0.0.3")
    response = owner.log_in(user.email, PASSWORD)
    assert response.status == 302, response.text[:300]


def test_no_server_header_says_what_runs_behind_the_proxy(site):
    """granian names itself and Caddy too: the production Caddyfile removes both."""
    response = Browser(site["proxy"], "127.0.0.1").request("GET", "/ping/")
    assert response.status == 200
    assert response.getheader("Server") is None


def test_the_proxy_block_is_the_production_caddyfiles():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    block = re.search(r"reverse_proxy web:8000 \{\n(.*?)\n\t\}", caddyfile, re.S)
    assert block and block.group(1).strip() == PRODUCTION_PROXY_BLOCK
    assert f"\n\t{PRODUCTION_SITE_HEADER}\n" in caddyfile
