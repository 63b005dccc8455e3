"""`make run` is SQLite with the web server, a worker and beat writing at once
(found 1 December: 8 of 52 forecast refreshes in the worker failed with
"database is locked"). With `settings.SQLITE_OPTIONS` a second writer waits for
the first instead of failing."""

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import OperationalError


def connect(path, options: dict) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": options,
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="writers",
    )


def read_then_write_while_another_writes(path, options: dict) -> None:
    """A worker's transaction reads, the web server's commits a write, then the
    worker writes: the moment the worker's refresh failed."""
    first, second = connect(path, options), connect(path, options)
    first.cursor().execute("CREATE TABLE t (n INTEGER)")
    first.inc_thread_sharing()  # the web request's connection, used in its thread
    holding, worker_read = threading.Event(), threading.Event()

    def web():
        with _atomic(first):
            first.cursor().execute("INSERT INTO t VALUES (1)")
            holding.set()
            worker_read.wait(0.5)  # an IMMEDIATE worker never gets to read meanwhile

    thread = threading.Thread(target=web)
    thread.start()
    assert holding.wait(10)
    try:
        with _atomic(second):
            second.cursor().execute("SELECT count(*) FROM t").fetchone()
            worker_read.set()
            time.sleep(0.1)  # the web request is committing
            second.cursor().execute("INSERT INTO t VALUES (2)")
    finally:
        worker_read.set()
        thread.join()
        first.dec_thread_sharing()
        first.close()
        second.close()


class _atomic:
    """BEGIN (in the connection's transaction mode) ... COMMIT on one wrapper."""

    def __init__(self, wrapper: DatabaseWrapper):
        self.wrapper = wrapper

    def __enter__(self):
        self.wrapper.ensure_connection()
        # As atomic() does: BEGIN, in the transaction mode the options give.
        self.wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, kind, *_):
        if kind is None:
            self.wrapper.commit()
        else:
            self.wrapper.rollback()
        self.wrapper.set_autocommit(True)


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """Two connections of its own to a file in tmp_path, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_deferred_transactions_fail_as_the_worker_did(tmp_path):
    with pytest.raises(OperationalError, match="locked"):
        read_then_write_while_another_writes(tmp_path / "db.sqlite3", {"timeout": 5})


def test_the_settings_make_the_second_writer_wait(tmp_path):
    read_then_write_while_another_writes(tmp_path / "db.sqlite3", settings.SQLITE_OPTIONS)
