from datetime import timedelta

import pytest
from django.urls import reverse

from config.celery import app
from ops.models import Heartbeat
from ops.selectors import BEAT_STALE_AFTER_S
from ops.services import heartbeat_record
from ops.tasks import beat_heartbeat

pytestmark = pytest.mark.django_db


def move_clock(monkeypatch, when):
    """The health check's "now" (it reads django.utils.timezone through its module)."""
    import types

    import ops.selectors

    monkeypatch.setattr(ops.selectors, "timezone", types.SimpleNamespace(now=lambda: when))


def test_health_reports_database_broker_and_beat(client, django_assert_num_queries, monkeypatch):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "ok",
        "beat_age_seconds": None,
    }  # beat has never run here
    beat_heartbeat()
    beat = Heartbeat.objects.get(name="beat").at
    move_clock(monkeypatch, beat + timedelta(seconds=42.9))
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok" and body["beat_age_seconds"] == 42
    move_clock(monkeypatch, beat + timedelta(seconds=BEAT_STALE_AFTER_S))  # beat stopped
    body = client.get(reverse("health")).json()
    assert body["status"] == "degraded" and body["beat_age_seconds"] == BEAT_STALE_AFTER_S
    with django_assert_num_queries(2):
        client.get(reverse("health"))


def test_health_says_when_the_broker_is_unreachable(client):
    heartbeat_record(name="beat")
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        body = client.get(reverse("health")).json()
    finally:
        app.conf.broker_url = saved
    assert body["database"] == "ok" and body["broker"].startswith("error")
    assert body["status"] == "degraded"
