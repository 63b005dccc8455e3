"""The site's URLs plus three views the benchmarks divide by besides the bare
view. Each does only what no implementation of a learner's request can skip, so
its ratio to /ping/ is a ceiling for that request on this stack:

- signed-in: the session, the user row and the middleware that reads them,
  which every learner's page pays before its own work;
- signed-in page: that, plus the bytes of a real question page, served from
  memory: a perfect page cache, the most any caching of the question page
  could reach;
- first view: that, plus the one UPDATE a learner's first view of an item
  makes (it records when the item was shown, which timed practice counts
  from), the least a question page GET of an unanswered item does;
- signed-in write: a CSRF-checked POST that stores one row in a transaction
  (BEGIN, INSERT, COMMIT), the least any answer POST that keeps the answer in
  Postgres does.

Only the benchmarks serve them (floor_settings)."""

import os
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from config.urls import handler500  # noqa: F401  (the root URLconf names the handlers)


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("pong", content_type="text/plain")


@cache
def _page() -> bytes:
    return Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()


@login_required
def signed_in_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_page())


@login_required
def first_view(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:  # autocommit, as services.item_present's stamp
        cursor.execute("UPDATE bench_write SET user_id = %s WHERE id = %s", [request.user.pk] * 2)
    return HttpResponse(_page())


@login_required
@require_POST
def signed_in_write(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_write (user_id) VALUES (%s)", [request.user.pk])
    return HttpResponse("stored", content_type="text/plain")


urlpatterns = [
    path("bench/signed-in/", signed_in),
    path("bench/signed-in/page/", signed_in_page),
    path("bench/signed-in/first-view/", first_view),
    path("bench/signed-in/write/", signed_in_write),
    path("", include("config.urls")),
]
