"""Limits on repeated requests: clear 429 pages, and nothing recorded past them.

django-ratelimit counts in fixed windows of wall-clock time; `ratelimit_clock` holds
that clock still, so each burst falls in one window and the counts are exact.
allauth's limits (sign-up, reset) send twice the limit plus one, so some window overflows.
"""

import pytest
from django.test import Client
from django.urls import reverse

from quizbank import services
from quizbank.models import Annotation
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_answer_note_flag_posts_are_rate_limited_per_learner(
    learner_client, settings, ratelimit_clock
):
    settings.ANSWER_RATE = "3/m"
    q = QuestionFactory()
    url = reverse("question-note", args=[q.external_id])
    responses = [
        learner_client.post(url, {"note": f"note {i}"}, HTTP_HX_REQUEST="true") for i in range(5)
    ]
    codes = [r.status_code for r in responses]
    assert codes == [200, 200, 200, 429, 429]
    assert "Too many requests" in responses[codes.index(429)].content.decode()
    last_accepted = max(i for i, code in enumerate(codes) if code == 200)
    assert Annotation.objects.get().note == f"note {last_accepted}"  # refused ones: no effect


def test_sign_up_is_rate_limited_per_address(client):
    codes = [
        client.post(
            reverse("account_signup"),
            {
                "email": f"s{i}@example.com",
                "password1": "a-long-pass-1!",
                "password2": "a-long-pass-1!",
            },
        ).status_code
        for i in range(21)
    ]
    assert codes[:10] == [302] * 10 and 429 in codes


def test_password_reset_is_rate_limited_per_email(client):
    codes = [
        client.post(reverse("account_reset_password"), {"email": "someone@example.com"}).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [302] * 3 and codes[3] == 429


# Every limited endpoint, and one learner's limit leaves another's alone ----------------


def _session(user, subsection):
    return services.session_start(user=user, subsection=subsection, size=2)


def _answer(user, subsection, question):
    session = _session(user, subsection)
    item = session.items.get(position=1)
    choice = item.question.choices.get(correct=True).pk
    return reverse("session-answer", args=[session.pk, 1]), {"choice": choice}


ANSWER_LIMITED = {
    "flag": lambda u, s, q: (reverse("question-flag", args=[q.external_id]), {"flagged": "1"}),
    "note": lambda u, s, q: (reverse("question-note", args=[q.external_id]), {"note": "n"}),
    "report": lambda u, s, q: (reverse("question-report", args=[q.external_id]), {"reason": "x"}),
    "answer": _answer,
    "finish": lambda u, s, q: (reverse("session-finish", args=[_session(u, s).pk]), {}),
}
START_LIMITED = {
    "practice": lambda u, s, q: (
        reverse("practice-subsection", args=[s.section.slug, s.slug]),
        {"size": 5, "difficulties": ["medium"]},
    ),
    "pool": lambda u, s, q: (reverse("pool-start", args=["all"]), {"subsection": s.pk}),
    "custom": lambda u, s, q: (
        reverse("custom-test"),
        {
            "sections": [s.section.pk],
            "difficulties": ["medium"],
            "pool": "all",
            "size": 5,
            "mode": "tutor",
        },
    ),
    "question": lambda u, s, q: (reverse("question-practise", args=[q.external_id]), {}),
}


def limited_twice(settings, endpoint, subsection, questions):
    """Three posts pass, the fourth is refused; then a second learner on the same
    address still gets through (the limit is per learner, not per address)."""
    settings.ANSWER_RATE = settings.SESSION_START_RATE = "3/m"
    codes = {}
    for name in ("first", "second"):
        user = UserFactory()
        client = Client()
        client.force_login(user)
        url, data = endpoint(user, subsection, questions[0])
        codes[name] = [
            client.post(url, data).status_code for _ in range(4 if name == "first" else 1)
        ]
    assert 429 not in codes["first"][:3] and codes["first"][3] == 429, codes
    assert codes["second"] != [429], codes


@pytest.mark.parametrize("name", sorted(ANSWER_LIMITED))
def test_each_answer_endpoint_is_limited_per_learner(
    name, settings, subsection, questions, ratelimit_clock
):
    limited_twice(settings, ANSWER_LIMITED[name], subsection, questions)


@pytest.mark.parametrize("name", sorted(START_LIMITED))
def test_each_way_to_start_a_session_is_limited_per_learner(
    name, settings, subsection, questions, ratelimit_clock
):
    limited_twice(settings, START_LIMITED[name], subsection, questions)
