"""Limits on repeated requests: clear 429 pages, and nothing recorded past them."""

import pytest
from django.urls import reverse

from quizbank.models import Annotation
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_answer_note_flag_posts_are_rate_limited_per_learner(learner_client, settings):
    settings.ANSWER_RATE = "3/m"
    q = QuestionFactory()
    url = reverse("question-flag", args=[q.external_id])
    codes = [learner_client.post(url, {"flagged": str(i % 2)}).status_code for i in range(4)]
    assert codes[:3] == [302, 302, 302] and codes[3] == 429
    response = learner_client.post(url, {"flagged": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429 and "Too many requests" in response.content.decode()
    assert Annotation.objects.get().flagged is False  # the refused ones changed nothing


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
        for i in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 429


def test_password_reset_is_rate_limited_per_email(client):
    codes = [
        client.post(reverse("account_reset_password"), {"email": "someone@example.com"}).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [302] * 3 and codes[3] == 429
