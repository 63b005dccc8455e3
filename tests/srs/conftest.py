import os
from datetime import datetime

import pytest
import redis

# celery.contrib.pytest's fixtures (pytest_plugins is allowed only in the root conftest).
from celery.contrib.pytest import (  # noqa: F401
    celery_app,
    celery_enable_logging,
    celery_parameters,
    celery_worker,
    use_celery_app_trap,
)
from celery.signals import task_postrun
from django.db import connections
from django.utils import timezone

# Imported before any test app exists: celery's test apps snapshot the shared-task
# finalizers, and one registered later would be dropped after the first test.
import accounts.tasks  # noqa: F401
import srs.tasks  # noqa: F401

# Our own Redis database for the broker, so parallel runs by other engineers don't mix.
BROKER_URL = os.environ.get("SRS_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")


@task_postrun.connect(weak=False)
def _close_worker_connections(task=None, **kwargs):
    """Worker threads open their own database connections; close them after each
    task so the test database can be flushed and dropped. An eager task (views
    under test send e-mail that way) runs on the test's own connection: leave it."""
    if task is not None and task.request.is_eager:
        return
    connections.close_all()


@pytest.fixture(scope="session")
def celery_config():
    return {
        "broker_url": BROKER_URL,
        "result_backend": BROKER_URL,
        "task_ignore_result": False,
        "broker_connection_retry_on_startup": True,
        # Kombu's default visibility timeout (an hour): a slow task is never handed
        # out twice by accident. A test that needs a dead worker's message back ages
        # it in Redis instead (see `age_unacked`); workers look for such messages
        # every second.
        "broker_transport_options": {
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
    }


@pytest.fixture(scope="session")
def celery_includes():
    return ["srs.tasks", "accounts.tasks"]


@pytest.fixture(scope="session")
def celery_worker_pool():
    return "threads"


@pytest.fixture(scope="session")
def celery_worker_parameters():
    return {"concurrency": 4, "shutdown_timeout": 30}


@pytest.fixture
def broker(celery_app):  # noqa: F811 (the fixture imported above)
    """The test app as the current one, and an empty broker database before and after."""
    celery_app.set_current()
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def clock(settings):
    """Move srs's clock: `clock.to(datetime)` makes srs.clock.now() return it (or just after)."""

    class Clock:
        def to(self, when: datetime) -> None:
            settings.SRS_CLOCK_OFFSET = when - timezone.now()

    settings.SRS_ENABLE_FUZZ = False
    return Clock()
