"""Issue 16, item 7: /search/ and My notes, scoped to the learner, on both databases."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizbank import search, services
from quizbank.models import PracticeSession, Question
from tests.factories import QuestionFactory, SectionFactory, SubsectionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is Postgres"
)


@pytest.fixture
def bank(db):
    cnn = SubsectionFactory(section=SectionFactory(number="3", slug="cnns"))
    rnn = SubsectionFactory(section=SectionFactory(number="4", slug="rnns"))
    return {
        "vanish": QuestionFactory(
            subsection=rnn,
            stem="Why do gradients vanish in a plain RNN over long sequences?",
            tags=["vanishing-gradients", "rnn"],
            difficulty="hard",
        ),
        "pool": QuestionFactory(
            subsection=cnn,
            stem="What does max pooling do to a feature map?",
            explanation="Pooling keeps the strongest response; **vanishing** is unrelated.",
            tags=["pooling"],
        ),
        "lstm": QuestionFactory(
            subsection=rnn,
            stem="Which gate lets an LSTM keep its cell state?",
            choices=["The forget gate", "The output gate", "The input gate", "A residual"],
            tags=["lstm"],
        ),
    }


def ids(response) -> list[str]:
    return [h.question.external_id for h in response.context["hits"]]


def test_search_finds_stems_choices_explanations_and_tags(learner_client, bank):
    get = lambda q: ids(learner_client.get(reverse("search"), {"q": q}))  # noqa: E731
    if connection.vendor == "postgresql":  # ranked; SQLite keeps syllabus order
        assert get("vanish")[0] == bank["vanish"].external_id
    assert set(get("vanish")) == {bank["vanish"].external_id, bank["pool"].external_id}
    assert get("forget gate") == [bank["lstm"].external_id]  # a choice's text
    assert get("pooling") == [bank["pool"].external_id]  # tag and stem
    assert get("nothing-like-this") == []


def test_search_snippets_are_escaped_and_highlighted(learner_client, bank, subsection):
    QuestionFactory(subsection=subsection, stem="Is <script>alert(1)</script> a pooling trick?")
    page = learner_client.get(reverse("search"), {"q": "pooling"}).content.decode()
    assert "<mark>" in page.lower()
    assert "<script>alert(1)" not in page


@postgres_only
def test_websearch_syntax_and_ranking(learner_client, bank):
    get = lambda q: ids(learner_client.get(reverse("search"), {"q": q}))  # noqa: E731
    assert get('"max pooling"') == [bank["pool"].external_id]
    assert get("vanish -pooling") == [bank["vanish"].external_id]
    assert set(get("lstm or pooling")) == {bank["lstm"].external_id, bank["pool"].external_id}


@postgres_only
def test_the_gin_index_serves_the_query(user, bank):
    """Migration 0007's index serves the search's match on the stored vector."""
    query = SearchQuery("vanish", config=search.CONFIG, search_type="websearch")
    qs = Question.objects.filter(search_vector=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the
        cursor.execute("SET LOCAL enable_indexscan = off")  # planner show the GIN path
        sql, params = qs.values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "quizbank_question_search_gin" in plan, plan


def test_filters_by_section_difficulty_and_my_status(learner_client, user, bank):
    session = services.session_create(user=user, question_ids=[bank["vanish"].pk], title="t")
    answer(user, session.items.get(), correct=False)
    services.annotation_save(user=user, question=bank["pool"], flagged=True)
    services.annotation_save(user=user, question=bank["lstm"], note="forget gate = keep")
    other = UserFactory()  # another learner's flags and notes never leak in
    services.annotation_save(user=other, question=bank["vanish"], flagged=True, note="x")

    def get(**params):
        return set(ids(learner_client.get(reverse("search"), params)))

    assert get(section="rnns") == {bank["vanish"].external_id, bank["lstm"].external_id}
    assert get(difficulty="hard") == {bank["vanish"].external_id}
    assert get(status="missed") == {bank["vanish"].external_id}
    assert get(status="flagged") == {bank["pool"].external_id}
    assert get(status="noted") == {bank["lstm"].external_id}
    assert get(status="unseen") == {bank["pool"].external_id, bank["lstm"].external_id}
    assert get(q="gate", status="noted") == {bank["lstm"].external_id}


def test_bad_filters_are_a_form_error_not_a_500(learner_client, bank):
    response = learner_client.get(reverse("search"), {"q": "x", "status": "nope", "section": "zz"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert learner_client.get(reverse("search"), {"q": "x" * 300}).status_code == 400
    assert learner_client.get(reverse("search")).status_code == 200  # an empty form


def test_practise_these_starts_a_session_over_the_results(learner_client, user, bank):
    response = learner_client.post(
        reverse("search-practise"), {"q": "", "section": "rnns", "size": "5"}
    )
    session = PracticeSession.objects.get(user=user)
    assert response.url == reverse("session-item", args=[session.pk, 1])
    assert set(session.items.values_list("question__external_id", flat=True)) == {
        bank["vanish"].external_id,
        bank["lstm"].external_id,
    }
    empty = learner_client.post(reverse("search-practise"), {"q": "no-such-words"}, follow=True)
    assert "No questions match" in empty.content.decode()
    assert PracticeSession.objects.count() == 1


def test_tags_link_to_their_search(learner_client, user, bank):
    question = bank["vanish"]
    session = services.session_create(user=user, question_ids=[question.pk], title="t")
    answer(user, session.items.get(), correct=True)
    for url in [
        reverse("session-item", args=[session.pk, 1]),
        reverse("question-detail", args=[question.external_id]),
    ]:
        page = learner_client.get(url).content.decode()
        assert 'href="/search/?q=vanishing-gradients"' in page, url
    found = ids(learner_client.get(reverse("search"), {"q": "vanishing-gradients"}))
    assert found[0] == question.external_id


def test_notes_page_lists_every_note_with_its_question(learner_client, user, bank):
    services.annotation_save(user=user, question=bank["lstm"], note="Forget gate <keeps> state")
    services.annotation_save(user=user, question=bank["pool"], flagged=True)  # no note
    services.annotation_save(user=UserFactory(), question=bank["vanish"], note="not mine")
    page = learner_client.get(reverse("notes")).content.decode()
    assert "Forget gate &lt;keeps&gt; state" in page
    assert bank["lstm"].stem_snippet in page and "not mine" not in page
    assert bank["pool"].stem_snippet not in page
    assert 'href="/notes/"' in page and 'href="/search/"' in page  # in the navigation


def test_search_and_notes_need_login(client):
    for url in [reverse("search"), reverse("notes")]:
        assert "/accounts/login/" in client.get(url).url
    assert "/accounts/login/" in client.post(reverse("search-practise")).url


def test_search_follows_edits_to_stems_and_choices(learner_client, bank):
    choice = bank["lstm"].choices.get(position=3)
    choice.text = "A peephole connection"
    choice.save()
    assert "peephole" in Question.objects.get(pk=bank["lstm"].pk).search_document
    assert ids(learner_client.get(reverse("search"), {"q": "peephole"})) == [
        bank["lstm"].external_id
    ]
    question = Question.objects.get(pk=bank["pool"].pk)
    question.stem = "What does average pooling compute over a window?"
    question.save()
    assert ids(learner_client.get(reverse("search"), {"q": "average window"})) == [
        question.external_id
    ]


def test_pages_of_results_keep_the_words_and_filters(learner_client, subsection):
    for _ in range(21):
        QuestionFactory(subsection=subsection)  # "… what does $x^2$ differentiate to?"
    first = learner_client.get(reverse("search"), {"q": "differentiate", "difficulty": "medium"})
    assert len(first.context["hits"]) == 20
    assert 'href="?q=differentiate&amp;difficulty=medium&amp;page=2"' in first.content.decode()
    second = learner_client.get(
        reverse("search"), {"q": "differentiate", "difficulty": "medium", "page": "2"}
    )
    assert len(second.context["hits"]) == 1


@given(
    q=st.text(max_size=250),
    section=st.sampled_from(["", "rnns", "nope", "\x00"]),
    status=st.text(max_size=10),
    page=st.text(max_size=8),
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_search_input_is_a_page_or_a_form_error(learner_client, bank, q, section, status, page):
    """websearch_to_tsquery takes any text; forms reject the rest; never a 500."""
    params = {"q": q, "section": section, "status": status, "page": page}
    response = learner_client.get(reverse("search"), params)
    assert response.status_code in (200, 400)
    practise = learner_client.post(reverse("search-practise"), params)
    assert practise.status_code in (302, 400, 429)
