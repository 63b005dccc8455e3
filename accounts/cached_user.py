"""The signed-in user from the cache, so a page costs no query to know who asks.

Every learner page needs `request.user`; Django reads it from the database on
each request, a query and a model to build before the view does any work. Here
the user row is kept in the cache (as Zulip keeps user profiles in memcached),
under a per-user version that every save or delete of the user replaces
(`user_forget`, connected in `AccountsConfig.ready`), as do the two bulk
updates that write the row (reminder settings in `srs.services`). A request
stores the row it read under the version it saw *before* reading it, so a row
read just before a password change commits lands under a version already
replaced and is never served. `USER_TTL` bounds anything else (a write with no
signal, a forget the cache did not receive).

The copy kept leaves the password hash out (the field is deferred: reading it
loads it, and a save writes only the loaded fields) and keeps the session auth
hash computed from it instead. A cached copy is served only when the session's
backend is still configured, the user may sign in (`is_active`) and the
session's auth hash matches, the checks Django's `get_user` makes; anything
else, e.g. a fallback secret key that needs the session cycled, is Django's own
`auth.get_user`.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.core.cache import cache
from django.utils.crypto import constant_time_compare

from config.versions import version_new, version_replace

USER_TTL = 60
# Part of the key: bump when User gains fields, so a deploy never reads old pickles.
USER_CACHE_FORMAT = 2


def _key(user_id) -> str:
    return f"accounts:user:v{USER_CACHE_FORMAT}:{user_id}"


def _version_key(user_id) -> str:
    return f"accounts:user-v:{user_id}"


def user_forget(*, user_id: int) -> None:
    """The user's row changed: a new version, orphaning every cached copy."""
    version_replace(_version_key(user_id), USER_TTL * 2)


def on_user_change(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        user_forget(user_id=instance.pk)


def _copy(user) -> tuple:
    """(the user without its password hash, the session auth hash)."""
    fields = [f.attname for f in type(user)._meta.concrete_fields if f.attname != "password"]
    copy = type(user).from_db(user._state.db, fields, [getattr(user, f) for f in fields])
    return copy, user.get_session_auth_hash()


def user_get(request):
    """The request's user: the cached copy when it still verifies, else Django's
    `get_user` (one query), kept for the next request under the version seen
    before reading it."""
    if hasattr(request, "_cached_user"):
        return request._cached_user
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    version = None
    if user_id is not None:
        found = cache.get_many([_version_key(user_id), _key(user_id)])
        version = found.get(_version_key(user_id))
        entry = found.get(_key(user_id))
        if version is None:
            version = version_new(_version_key(user_id), USER_TTL * 2)
        elif isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version:
            _, user, auth_hash = entry
            session_hash = session.get(HASH_SESSION_KEY)
            if (
                user.is_active
                and str(user.pk) == str(user_id)
                and session.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
                and session_hash
                and constant_time_compare(session_hash, auth_hash)
            ):
                request._cached_user = user
                return user
    user = auth.get_user(request)
    if user.is_authenticated and version is not None and str(user.pk) == str(user_id):
        cache.set(_key(user.pk), (version, *_copy(user)), USER_TTL)
    request._cached_user = user
    return user
