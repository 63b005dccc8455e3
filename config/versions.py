"""Version tokens for cached values (learner history, taxonomy, "Due today",
the signed-in user): a value is cached under the token current when it was
read, and a write replaces the token, orphaning every older entry."""

import uuid

from django.core.cache import cache
from django.db import transaction


def version_get(key: str, timeout: int | None) -> str:
    """The current token under `key`, a new one if there is none."""
    return cache.get_or_set(key, lambda: uuid.uuid4().hex, timeout)


def version_new(key: str, timeout: int | None) -> str:
    """Replace the token under `key` now; returns the new one."""
    version = uuid.uuid4().hex
    cache.set(key, version, timeout)
    return version


def version_replace(key: str, timeout: int | None) -> None:
    """The rows behind `key` are being written: a new token now, and again once
    the transaction commits, so a reader that recomputed from the old rows in
    between cannot keep its result under a token still current."""
    version_new(key, timeout)
    transaction.on_commit(lambda: version_new(key, timeout))
