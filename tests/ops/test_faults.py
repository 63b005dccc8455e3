"""Faults, for real: with its Redis gone the site still serves practice and takes
answers (rate limits fail open meanwhile), and nothing is lost or doubled."""

import shutil
import socket
import subprocess

import pytest
from django.urls import reverse

from quizbank import services
from quizbank.models import Attempt
from tests.factories import QuestionFactory, SubsectionFactory

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, so stopping it harms nothing else."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server not installed")
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True)
    yield server, port
    server.kill()
    server.wait()


def test_practice_goes_on_while_redis_is_down(learner_client, user, settings, own_redis):
    server, port = own_redis
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    sub = SubsectionFactory()
    for _ in range(3):
        QuestionFactory(subsection=sub)
    session = services.session_start(user=user, subsection=sub, size=3)
    item = session.items.get(position=1)
    answer_url = reverse("session-answer", args=[session.pk, 1])
    key = item.question.choices.get(correct=True)

    server.kill()  # Redis stops
    server.wait()
    assert learner_client.get(reverse("catalogue")).status_code == 200
    assert learner_client.get(reverse("session-item", args=[session.pk, 1])).status_code == 200
    response = learner_client.post(answer_url, {"choice": key.pk})
    assert response.status_code == 302
    again = learner_client.post(answer_url, {"choice": key.pk})  # a retry by the user
    assert again.status_code == 302
    assert Attempt.objects.filter(item=item).count() == 1
    health = learner_client.get(reverse("health")).json()
    assert health["database"] == "ok"


def test_a_lost_database_connection_is_a_503_with_retry_after(user, monkeypatch):
    """Through the site's own handler500, as a request that meets the fault sees it."""
    from django.db import OperationalError
    from django.test import Client

    from quizbank import selectors

    def fail(error):
        def view_query(**kwargs):
            raise error

        return view_query

    client = Client(raise_request_exception=False)
    client.force_login(user)
    monkeypatch.setattr(
        selectors, "section_catalogue_list", fail(OperationalError("server closed the connection"))
    )
    response = client.get(reverse("catalogue"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()

    monkeypatch.setattr(selectors, "section_catalogue_list", fail(ValueError("a bug")))
    response = client.get(reverse("catalogue"))
    assert response.status_code == 500 and "Retry-After" not in response
