from django.urls import path

from . import views

urlpatterns = [
    path("goal/", views.goal, name="readiness-goal"),
    path("start/", views.plan_start, name="readiness-start"),
    path("mock/", views.mock_start, name="readiness-mock"),
]
