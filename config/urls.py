from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "DeepPrep administration"
admin.site.site_title = "DeepPrep admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("quizbank.urls")),
]
