"""Bulk work: retire, restore, move, export; import with a diff before applying."""

import html
import io
import zipfile

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizbank.models import Question
from tests.factories import QuestionFactory, SubsectionFactory

pytestmark = pytest.mark.django_db

LIST = "admin:quizbank_question_changelist"
IMPORT = "admin:quizbank_question_import"


def act(client, action, questions, **extra):
    return client.post(
        reverse(LIST),
        {"action": action, "_selected_action": [q.pk for q in questions], **extra},
    )


def test_retire_and_restore(editor_client):
    kept, *chosen = [QuestionFactory() for _ in range(3)]
    assert act(editor_client, "retire", chosen).status_code == 302
    assert list(Question.objects.published()) == [kept]
    act(editor_client, "restore", chosen)
    assert Question.objects.published().count() == 3


def test_move_to_another_subsection_after_its_questions(editor_client):
    target = SubsectionFactory()
    already = QuestionFactory(subsection=target, position=4)
    moving = [QuestionFactory(position=i) for i in range(2)]
    ask = act(editor_client, "move", moving)
    assert ask.status_code == 200 and b"Move to subsection" in ask.content
    done = act(editor_client, "move", moving, apply="1", subsection=target.pk)
    assert done.status_code == 302
    assert list(target.questions.order_by("position").values_list("pk", "position")) == [
        (already.pk, 4),
        (moving[0].pk, 5),
        (moving[1].pk, 6),
    ]
    assert moving[0].history.latest().subsection_id == target.pk


def test_move_to_an_unknown_subsection_is_refused(editor_client):
    question = QuestionFactory()
    response = act(editor_client, "move", [question], apply="1", subsection=999999)
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert Question.objects.get(pk=question.pk).subsection_id == question.subsection_id


def test_export_one_subsection_as_a_bank_file(editor_client):
    subsection = SubsectionFactory()
    questions = [QuestionFactory(subsection=subsection, position=i) for i in range(2)]
    response = act(editor_client, "export_yaml", questions)
    assert response["Content-Type"].startswith("application/yaml")
    data = yaml.safe_load(response.content)
    assert data["subsection"] == subsection.number
    assert [q["id"] for q in data["questions"]] == [q.external_id for q in questions]
    assert data["questions"][0]["choices"][0] == {
        "text": "$2x$",
        "correct": True,
        "why": "Why option 0 is right.",
    }


def test_export_across_subsections_is_a_zip_in_the_bank_layout(editor_client):
    questions = [QuestionFactory(), QuestionFactory()]
    response = act(editor_client, "export_yaml", questions)
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "taxonomy.yaml" in names and len(names) == 3


# Import ---------------------------------------------------------------------------


def bank_file(subsection, questions) -> SimpleUploadedFile:
    body = {"subsection": subsection.number, "questions": questions}
    return SimpleUploadedFile("upload.yaml", yaml.safe_dump(body, allow_unicode=True).encode())


def raw_question(qid, stem="What is 2+2?", key=0, texts=("4", "3", "5", "22")):
    return {
        "id": qid,
        "difficulty": "easy",
        "stem": stem,
        "choices": [
            {"text": t, "why": f"Because {t}.", **({"correct": True} if i == key else {})}
            for i, t in enumerate(texts)
        ],
        "explanation": "Arithmetic.",
        "tags": ["maths"],
    }


@pytest.fixture
def subsection_with_questions():
    subsection = SubsectionFactory()
    unchanged = QuestionFactory(subsection=subsection, external_id="same", position=0)
    changed = QuestionFactory(subsection=subsection, external_id="edited", position=1)
    untouched = QuestionFactory(subsection=subsection, external_id="not-in-file", position=2)
    return subsection, unchanged, changed, untouched


def _as_raw(question):
    from quizbank.bank import question_as_yaml

    return question_as_yaml(question)


def test_import_shows_the_diff_then_applies_it(editor_client, subsection_with_questions):
    subsection, unchanged, changed, untouched = subsection_with_questions
    edited = _as_raw(changed) | {"stem": "A better stem."}
    upload = bank_file(subsection, [_as_raw(unchanged), edited, raw_question("brand-new")])

    page = editor_client.post(reverse(IMPORT), {"file": upload})
    assert page.status_code == 200
    plan = page.context["plan"]
    assert plan.created == ["brand-new"]
    assert plan.updated == [("edited", ["stem"])]
    assert plan.unchanged == ["same"]
    assert "created 1, updated 1, unchanged 1" in page.content.decode()
    assert not Question.objects.filter(external_id="brand-new").exists()  # not yet

    content = page.context["form"].initial["content"]
    done = editor_client.post(reverse(IMPORT), {"content": content, "apply": "1"})
    assert done.status_code == 302
    assert Question.objects.get(external_id="brand-new").choices.get(correct=True).text == "4"
    assert Question.objects.get(external_id="edited").stem == "A better stem."
    untouched.refresh_from_db()
    assert untouched.status == Question.Status.PUBLISHED  # an import retires nothing
    assert Question.objects.get(external_id="brand-new").history.exists()


def test_an_import_with_one_bad_question_changes_nothing_and_says_why(
    editor_client, subsection_with_questions
):
    subsection, _, changed, _ = subsection_with_questions
    bad = raw_question("two-keys")
    bad["choices"][1]["correct"] = True
    good_edit = _as_raw(changed) | {"stem": "Changed."}
    before = list(Question.objects.order_by("pk").values_list("external_id", "stem"))

    page = editor_client.post(
        reverse(IMPORT), {"file": bank_file(subsection, [good_edit, raw_question("new-1"), bad])}
    )
    assert page.status_code == 400
    assert (
        "upload.yaml: question two-keys: has 2 correct choices; it needs exactly one"
        in page.content.decode()
    )
    assert "Nothing was imported" in page.content.decode()
    # Applying the same content directly is refused the same way.
    content = yaml.safe_dump(
        {"subsection": subsection.number, "questions": [good_edit, raw_question("new-1"), bad]}
    )
    again = editor_client.post(reverse(IMPORT), {"content": content, "apply": "1"})
    assert again.status_code == 400
    assert list(Question.objects.order_by("pk").values_list("external_id", "stem")) == before


def test_an_import_may_name_a_figure_of_the_bank(editor_client, settings, tmp_path):
    """The upload is checked against the bank's figures folder (where the admin
    saves uploaded SVGs), not against an empty scratch folder."""
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "curve.svg").write_text("<svg></svg>")
    settings.QUESTIONBANK_DIR = tmp_path
    subsection = SubsectionFactory()
    alt = "A curve that falls steeply and then flattens out as training goes on."
    drawn = raw_question("with-figure") | {"figure": {"file": "curve.svg", "alt": alt}}
    missing = raw_question("no-such-figure") | {"figure": {"file": "gone.svg", "alt": alt}}

    page = editor_client.post(reverse(IMPORT), {"file": bank_file(subsection, [drawn])})
    assert page.status_code == 200 and page.context["plan"].created == ["with-figure"]
    refused = editor_client.post(reverse(IMPORT), {"file": bank_file(subsection, [missing])})
    assert refused.status_code == 400
    assert "figure file figures/gone.svg does not exist" in refused.content.decode()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"subsection: '99.99'\nquestions: []\n", "subsection '99.99' is not in"),
        (b"\xff\xfe not text", "not valid YAML"),
        (b"- just\n- a list\n", "must be a mapping"),
    ],
)
def test_an_unreadable_import_says_why(editor_client, payload, message):
    SubsectionFactory()
    upload = SimpleUploadedFile("x.yaml", payload)
    page = editor_client.post(reverse(IMPORT), {"file": upload})
    assert page.status_code == 400 and message in html.unescape(page.content.decode())


def test_an_import_before_the_bank_is_loaded_says_so(editor_client):
    page = editor_client.post(reverse(IMPORT), {"file": SimpleUploadedFile("x.yaml", b"a: 1")})
    assert page.status_code == 400 and b"no sections yet" in page.content


def test_an_import_without_a_file_is_a_clear_400(editor_client):
    page = editor_client.post(reverse(IMPORT), {})
    assert page.status_code == 400 and b"Choose a YAML file to import." in page.content


def test_the_import_diff_costs_a_fixed_number_of_queries(
    editor_client, subsection_with_questions, django_assert_num_queries
):
    subsection, unchanged, changed, _ = subsection_with_questions
    more = [QuestionFactory(subsection=subsection) for _ in range(10)]
    upload = bank_file(subsection, [_as_raw(q) for q in [unchanged, changed, *more]])
    with django_assert_num_queries(7):  # session, user, 2 permissions, subsections, plan 2
        assert editor_client.post(reverse(IMPORT), {"file": upload}).status_code == 200
