from django.urls import path, register_converter

from . import views
from .ids import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("sample/", views.sample_answer, name="sample-answer"),
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
    path("search/", views.search_page, name="search"),
    path("search/practise/", views.search_practise, name="search-practise"),
    path("notes/", views.notes, name="notes"),
    path("export/missed-and-flagged.apkg", views.export_anki, name="export-anki"),
    path("export/missed-and-flagged.csv", views.export_csv, name="export-csv"),
    path("questions/<slug:external_id>/", views.question_detail, name="question-detail"),
    path(
        "questions/<slug:external_id>/practise/",
        views.question_practise,
        name="question-practise",
    ),
    path("questions/<slug:external_id>/flag/", views.question_flag, name="question-flag"),
    path("questions/<slug:external_id>/note/", views.question_note, name="question-note"),
    path("questions/<slug:external_id>/report/", views.question_report, name="question-report"),
    path("sessions/<id:session_id>/", views.session_detail, name="session-detail"),
    path("sessions/<id:session_id>/summary/", views.session_summary, name="session-summary"),
    path("sessions/<id:session_id>/finish/", views.session_finish, name="session-finish"),
    path("sessions/<id:session_id>/review/", views.session_review, name="session-review"),
    path("sessions/<id:session_id>/<id:position>/", views.session_item, name="session-item"),
    path(
        "sessions/<id:session_id>/<id:position>/answer/",
        views.session_answer,
        name="session-answer",
    ),
]
