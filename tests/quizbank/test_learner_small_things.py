"""Issue 16, item 6: keys, peer shares, misconception sentences, catalogue measures."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from quizbank import analytics, services
from quizbank.selectors import MIN_ANSWERS_FOR_PEER_SHARES
from tests.factories import QuestionFactory, UserFactory, answer, past_attempts

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "practice"}


def test_letters_choose_like_numbers_and_the_hints_say_so(learner_client, user, subsection):
    QuestionFactory(subsection=subsection)
    session = services.session_start(user=user, subsection=subsection, size=1)
    page = learner_client.get(reverse("session-item", args=[session.pk, 1])).content.decode()
    hint = re.search(r'<span class="hint">(.*?)</span>', page).group(1)
    assert "<kbd>A</kbd>–<kbd>D</kbd> choose" in hint and "<kbd>I</kbd> don't know" in hint
    js = (Path(settings.BASE_DIR) / "static/js/app.js").read_text()
    assert '"abcd".indexOf(key.toLowerCase())' in js
    assert 'key === "i" || key === "I"' in js  # "I don't know": D now chooses option D
    assert 'key === "d"' not in js


def _answered_feedback(client, user, question, peers: int) -> str:
    for _ in range(peers):
        past_attempts(UserFactory(), [question], 1)
    session = services.session_create(user=user, question_ids=[question.pk], title="t")
    answer(user, session.items.get(), correct=True)
    return client.get(reverse("session-item", args=[session.pk, 1])).content.decode()


def test_peer_shares_wait_for_enough_answers(learner_client, user, subsection):
    few = QuestionFactory(subsection=subsection)
    page = _answered_feedback(learner_client, user, few, MIN_ANSWERS_FOR_PEER_SHARES - 2)
    assert "chose this" not in page and "were right" not in page
    detail = learner_client.get(reverse("question-detail", args=[few.external_id]))
    assert "chose this" not in detail.content.decode()
    many = QuestionFactory(subsection=subsection)
    page = _answered_feedback(learner_client, user, many, MIN_ANSWERS_FOR_PEER_SHARES - 1)
    assert f"of {MIN_ANSWERS_FOR_PEER_SHARES} answers to this question were right" in page
    assert "chose this" in page


def test_misconceptions_read_as_sentences_linking_the_stem(learner_client, user, subsection):
    q = QuestionFactory(subsection=subsection, stem="Why does $x^2$ grow? Say it.")
    session = services.session_create(user=user, question_ids=[q.pk], title="t")
    answer(user, session.items.get(), correct=False)  # position 1: misconception mistake-1
    top = analytics.misconceptions(user=user)
    assert top[0]["questions"] == [(q.external_id, q.stem_snippet)]
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "You answered once as if <strong>“mistake 1”</strong>" in page
    link = re.search(rf'<a href="/questions/{q.external_id}/">(.*?)</a>', page, re.S).group(1)
    assert "<math" in link and q.external_id not in link


def test_catalogue_bar_and_label_measure_what_the_dashboard_does(learner_client, user, questions):
    past_attempts(user, questions[:2], 6)  # 6 answers over 2 questions, 2 of them wrong
    overview = analytics.overview(user=user)
    page = learner_client.get(reverse("catalogue")).content.decode()
    section_label = (
        f"{overview.seen} of 5 seen · {overview.accuracy}% of {overview.attempts} answers right"
    )
    assert section_label in page
    assert 'value="2" max="5" aria-label="' in page and ": 2 of 5 seen" in page
    assert f"2 of 5 seen · {overview.accuracy}% right" in page
