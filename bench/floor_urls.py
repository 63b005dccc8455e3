"""The site's URLs plus one the benchmarks divide by besides the bare view: a
signed-in bare view. It costs what every learner's page costs before its own
work (the session, the user row, the middleware that reads them), so its ratio
to /ping/ is the ceiling any signed-in page can reach. Only the benchmarks
serve it (floor_settings)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config.urls import handler500  # noqa: F401  (the root URLconf names the handlers)


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [
    path("bench/signed-in/", signed_in),
    path("", include("config.urls")),
]
