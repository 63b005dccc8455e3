"""Request-wide concerns that belong to no app: who the client is behind the
proxy, and how browsers and proxies may cache what we send."""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def client_address(meta: dict, trusted_proxies: int) -> str:
    """The client's address, with `trusted_proxies` reverse proxies in front.

    Each proxy appends the address it saw to X-Forwarded-For, so the client is
    the entry `trusted_proxies` from the right; anything further left was sent
    by the client and could be forged. With no proxy, REMOTE_ADDR is the client.
    """
    remote = meta.get("REMOTE_ADDR", "")
    if trusted_proxies <= 0:
        return remote
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return remote  # not through the expected proxies: the peer itself
    return hops[-trusted_proxies]


class ClientAddressMiddleware:
    """Put the real client address in REMOTE_ADDR for everything downstream:
    django-axes, allauth's and django-ratelimit's limits all key on it, so that
    behind a proxy one visitor's failures never lock out another (TRUSTED_PROXY_COUNT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if trusted := settings.TRUSTED_PROXY_COUNT:
            request.META["REMOTE_ADDR"] = client_address(request.META, trusted)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A signed-in learner's pages are theirs alone: `Cache-Control: private,
    no-store` so no shared cache or back button shows them to anyone else, and
    `Vary: HX-Request` because htmx fetches a fragment from the page's own URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["HX-Request"])
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private
        return response


class MethodNotAllowedPageMiddleware:
    """A page, not a blank browser error, for a GET of an address that only takes
    a form (`require_POST` answers 405 with an empty body): someone who opened it
    from their history or typed it learns what to do. htmx requests keep the bare
    response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.streaming
            or response.content
            or request.headers.get("HX-Request")
        ):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page
