"""The YAML bank: loading, refusing bad files, idempotence, retiring, export."""

import copy
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from quizbank.bank import (
    BankError,
    apply_plan,
    export_bank,
    export_files,
    load_bank,
    plan_bank,
    read_bank,
)
from quizbank.models import Attempt, Choice, Question
from tests.factories import UserFactory

TAXONOMY = {
    "sections": [
        {
            "number": "1",
            "slug": "fundamentals",
            "title": "Fundamentals",
            "band": "easy-medium",
            "subsections": [
                {
                    "number": "1.1",
                    "slug": "intro",
                    "title": "Intro",
                    "summary": "S.",
                    "floor": 1,
                    "target": 2,
                },
                {
                    "number": "1.2",
                    "slug": "perceptron",
                    "title": "Perceptron",
                    "summary": "P.",
                    "floor": 1,
                    "target": 2,
                },
            ],
        }
    ]
}


def make_question(qid: str, **overrides) -> dict:
    question = {
        "id": qid,
        "difficulty": "easy",
        "stem": f"Stem of {qid} with $a^2$ maths.\n",
        "choices": [
            {"text": "Right", "correct": True, "why": "Because.\n"},
            {"text": "Wrong one", "why": "No.\n", "misconception": "belief-one"},
            {"text": "Wrong two", "why": "No.\n", "misconception": "belief-two"},
            {"text": "Wrong three", "why": "No.\n"},
        ],
        "explanation": "An explanation.\n",
        "tags": ["t"],
    }
    question.update(overrides)
    return question


def write_bank(root: Path, files: dict[str, list[dict]]) -> Path:
    (root / "taxonomy.yaml").write_text(yaml.safe_dump(TAXONOMY))
    for number, questions in files.items():
        slug = {"1.1": "intro", "1.2": "perceptron"}.get(number, "x")
        path = root / "1-fundamentals" / f"{number}-{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({"subsection": number, "questions": questions}))
    return root


@pytest.fixture
def bank_dir(tmp_path):
    (tmp_path / "bank").mkdir()
    return write_bank(
        tmp_path / "bank",
        {"1.1": [make_question("q-a"), make_question("q-b")], "1.2": [make_question("q-c")]},
    )


@pytest.mark.django_db
def test_load_creates_everything_and_renders_markdown(bank_dir):
    report = load_bank(directory=bank_dir)
    assert (report.created, report.updated, report.unchanged, report.retired) == (3, 0, 0, 0)
    question = Question.objects.get(external_id="q-a")
    assert "<math" in question.stem_html
    assert question.choices.count() == 4
    assert question.choices.get(correct=True).text == "Right"
    assert question.subsection.number == "1.1"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(bank_dir):
    load_bank(directory=bank_dir)
    stamps = dict(Question.objects.values_list("external_id", "updated_at"))
    report = load_bank(directory=bank_dir)
    assert report.changes == 0 and report.unchanged == 3
    assert dict(Question.objects.values_list("external_id", "updated_at")) == stamps


@pytest.mark.django_db
def test_command_reports_counts(bank_dir, capsys):
    call_command("load_questionbank", str(bank_dir))
    call_command("load_questionbank", str(bank_dir))
    out = capsys.readouterr().out.splitlines()
    assert "created 3, updated 0, unchanged 0, retired 0" in out[0]
    assert "created 0, updated 0, unchanged 3, retired 0" in out[1]


@pytest.mark.django_db
def test_edit_updates_in_place_and_keeps_history(bank_dir, tmp_path):
    load_bank(directory=bank_dir)
    user = UserFactory()
    question = Question.objects.get(external_id="q-a")
    key = question.choices.get(correct=True)
    Attempt.objects.create(user=user, question=question, choice=key, correct=True)
    edited = make_question("q-a", stem="A better stem.\n", difficulty="hard")
    edited["choices"][0]["text"] = "Right, reworded"
    write_bank(bank_dir, {"1.1": [edited, make_question("q-b")], "1.2": [make_question("q-c")]})

    report = load_bank(directory=bank_dir)

    assert (report.updated, report.unchanged) == (1, 2)
    question.refresh_from_db()
    assert question.stem == "A better stem.\n" and question.difficulty == "hard"
    assert question.choices.get(correct=True).pk == key.pk  # same row: history intact
    assert Attempt.objects.filter(question=question).count() == 1


@pytest.mark.django_db
def test_moving_the_key_to_another_choice(bank_dir):
    load_bank(directory=bank_dir)
    moved = make_question("q-a")
    moved["choices"][0].pop("correct")
    moved["choices"][2]["correct"] = True
    write_bank(bank_dir, {"1.1": [moved, make_question("q-b")], "1.2": [make_question("q-c")]})
    load_bank(directory=bank_dir)
    assert Question.objects.get(external_id="q-a").choices.get(correct=True).position == 2


@pytest.mark.django_db
def test_removed_question_is_retired_not_deleted(bank_dir):
    load_bank(directory=bank_dir)
    user = UserFactory()
    gone = Question.objects.get(external_id="q-c")
    Attempt.objects.create(user=user, question=gone, choice=gone.choices.first(), correct=False)
    write_bank(bank_dir, {"1.1": [make_question("q-a"), make_question("q-b")], "1.2": []})

    report = load_bank(directory=bank_dir)

    assert report.retired == 1
    gone.refresh_from_db()
    assert gone.status == Question.Status.RETIRED
    assert Attempt.objects.filter(question=gone).exists()
    assert not Question.objects.published().filter(pk=gone.pk).exists()
    # Putting it back restores it.
    write_bank(
        bank_dir,
        {"1.1": [make_question("q-a"), make_question("q-b")], "1.2": [make_question("q-c")]},
    )
    assert load_bank(directory=bank_dir).restored == 1


@pytest.mark.django_db
def test_the_plan_says_what_a_load_will_do_and_writes_nothing(bank_dir):
    load_bank(directory=bank_dir)
    Question.objects.filter(external_id="q-b").update(status=Question.Status.RETIRED)
    (bank_dir / "1-fundamentals" / "1.2-perceptron.yaml").unlink()  # q-c's file
    write_bank(
        bank_dir,
        {"1.1": [make_question("q-a", stem="New.\n"), make_question("q-b"), make_question("q-d")]},
    )
    bank = read_bank(bank_dir)
    whole = plan_bank(bank, whole=True)
    assert (whole.created, whole.updated) == (["q-d"], [("q-a", ["stem"])])
    assert (whole.restored, whole.retired, whole.unchanged) == (["q-b"], ["q-c"], [])
    assert str(whole.report) == "created 1, updated 1, unchanged 0, retired 1, restored 1"
    merge = plan_bank(bank)  # one file merged onto the bank: nothing retired
    assert merge.retired == [] and merge.sections is None
    assert not Question.objects.filter(external_id="q-d").exists()  # planning wrote nothing

    assert str(apply_plan(whole)) == str(whole.report)
    assert plan_bank(read_bank(bank_dir), whole=True).report.changes == 0
    assert Question.objects.get(external_id="q-c").status == Question.Status.RETIRED


@pytest.mark.django_db
def test_export_files_are_what_export_bank_writes(bank_dir, tmp_path):
    load_bank(directory=bank_dir)
    out = tmp_path / "exported"
    export_bank(directory=out)
    files = export_files()
    assert [str(f.path) for f in files] == [
        "taxonomy.yaml",
        "1-fundamentals/1.1-intro.yaml",
        "1-fundamentals/1.2-perceptron.yaml",
    ]
    for file in files:
        assert (out / file.path).read_text(encoding="utf-8") == file.text


BAD_CASES = {
    "three choices": (lambda q: q["choices"].pop(), "has 3 choices"),
    "two keys": (lambda q: q["choices"][1].update(correct=True), "has 2 correct choices"),
    "no key": (lambda q: q["choices"][0].pop("correct"), "has 0 correct choices"),
    "same text": (lambda q: q["choices"][1].update(text="right"), "same text"),
    "empty why": (lambda q: q["choices"][2].update(why=" "), "no 'why'"),
    "empty stem": (lambda q: q.update(stem=""), "stem is empty"),
    "empty explanation": (lambda q: q.update(explanation=None), "explanation is empty"),
    "bad difficulty": (lambda q: q.update(difficulty="brutal"), "difficulty must be"),
    "bad id": (lambda q: q.update(id="Bad_ID"), "id must be lowercase"),
    "unknown key": (lambda q: q.update(explantion="typo"), "unknown keys"),
    "control character": (lambda q: q.update(stem="$\x07lpha$"), "control character"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_question_is_refused_with_file_id_and_reason(bank_dir, case):
    load_bank(directory=bank_dir)
    before = list(Question.objects.values_list("external_id", "stem", "status"))
    spoil, reason = BAD_CASES[case]
    bad = copy.deepcopy(make_question("q-b"))
    spoil(bad)
    write_bank(
        bank_dir,
        {"1.1": [make_question("q-a", stem="Changed.\n"), bad], "1.2": [make_question("q-c")]},
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("load_questionbank", str(bank_dir))

    message = str(excinfo.value)
    assert "1-fundamentals/1.1-intro.yaml" in message
    assert f"question {bad['id']}" in message
    assert reason in message
    # All or nothing: the valid edit in the same run was not applied either.
    assert list(Question.objects.values_list("external_id", "stem", "status")) == before


def test_unknown_subsection_and_duplicate_ids_are_refused(tmp_path):
    write_bank(tmp_path, {"1.1": [make_question("q-a")], "1.2": [make_question("q-a")]})
    (tmp_path / "1-fundamentals" / "7.7-x.yaml").write_text(
        yaml.safe_dump({"subsection": "7.7", "questions": [make_question("q-z")]})
    )
    with pytest.raises(BankError) as excinfo:
        read_bank(tmp_path)
    problems = "\n".join(excinfo.value.problems)
    assert "subsection '7.7' is not in taxonomy.yaml" in problems
    assert "question q-a: id also used in 1-fundamentals/1.1-intro.yaml" in problems


def test_invalid_yaml_is_refused(tmp_path):
    write_bank(tmp_path, {"1.1": [make_question("q-a")]})
    (tmp_path / "1-fundamentals" / "1.2-perceptron.yaml").write_text("questions: [unclosed\n")
    with pytest.raises(BankError, match=r"1\.2-perceptron\.yaml: not valid YAML"):
        read_bank(tmp_path)


@pytest.mark.django_db
def test_export_round_trips(bank_dir, tmp_path):
    load_bank(directory=bank_dir)
    out = tmp_path / "exported"
    counts = export_bank(directory=out)
    assert sum(counts.values()) == 3
    original = read_bank(bank_dir)
    exported = read_bank(out)
    assert exported.questions == original.questions
    # ... and loading the export back is a no-op.
    assert load_bank(directory=out).changes == 0


@pytest.mark.django_db
def test_export_reflects_admin_edits_and_drops_retired(bank_dir, tmp_path):
    load_bank(directory=bank_dir)
    Question.objects.filter(external_id="q-c").update(status=Question.Status.RETIRED)
    choice = Choice.objects.get(question__external_id="q-a", position=1)
    choice.text = "Edited in admin"
    choice.save()
    out = tmp_path / "exported"
    export_bank(directory=out)
    data = yaml.safe_load((out / "1-fundamentals" / "1.1-intro.yaml").read_text())
    assert data["questions"][0]["choices"][1]["text"] == "Edited in admin"
    assert not (out / "1-fundamentals" / "1.2-perceptron.yaml").exists()
