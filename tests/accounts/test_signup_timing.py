"""Sign-up must not tell, by how long it takes, whether an address is registered
(issue 14, item 6): no e-mail is sent inside the request, and both answers do the
same expensive work, one password hash."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """Counts every hash: the costly step whose presence or absence leaks by timing."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": "a-long-pass-1!", "password2": "a-long-pass-1!"},
    )


@pytest.mark.parametrize("email", ["taken@example.com", "free@example.com"])
def test_both_answers_hash_once_and_send_no_mail_in_the_request(
    client, settings, email, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.com")
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup_timing.CountingHasher"]
    CountingHasher.calls = 0
    with django_capture_on_commit_callbacks() as deferred:
        response = sign_up(client, email)
    assert response.status_code == 302
    assert CountingHasher.calls == 1
    assert mail.outbox == []  # nothing went out while the learner waited...
    for callback in deferred:  # ...one e-mail is handed to Celery after commit
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    assert mail.outbox[0].subject.startswith("[DeepPrep] ")
