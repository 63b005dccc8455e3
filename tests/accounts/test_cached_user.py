"""The signed-in user comes from the cache (accounts.middleware, issue 15): no
query to know who asks, and never a user the database no longer vouches for."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from srs import services as srs_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    response = client.get(reverse("profile"))
    return response.status_code == 200


def user_queries(captured) -> int:
    return sum('FROM "accounts_user"' in q["sql"] for q in captured.captured_queries)


def test_a_second_page_reads_no_user_row(client):
    user = UserFactory()
    client.force_login(user)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("profile"))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("profile"))
    assert user_queries(first) == 1 and user_queries(second) == 0


def test_a_password_changed_elsewhere_signs_out_every_other_session(client):
    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)  # cached now
    user.set_password("a new long passphrase")
    user.save()
    assert not signed_in(client)


def test_a_deactivated_learner_is_signed_out_on_the_next_page(client):
    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)
    user.is_active = False
    user.save()
    assert not signed_in(client)


def test_a_bulk_update_of_the_row_shows_on_the_next_page(client):
    user = UserFactory(reminders_enabled=True)
    client.force_login(user)
    client.get(reverse("profile"))
    srs_services.reminders_off(user_id=user.pk)  # an UPDATE, no save signal
    assert client.get(reverse("profile")).wsgi_request.user.reminders_enabled is False


def test_a_session_whose_hash_does_not_match_the_cached_row_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)
    session = client.session
    session["_auth_user_hash"] = "forged"
    session.save()
    assert not signed_in(client)


def test_another_learners_cached_row_is_never_served(client):
    """A recycled id (a test database, a restored backup) with another learner's
    row still cached under the current version: the session's hash does not
    match it, so Django decides."""
    from accounts.cached_user import _copy, _key, _version_key

    user, other = UserFactory(), UserFactory()
    client.force_login(user)
    client.get(reverse("profile"))
    other.pk = other.id = user.pk  # the same id, another learner's row
    version = cache.get(_version_key(user.pk))
    cache.set(_key(user.pk), (version, *_copy(other)))
    assert client.get(reverse("profile")).wsgi_request.user.email == user.email


def test_a_row_read_before_a_password_change_commits_is_never_served(client):
    """The race a plain delete cannot close: a request reads the old row, the
    password change commits and drops the cache, then the request stores what it
    read. It stored it under the version it saw first, already replaced."""
    from accounts import cached_user

    user = UserFactory()
    client.force_login(user)
    assert signed_in(client)
    stale = type(user).objects.get(pk=user.pk)
    seen = cache.get(cached_user._version_key(user.pk))
    user.set_password("a new long passphrase")
    user.save()  # the version moves on
    cache.set(cached_user._key(user.pk), (seen, *cached_user._copy(stale)))  # the late write
    assert not signed_in(client)


def test_the_cached_copy_holds_no_password_hash(client):
    from accounts.cached_user import _key

    user = UserFactory()
    client.force_login(user)
    client.get(reverse("profile"))
    _, copy, _ = cache.get(_key(user.pk))
    assert "password" in copy.get_deferred_fields()
    assert user.password not in repr(vars(copy))


def test_with_the_cache_down_the_user_comes_from_the_database(client):
    user = UserFactory()
    client.force_login(user)
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "set", return_value=None),
    ):
        assert client.get(reverse("profile")).wsgi_request.user == user
