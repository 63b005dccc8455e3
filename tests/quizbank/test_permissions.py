"""Every learner URL: anonymous visitors are sent to log in, another learner gets
404 and sees none of the owner's data, and every POST needs the CSRF token
(also when htmx sends it as a header)."""

import pytest
from django.test import Client
from django.urls import reverse

from quizbank import services
from quizbank.models import Attempt, PracticeSession
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(db):
    sub = SubsectionFactory()
    questions = [QuestionFactory(subsection=sub) for _ in range(3)]
    owner = UserFactory()
    tutor = services.session_start(user=owner, subsection=sub, size=2)
    answer(owner, tutor.items.get(position=1), correct=False)
    timed = services.session_start(
        user=owner, subsection=sub, size=2, mode=PracticeSession.Mode.TIMED
    )
    services.annotation_save(
        user=owner, question=questions[0], flagged=True, note="owner's secret note"
    )
    return owner, sub, questions, tutor, timed


def own_urls(tutor, timed):
    """URLs naming the owner's objects: (method, url)."""
    return [
        ("get", reverse("session-detail", args=[tutor.pk])),
        ("get", reverse("session-item", args=[tutor.pk, 1])),
        ("get", reverse("session-summary", args=[tutor.pk])),
        ("post", reverse("session-answer", args=[tutor.pk, 2])),
        ("get", reverse("session-item", args=[timed.pk, 1])),
        ("post", reverse("session-answer", args=[timed.pk, 1])),
        ("post", reverse("session-finish", args=[timed.pk])),
        ("get", reverse("session-summary", args=[timed.pk])),
    ]


def learner_urls(sub, questions):
    q = questions[0].external_id
    return [
        ("get", reverse("dashboard")),
        ("get", reverse("catalogue")),
        ("get", reverse("practice-subsection", args=[sub.section.slug, sub.slug])),
        ("post", reverse("practice-subsection", args=[sub.section.slug, sub.slug])),
        ("get", reverse("custom-test")),
        ("post", reverse("custom-test")),
        ("get", reverse("missed")),
        ("get", reverse("flagged")),
        ("get", reverse("history")),
        ("post", reverse("pool-start", args=["missed"])),
        ("get", reverse("question-detail", args=[q])),
        ("post", reverse("question-flag", args=[q])),
        ("post", reverse("question-note", args=[q])),
        ("post", reverse("question-report", args=[q])),
        ("get", reverse("profile")),
        ("get", reverse("srs-queue")),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, owned):
    _, sub, questions, tutor, timed = owned
    for method, url in own_urls(tutor, timed) + learner_urls(sub, questions):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.url.startswith(reverse("account_login")), url
    assert not Attempt.objects.filter(item__session=timed).exists()


def test_another_learner_gets_404_for_every_owned_url(client, owned):
    _, _, _, tutor, timed = owned
    client.force_login(UserFactory())
    before = Attempt.objects.count()
    for method, url in own_urls(tutor, timed):
        response = getattr(client, method)(url, {"choice": "1", "go": "finish"})
        assert response.status_code == 404, (method, url, response.status_code)
    assert Attempt.objects.count() == before
    timed.refresh_from_db()
    assert timed.finished_at is None


def test_another_learner_never_sees_the_owners_data(client, owned):
    owner, sub, questions, tutor, timed = owned
    client.force_login(UserFactory())
    for method, url in learner_urls(sub, questions):
        if method == "get":
            body = client.get(url).content.decode()
            assert "owner's secret note" not in body, url
            assert owner.email not in body, url
            for session in (tutor, timed):  # no link to the owner's sessions anywhere
                assert reverse("session-detail", args=[session.pk]) not in body, url
                assert reverse("session-summary", args=[session.pk]) not in body, url


def test_every_post_needs_the_csrf_token(owned):
    owner, sub, questions, tutor, timed = owned
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    posts = [
        url
        for method, url in own_urls(tutor, timed) + learner_urls(sub, questions)
        if method == "post"
    ]
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 403, url
        assert client.post(url, {"reason": "x"}, HTTP_HX_REQUEST="true").status_code == 403, url
    # With the token in htmx's header (set on <body>), the same request goes through.
    client.get(reverse("dashboard"))
    token = client.cookies["csrftoken"].value
    url = reverse("question-flag", args=[questions[1].external_id])
    response = client.post(url, {"flagged": "1"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
