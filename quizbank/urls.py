from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("practice/", views.catalogue, name="catalogue"),
    path("practice/<slug:section>/", views.practice_start, name="practice-section"),
    path(
        "practice/<slug:section>/<slug:subsection>/",
        views.practice_start,
        name="practice-subsection",
    ),
    path("sessions/<int:session_id>/", views.session_detail, name="session-detail"),
    path("sessions/<int:session_id>/summary/", views.session_summary, name="session-summary"),
    path("sessions/<int:session_id>/<int:position>/", views.session_item, name="session-item"),
    path(
        "sessions/<int:session_id>/<int:position>/answer/",
        views.session_answer,
        name="session-answer",
    ),
]
