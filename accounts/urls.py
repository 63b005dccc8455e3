from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("confirmation/resend/", views.resend_confirmation, name="resend-confirmation"),
]
