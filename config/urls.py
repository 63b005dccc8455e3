from django.contrib import admin
from django.urls import include, path

from ops.views import health_view, ping

handler500 = "ops.views.server_error"

admin.site.site_header = "DeepPrep administration"
admin.site.site_title = "DeepPrep admin"

urlpatterns = [
    path("health/", health_view, name="health"),
    path("ping/", ping, name="ping"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("review/", include("srs.urls")),
    path("readiness/", include("readiness.urls")),
    path("", include("quizbank.urls")),
]
