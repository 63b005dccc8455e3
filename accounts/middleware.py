"""The signed-in user from the cache, so a page costs no query to know who asks.

Every learner page needs `request.user`; Django reads it from the database on
each request, a query and a model to build before the view does any work. Here
the user row is kept in the cache (as Zulip keeps user profiles in memcached)
and dropped whenever it is saved or deleted (`user_forget`, connected in
`AccountsConfig.ready`) and after the two bulk updates that write it (reminder
settings in `srs.services`); a TTL bounds any other out-of-band write.

Only the fast path is ours: the cached user is accepted when the session's
backend is still configured, the user may sign in (`is_active`) and the
session's auth hash matches the cached row's current one, the same checks
Django's `get_user` makes. Anything else (no cache entry, a changed password,
a fallback secret key that needs the session cycled) is Django's own
`auth.get_user`, whose result is cached for the next request. Sessions already
live in the same cache, so keeping the user's password hash beside them gives a
reader of the cache nothing it could not do with a session.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

USER_TTL = 5 * 60
# Part of the key: bump when User gains fields, so a deploy never reads old pickles.
USER_CACHE_FORMAT = 1


def _key(user_id) -> str:
    return f"accounts:user:v{USER_CACHE_FORMAT}:{user_id}"


def user_forget(*, user_id: int) -> None:
    """The user's row changed: drop the cached copy now and again once the write
    commits, so a request that read the old row in between cannot keep it."""
    cache.delete(_key(user_id))
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


def _on_user_change(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        user_forget(user_id=instance.pk)


def _cached(request):
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    if user_id is None:
        return None
    user = cache.get(_key(user_id))
    if user is None or not user.is_active:
        return None
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    if str(user.pk) != str(user_id):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


def user_get(request):
    """The request's user: the cached row when it still verifies, else Django's
    `get_user` (one query), kept for the next request."""
    if not hasattr(request, "_cached_user"):
        user = _cached(request)
        if user is None:
            user = auth.get_user(request)
            if user.is_authenticated:
                cache.set(_key(user.pk), user, USER_TTL)
        request._cached_user = user
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware with `request.user` from `user_get`."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: user_get(request))
