import os

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from tests.factories import QuestionFactory, SubsectionFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM is
# still used synchronously from there (live_server), which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

# The suite's fuzzing is deterministic, so CI cannot turn red by luck; set
# HYPOTHESIS_PROFILE=explore to search new random inputs locally.
hypothesis_settings.register_profile("default", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=500)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# Left out of `make mutation` (`-m "not slow"`), which runs the tests that reach a
# mutated function once per mutant: the bank-wide and figure checks take seconds and
# test no core logic; the 20000-answer query counts assert what their 10-answer twins
# assert; the fuzzers take seconds each.
SLOW = (
    "tests/quizbank/test_figures.py::",
    "tests/quizbank/test_questionbank_files.py::",
    "tests/quizbank/test_fuzz.py::",
    "[20000-answers",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if any(part in item.nodeid for part in SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: `playwright install` cannot download here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cooldowns live in the (Redis) cache: start every test clean."""
    cache.clear()
    yield


@pytest.fixture
def ratelimit_clock(monkeypatch):
    """Hold django-ratelimit's clock still: its windows are fixed slices of wall-clock
    time, so a burst could otherwise straddle a window's edge and pass the limit."""
    import types

    import django_ratelimit.core

    now = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """`with after_commit(): client.post(...)`: run what the request deferred until
    its transaction committed (e-mail, Celery tasks), as it runs in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def learner_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def subsection(db):
    return SubsectionFactory()


@pytest.fixture
def questions(subsection):
    return [QuestionFactory(subsection=subsection) for _ in range(5)]
