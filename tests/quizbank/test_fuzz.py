"""Random and malformed input to every form and htmx endpoint: never a 500, and
the learner's earlier answers and sessions stay exactly as they were."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank import services
from quizbank.models import Attempt, PracticeSession, SessionItem
from tests.factories import PASSWORD, QuestionFactory, SubsectionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db

FIELDS = [
    "choice",
    "dont_know",
    "confidence",
    "go",
    "marked",
    "flagged",
    "note",
    "reason",
    "size",
    "difficulties",
    "pool",
    "mode",
    "sections",
    "subsections",
    "subsection",
    "display_name",
    "timezone",
    "csrfmiddlewaretoken",
    "next",
]
values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e9",
            "NaN",
            "null",
            "[]",
            "{}",
            "\x00",
            "é" * 50,
            "<script>",
            "../../etc/passwd",
            "9" * 40,
            "true",
            "on",
            "finish",
        ]
    ),
)
payloads = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=10)),
    st.one_of(values, st.lists(values, max_size=4)),
    max_size=8,
)


@pytest.fixture
def world(db, settings):
    settings.ANSWER_RATE = "100000/m"
    sub = SubsectionFactory()
    questions = [QuestionFactory(subsection=sub) for _ in range(4)]
    user = UserFactory()
    earlier = services.session_start(user=user, subsection=sub, size=2)
    answer(user, earlier.items.get(position=1), correct=True)
    answer(user, earlier.items.get(position=2), correct=False)
    # A finished timed test: its results must stand too.
    ended = services.session_start(user=user, subsection=sub, size=2, mode="timed")
    first = ended.items.get(position=1)
    services.timed_respond(
        user=user,
        session_id=ended.pk,
        item=first,
        choice_id=first.choice_order[0],
        marked=False,
        staying=True,
    )
    services.timed_finish(user=user, session_id=ended.pk)
    tutor = services.session_start(user=user, subsection=sub, size=2)
    timed = services.session_start(user=user, subsection=sub, size=2, mode="timed")
    q = questions[0].external_id
    urls = [
        reverse("practice-subsection", args=[sub.section.slug, sub.slug]),
        reverse("custom-test"),
        reverse("session-answer", args=[tutor.pk, 1]),
        reverse("session-answer", args=[timed.pk, 1]),
        reverse("session-finish", args=[tutor.pk]),
        reverse("pool-start", args=["missed"]),
        reverse("pool-start", args=["flagged"]),
        reverse("question-flag", args=[q]),
        reverse("question-note", args=[q]),
        reverse("question-report", args=[q]),
        reverse("profile"),
        # The session whose answers must not change is a target too.
        reverse("session-answer", args=[earlier.pk, 1]),
        reverse("session-answer", args=[earlier.pk, 2]),
        reverse("session-finish", args=[earlier.pk]),
        reverse("session-answer", args=[ended.pk, 1]),
        reverse("session-answer", args=[ended.pk, 2]),
        reverse("session-finish", args=[ended.pk]),
    ]
    # Real option ids (of every question) so that some posts reach the answer code.
    choices = [str(pk) for q in questions for pk in q.choices.values_list("pk", flat=True)]
    return user, (earlier, ended), urls, choices


def snapshot(session):
    attempts = list(
        Attempt.objects.filter(item__session=session)
        .order_by("pk")
        .values_list("pk", "choice_id", "correct", "time_taken_ms", "created_at")
    )
    items = list(
        SessionItem.objects.filter(session=session)
        .order_by("pk")
        .values_list("pk", "question_id", "choice_order")
    )
    row = (
        PracticeSession.objects.filter(pk=session.pk)
        .values_list("size", "finished_at", "title")
        .get()
    )
    return attempts, items, row


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=payloads,
    index=st.integers(min_value=0, max_value=16),
    real_choice=st.none() | st.integers(min_value=0, max_value=15),
    htmx=st.booleans(),
    target=st.sampled_from(["practice", "match-count", "report", "", "x" * 20]),
)
def test_random_posts_never_500_and_never_touch_earlier_answers(
    client, world, data, index, real_choice, htmx, target
):
    user, earlier, urls, choices = world
    if real_choice is not None:
        data = {**data, "choice": choices[real_choice]}
    client.force_login(user)
    before = [snapshot(session) for session in earlier]
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target} if htmx else {}
    response = client.post(urls[index], data, **headers)
    assert response.status_code < 500, (urls[index], data, response.status_code)
    assert [snapshot(session) for session in earlier] == before


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=payloads)
def test_random_queries_to_the_builder_and_pages_never_500(client, world, data):
    user, _, _, _ = world
    client.force_login(user)
    for url in (
        reverse("custom-test"),
        reverse("history"),
        reverse("missed"),
        reverse("flagged"),
        reverse("dashboard"),
    ):
        response = client.get(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="match-count")
        assert response.status_code < 500, (url, data)


# Valid fields for each account form, which the fuzz merges into its random ones, so
# that the code behind a successful submission is fuzzed too.
VALID = {
    "account_login": {"login": "fuzz@example.com", "password": PASSWORD},
    "account_signup": {
        "email": "new-fuzz@example.com",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    },
    "account_reset_password": {"email": "fuzz@example.com"},
}


def test_random_account_forms_never_500(db):
    UserFactory(email="fuzz@example.com")
    accepted = set()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=payloads, which=st.sampled_from(sorted(VALID)), valid=st.booleans())
    def fuzz(data, which, valid):
        cache.clear()  # rate limits would otherwise answer 429 after a few examples
        if valid:
            data = {**data, **VALID[which]}
        response = Client().post(reverse(which), data)
        assert response.status_code < 500, (which, data)
        if valid and response.status_code == 302:
            accepted.add(which)

    fuzz()
    assert accepted == set(VALID)  # every form was fuzzed past its validation
