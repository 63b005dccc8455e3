"""config.prepared: a queryset compiled once returns what the ORM returns, for
any values, on either database."""

from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from config.prepared import Prepared
from quizbank import services
from quizbank.models import Attempt, SessionItem
from tests.factories import QuestionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db


def _items(*, user_id, session_id, position):
    return SessionItem.objects.select_related("session", "attempt").filter(
        session__user_id=user_id, session_id=session_id, position=position
    )


def _per_day(*, user_id, since, tz):
    return (
        Attempt.objects.filter(user_id=user_id, created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"), question=F("question_id"))
        .order_by("day", "question")
    )


@pytest.fixture
def two_learners():
    questions = [QuestionFactory() for _ in range(3)]
    learners = []
    for _ in range(2):
        user = UserFactory()
        session = services.session_start(user=user, size=3)
        answer(user, session.items.get(position=1), correct=True)
        answer(user, session.items.get(position=2), correct=False)
        learners.append((user, session))
    return questions, learners


def test_model_rows_with_related_objects_match_the_orm_for_each_learner(two_learners):
    _, learners = two_learners
    prepared = Prepared(_items)
    for user, session in learners:
        for position in (1, 2, 3):
            values = {"user_id": user.pk, "session_id": session.pk, "position": position}
            got = prepared.rows(using="default", **values)
            want = list(_items(**values))
            assert [i.pk for i in got] == [i.pk for i in want]
            assert [i.session.pk for i in got] == [i.session.pk for i in want]
            assert [getattr(i, "attempt", None) for i in got] == [
                getattr(i, "attempt", None) for i in want
            ]
            assert [i.choice_order for i in got] == [i.choice_order for i in want]
    # Another learner's session: nothing, as the ORM says.
    (u1, _), (_, s2) = learners
    assert prepared.rows(using="default", user_id=u1.pk, session_id=s2.pk, position=1) == []


def test_values_rows_with_datetimes_and_a_time_zone_shape_match_the_orm(two_learners):
    _, learners = two_learners
    prepared = Prepared(_per_day)
    for user, _ in learners:
        for tz in (ZoneInfo("UTC"), ZoneInfo("Pacific/Kiritimati")):
            for since in (timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)):
                got = prepared.rows(using="default", shape={"tz": tz}, user_id=user.pk, since=since)
                assert got == list(_per_day(user_id=user.pk, since=since, tz=tz))
    assert len(prepared._compiled) == 2  # one per time zone, whatever the values


def test_the_second_call_compiles_nothing(two_learners):
    _, [(user, session), _] = two_learners
    prepared = Prepared(_items)
    prepared.rows(using="default", user_id=user.pk, session_id=session.pk, position=1)
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled")):
        rows = prepared.rows(using="default", user_id=user.pk, session_id=session.pk, position=2)
    assert [i.position for i in rows] == [2]


def test_a_constant_equal_to_a_stand_in_is_refused_not_filled():
    prepared = Prepared(
        lambda *, user_id: SessionItem.objects.filter(session__user_id=user_id, position=32767)
    )
    with pytest.raises(ValueError, match="stand-ins"):
        prepared.rows(using="default", user_id=1)


def test_a_value_the_query_does_not_use_is_refused():
    prepared = Prepared(lambda *, user_id: SessionItem.objects.filter(position=1))
    with pytest.raises(ValueError, match="not a parameter"):
        prepared.rows(using="default", user_id=1)


def test_a_value_out_of_its_columns_range_finds_nothing_as_with_the_orm(two_learners):
    """A small integer column: psycopg would send 65,537 wrapped round to 1."""
    _, [(user, session), _] = two_learners
    prepared = Prepared(_items)
    prepared.rows(using="default", user_id=user.pk, session_id=session.pk, position=1)
    for position in (65_537, 32_768, -65_535):
        assert prepared.rows(
            using="default", user_id=user.pk, session_id=session.pk, position=position
        ) == list(_items(user_id=user.pk, session_id=session.pk, position=position))


def test_a_position_past_the_range_is_a_404_not_the_first_item(two_learners, client):
    _, [(user, session), _] = two_learners
    client.force_login(user)
    assert client.get(f"/sessions/{session.pk}/1/").status_code == 200
    assert client.get(f"/sessions/{session.pk}/65537/").status_code == 404


def test_the_compiled_form_keeps_no_connection():
    prepared = Prepared(_items)
    prepared.rows(using="default", user_id=1, session_id=1, position=1)
    [(_, compiler, _, _)] = prepared._compiled.values()
    assert compiler.connection is None


@pytest.mark.django_db(transaction=True)
def test_select_for_update_outside_a_transaction_is_refused_as_by_the_orm():
    from django.db import connection, transaction
    from django.db.transaction import TransactionManagementError

    user = UserFactory()
    for _ in range(2):
        QuestionFactory()
    services.session_start(user=user, size=2)
    prepared = Prepared(
        lambda *, user_id: SessionItem.objects.select_for_update().filter(session__user_id=user_id)
    )
    with transaction.atomic():
        assert len(prepared.rows(using="default", user_id=user.pk)) == 2
    if not connection.features.has_select_for_update:
        return  # SQLite: no FOR UPDATE, nothing to refuse
    with pytest.raises(TransactionManagementError):
        list(SessionItem.objects.select_for_update().filter(session__user_id=user.pk))
    with pytest.raises(TransactionManagementError):
        prepared.rows(using="default", user_id=user.pk)


def test_a_missing_value_is_left_to_the_orm(two_learners):
    prepared = Prepared(lambda *, choice_id: Attempt.objects.filter(choice_id=choice_id))
    assert prepared.rows(using="default", choice_id=None) == list(
        Attempt.objects.filter(choice_id=None)
    )
