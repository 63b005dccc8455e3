"""Figure questions (issue 18): the loader's rules, the admin's pick and upload,
and the figure on every page that shows a question."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from quizbank import services
from quizbank.bank import BankError, export_bank, load_bank, read_bank
from quizbank.models import PracticeSession, Question
from tests.factories import QuestionFactory, answer
from tests.quizbank.test_bank import make_question, write_bank

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<rect width="10" height="10"/></svg>'
)
ALT = "Training loss falls from 2.3 to 0.4 over 50 epochs, then rises again."


def bank_with_figure(root, **figure):
    (root / "figures").mkdir(parents=True, exist_ok=True)
    (root / "figures" / "curve.svg").write_bytes(SVG)
    return write_bank(
        root, {"1.1": [make_question("q-fig", figure={"file": "curve.svg", "alt": ALT, **figure})]}
    )


def test_a_figure_loads_and_exports_back(tmp_path, db, settings):
    settings.QUESTIONBANK_DIR = tmp_path / "in"
    load_bank(directory=bank_with_figure(tmp_path / "in"))
    question = Question.objects.get()
    assert (question.figure_file, question.figure_alt) == ("curve.svg", ALT)
    export_bank(directory=tmp_path / "out")  # carries its figures along
    assert (tmp_path / "out" / "figures" / "curve.svg").read_bytes() == SVG
    assert read_bank(tmp_path / "out").questions == read_bank(tmp_path / "in").questions


@pytest.mark.parametrize(
    ("figure", "reason"),
    [
        ({"file": "missing.svg"}, "figures/missing.svg does not exist"),
        ({"alt": "A curve."}, "figure alt is under 40 characters"),
        ({"file": "../taxonomy.yaml"}, "figure file must be an .svg name"),
    ],
)
def test_the_loader_refuses_a_missing_file_or_a_short_alt(tmp_path, figure, reason):
    with pytest.raises(BankError) as error:
        read_bank(bank_with_figure(tmp_path, **figure))
    assert any(reason in p for p in error.value.problems), error.value.problems


# Admin ------------------------------------------------------------------------------


def change(admin_client, question, **data):
    url = reverse("admin:quizbank_question_change", args=[question.pk])
    form = admin_client.get(url).context["adminform"].form
    post = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    post |= {
        "tags": "[]",
        "references": "[]",
        "choices-TOTAL_FORMS": 4,
        "choices-INITIAL_FORMS": 4,
        "choices-MIN_NUM_FORMS": 4,
        "choices-MAX_NUM_FORMS": 4,
    }
    for i, c in enumerate(question.choices.all()):
        post |= {
            f"choices-{i}-id": c.pk,
            f"choices-{i}-question": question.pk,
            f"choices-{i}-text": c.text,
            f"choices-{i}-why": c.why,
            f"choices-{i}-misconception": c.misconception,
        }
        if c.correct:
            post[f"choices-{i}-correct"] = "on"
    post |= data
    return admin_client.post(url, post)


@pytest.fixture
def figures_dir(settings, tmp_path):
    settings.QUESTIONBANK_DIR = tmp_path
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "existing-curve.svg").write_bytes(SVG)
    return tmp_path / "figures"


def test_an_editor_picks_a_figure_from_the_bank(admin_client, figures_dir):
    question = QuestionFactory()
    response = change(admin_client, question, figure_file="existing-curve.svg", figure_alt=ALT)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.figure_file == "existing-curve.svg"


def test_an_editor_uploads_a_new_svg(admin_client, figures_dir):
    question = QuestionFactory()
    upload = SimpleUploadedFile("new-plot.svg", SVG, content_type="image/svg+xml")
    response = change(admin_client, question, figure_upload=upload, figure_alt=ALT)
    assert response.status_code == 302
    assert (figures_dir / "new-plot.svg").read_bytes() == SVG
    question.refresh_from_db()
    assert question.figure_file == "new-plot.svg"


@pytest.mark.parametrize(
    ("name", "content", "alt", "message"),
    [
        ("evil.svg", b'<svg onload="alert(1)"></svg>', ALT, "not a plain SVG"),
        ("evil.svg", b"<svg><script>alert(1)</script></svg>", ALT, "not a plain SVG"),
        ("Bad Name.svg", SVG, ALT, "lowercase letters"),
        ("fine.svg", SVG, "short", "at least 40 characters"),
    ],
)
def test_the_admin_refuses_unsafe_files_and_short_alt(
    admin_client, figures_dir, name, content, alt, message
):
    question = QuestionFactory()
    upload = SimpleUploadedFile(name, content, content_type="image/svg+xml")
    response = change(admin_client, question, figure_upload=upload, figure_alt=alt)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not (figures_dir / name).exists()


# Every page that shows a question -------------------------------------------------


@pytest.fixture
def figure_question(db, subsection):
    return QuestionFactory(subsection=subsection, figure_file="example.svg", figure_alt=ALT)


def shows_figure(html: str) -> bool:
    return 'class="q-figure"' in html and ALT in html


@pytest.mark.django_db
def test_the_figure_shows_on_every_page_with_its_alt(learner_client, user, figure_question):
    tutor = services.session_start(user=user, subsection=figure_question.subsection, size=1)
    item_url = reverse("session-item", args=[tutor.pk, 1])
    assert shows_figure(learner_client.get(item_url).content.decode())  # practice
    answer(user, tutor.items.get(), correct=False)
    assert shows_figure(learner_client.get(item_url).content.decode())  # feedback
    detail = reverse("question-detail", args=[figure_question.external_id])
    assert shows_figure(learner_client.get(detail).content.decode())  # question page
    timed = services.session_start(
        user=user, subsection=figure_question.subsection, size=1, mode=PracticeSession.Mode.TIMED
    )
    assert shows_figure(
        learner_client.get(reverse("session-item", args=[timed.pk, 1])).content.decode()
    )
    PracticeSession.objects.filter(pk=timed.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    results = learner_client.get(reverse("session-summary", args=[timed.pk]), follow=True)
    assert shows_figure(results.content.decode())  # results
