from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="srs-queue"),
    path("start/", views.queue_start, name="srs-start"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="srs-unsubscribe"),
]
