from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("practice/", views.catalogue, name="catalogue"),
    path("practice/<slug:section>/", views.practice_start, name="practice-section"),
    path(
        "practice/<slug:section>/<slug:subsection>/",
        views.practice_start,
        name="practice-subsection",
    ),
    path("custom/", views.custom_test, name="custom-test"),
    path("missed/", views.missed, name="missed"),
    path("flagged/", views.flagged, name="flagged"),
    path("start/<slug:pool>/", views.pool_start, name="pool-start"),
    path("history/", views.history, name="history"),
    path("questions/<slug:external_id>/", views.question_detail, name="question-detail"),
    path("questions/<slug:external_id>/flag/", views.question_flag, name="question-flag"),
    path("questions/<slug:external_id>/note/", views.question_note, name="question-note"),
    path("questions/<slug:external_id>/report/", views.question_report, name="question-report"),
    path("sessions/<int:session_id>/", views.session_detail, name="session-detail"),
    path("sessions/<int:session_id>/summary/", views.session_summary, name="session-summary"),
    path("sessions/<int:session_id>/finish/", views.session_finish, name="session-finish"),
    path("sessions/<int:session_id>/<int:position>/", views.session_item, name="session-item"),
    path(
        "sessions/<int:session_id>/<int:position>/answer/",
        views.session_answer,
        name="session-answer",
    ),
]
