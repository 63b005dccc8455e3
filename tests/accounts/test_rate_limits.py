"""Limits on repeated requests: clear 429 pages, and nothing recorded past them.

The limits count in fixed time windows, so a burst may straddle a window's
edge: each test sends twice the limit plus one, so some window must overflow.
"""

import pytest
from django.urls import reverse

from quizbank.models import Annotation
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_answer_note_flag_posts_are_rate_limited_per_learner(learner_client, settings):
    settings.ANSWER_RATE = "3/m"
    q = QuestionFactory()
    url = reverse("question-note", args=[q.external_id])
    responses = [
        learner_client.post(url, {"note": f"note {i}"}, HTTP_HX_REQUEST="true") for i in range(7)
    ]
    codes = [r.status_code for r in responses]
    assert codes[:3] == [200, 200, 200] and 429 in codes
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
