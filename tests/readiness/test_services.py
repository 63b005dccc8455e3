"""The forecast and plan as the site computes and shows them."""

import math
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from quizbank import services as quizbank_services
from quizbank.models import Attempt, PracticeSession, Question
from readiness import services
from readiness.models import Forecast, Goal, Mock, Plan
from tests.factories import QuestionFactory, SubsectionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db
DECAY = 0.1542
FACTOR = 0.9 ** (-1 / DECAY) - 1


@pytest.fixture
def bank(db):
    cache.delete(services.BANK_CACHE_KEY)
    subs = [SubsectionFactory(target=10) for _ in range(4)]
    questions = [QuestionFactory(subsection=subs[i % 4]) for i in range(60)]
    yield questions
    cache.delete(services.BANK_CACHE_KEY)


def practise(user, questions, *, right=True):
    session = quizbank_services.session_create(
        user=user, question_ids=[q.pk for q in questions], title="t"
    )
    for item in session.items.select_related("question"):
        answer(user, item, correct=right)


def test_no_goal_no_forecast(bank, user):
    assert services.forecast_refresh(user_id=user.pk) is None
    assert not Forecast.objects.exists()


def test_goal_save_plans_at_once(bank, user, clock):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(
        user=user, interview_date=date(2026, 3, 31), target_score=80, minutes_per_day=30
    )
    forecast = Forecast.objects.get(user=user)
    plan = Plan.objects.get(user=user)
    assert forecast.day == date(2026, 3, 10) and forecast.target_date == date(2026, 3, 31)
    assert not forecast.enough and forecast.answers == 0
    # 30 minutes at the default 45 s an answer hold 40, but the profile's daily
    # new-question limit (10 by default) is what the review page offers too.
    assert plan.reviews == 0 and plan.new == user.new_limit == 10 and plan.new_limited
    eager = UserFactory(new_limit=100)
    services.goal_save(
        user=eager, interview_date=date(2026, 3, 31), target_score=80, minutes_per_day=30
    )
    plan = Plan.objects.get(user=eager)
    assert plan.new == 30 * 60 // 45 and not plan.new_limited
    assert len(forecast.due_forecast) == 14
    assert {s["number"] for s in forecast.sections} == {q.subsection.section.number for q in bank}


def test_answers_recompute_after_commit(bank, user, after_commit, clock):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    Goal.objects.create(user=user, interview_date=date(2026, 3, 31))
    with after_commit():
        practise(user, bank[:5])
    forecast = Forecast.objects.get(user=user)
    assert forecast.answers == 5


def test_one_refresh_per_transaction(bank, user, django_capture_on_commit_callbacks):
    Goal.objects.create(user=user)
    other = UserFactory()
    Goal.objects.create(user=other)
    # The test runs in one transaction, like a timed test's answers: one refresh each.
    with django_capture_on_commit_callbacks() as callbacks:
        practise(user, bank[:5])
        practise(other, bank[:5])
    refreshes = [c for c in callbacks if hasattr(c, "readiness_user_id")]
    assert sorted(c.readiness_user_id for c in refreshes) == sorted([user.pk, other.pk])


@pytest.mark.django_db(transaction=True)  # each answer commits, as in production
def test_a_refresh_already_queued_is_not_queued_again(bank, user):
    """A learner answering every few seconds queues one refresh, not one an answer:
    the queued one reads every answer committed before it starts. Once it starts,
    the next answer queues the next."""
    Goal.objects.create(user=user)
    cache.delete(services.REFRESH_QUEUED_KEY.format(user.pk))
    with mock.patch("readiness.tasks.refresh_forecast.delay") as delay:
        for question in bank[:3]:
            practise(user, [question])
        assert delay.call_args_list == [mock.call(user.pk)]
        services.forecast_refresh_queued(user_id=user.pk)  # the worker starts it
        practise(user, bank[3:4])
        assert delay.call_count == 2
    assert Forecast.objects.get(user=user).answers == 3  # as the worker read them


@pytest.mark.django_db(transaction=True)
def test_an_answer_stands_when_the_broker_is_down(bank, user, learner_client):
    """Redis (the broker) down: queueing the refresh fails after the answer
    committed; the learner still gets the feedback, and the next answer tries again."""
    Goal.objects.create(user=user)
    cache.delete(services.REFRESH_QUEUED_KEY.format(user.pk))
    session = quizbank_services.session_create(
        user=user, question_ids=[q.pk for q in bank[:2]], title="t"
    )
    down = mock.patch(
        "readiness.tasks.refresh_forecast.delay", side_effect=OperationalError("refused")
    )
    for position in (1, 2):
        item = session.items.get(position=position)
        key = item.question.choices.get(correct=True)
        with down as delay:
            response = learner_client.post(
                reverse("session-answer", args=[session.pk, position]), {"choice": key.pk}
            )
        assert response.status_code == 302
        assert Attempt.objects.filter(item=item).count() == 1
        assert delay.call_count == 1  # tried again: a failed send left nothing queued


def test_time_zone_across_midnight(bank, clock):
    """Answered at 23:00 on the 10th in Auckland (10:00 UTC); at 05:00 local on the
    11th (16:00 UTC, the same UTC date) a day has passed: recall after one day."""
    user = UserFactory(timezone="Pacific/Auckland", day_rollover_hour=4)
    clock.to(datetime(2026, 3, 10, 10, tzinfo=UTC))
    practise(user, bank)
    clock.to(datetime(2026, 3, 10, 16, tzinfo=UTC))
    assert services.study_day(user) == date(2026, 3, 11)
    state = services.learner_state(user)
    assert {c.last_day for c in state.cards} == {date(2026, 3, 10)}
    Goal.objects.create(user=user, interview_date=date(2026, 3, 11))
    forecast = services.forecast_refresh(user_id=user.pk)
    recall = 1 - (1 - (1 + FACTOR / 2.3065) ** -DECAY) / 0.7  # srs.scheduling.GUESS_FACTOR
    assert forecast.stop_mean == pytest.approx(100 * (recall + (1 - recall) / 4), abs=0.05)
    assert forecast.enough


def test_plan_start_is_exactly_the_plan(bank, user, clock):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    practise(user, bank[:4], right=False)  # wrong: due tomorrow
    clock.to(datetime(2026, 3, 11, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=10)
    plan = Plan.objects.get(user=user)
    assert plan.reviews == 4 and plan.new == 10 * 60 // 45 - 4  # 13 answers in 10 minutes
    session = services.plan_start(user=user)
    assert session.mode == PracticeSession.Mode.REVIEW
    ids = list(session.items.values_list("question_id", flat=True))
    assert set(ids[:4]) == {q.pk for q in bank[:4]}
    assert ids[4:] == plan.new_question_ids


def test_mock_is_forty_questions_in_proportion_with_the_forecast_before(bank, user, clock):
    for i in range(40):  # a bank big enough for a mock
        QuestionFactory(subsection=bank[i % 4].subsection)
    cache.delete(services.BANK_CACHE_KEY)
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    clock.to(datetime(2026, 3, 11, 12, tzinfo=UTC))
    session = services.mock_start(user=user)
    assert session.mode == PracticeSession.Mode.TIMED and session.size == 40
    assert (session.deadline - session.created_at) == timedelta(seconds=40 * 90)
    per_sub = {}
    for q in Question.objects.filter(pk__in=session.items.values("question_id")):
        per_sub[q.subsection_id] = per_sub.get(q.subsection_id, 0) + 1
    assert sorted(per_sub.values()) == [10, 10, 10, 10]
    mock = Mock.objects.get(session=session)
    before = Forecast.objects.get(user=user, day=date(2026, 3, 10))
    assert mock.forecast_mean == before.next_day_mean
    # Answer 30 right, leave 10 blank; finishing scores it at the next refresh.
    for item in session.items.all()[:30]:
        quizbank_services.timed_respond(
            user=user,
            session_id=session.pk,
            item=item,
            choice_id=item.question.choices.get(correct=True).pk,
            marked=False,
        )
    quizbank_services.timed_finish(user=user, session_id=session.pk)
    services.forecast_refresh(user_id=user.pk)
    assert Mock.objects.get(pk=mock.pk).score == 75


def test_rollover_refreshes_only_learners_on_a_new_day(bank, clock, settings):
    early = UserFactory(timezone="UTC")
    late = UserFactory(timezone="America/Los_Angeles")
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    for u in (early, late):
        services.goal_save(user=u, interview_date=None, target_score=80, minutes_per_day=30)
    clock.to(datetime(2026, 3, 11, 5, tzinfo=UTC))  # UTC past 04:00; Los Angeles still the 10th
    assert services.forecasts_rollover() == 1
    assert Forecast.objects.filter(user=early).count() == 2
    assert Forecast.objects.filter(user=late).count() == 1


def test_goal_page_saves_and_rejects_a_past_date(bank, learner_client, user, clock):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    response = learner_client.post(
        reverse("readiness-goal"),
        {"interview_date": "2026-03-01", "target_score": "80", "minutes_per_day": "30"},
    )
    assert response.status_code == 200
    assert "Pick today or a later date." in response.content.decode()
    response = learner_client.post(
        reverse("readiness-goal"),
        {"interview_date": "2026-03-31", "target_score": "85", "minutes_per_day": "45"},
    )
    assert response.status_code == 302
    assert Goal.objects.get(user=user).minutes_per_day == 45
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "reviews + " not in page or "new, about" in page
    assert "0 reviews + 10 new, about 8 minutes" in page  # the profile's limit of 10
    assert "Raise the limit" in page
    assert "Reviews to expect, next 14 days, if you follow the plan" in page


def test_dashboard_prompts_for_a_goal(bank, learner_client):
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "Set your goal" in page


def test_start_and_mock_need_post_and_login(client, bank):
    assert client.post(reverse("readiness-start")).status_code == 302  # to login
    assert client.get(reverse("readiness-goal")).status_code == 302


def test_the_interval_uses_the_mock_noise(bank, user, clock):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    f = Forecast.objects.get(user=user)
    # No answers: stopping now leaves the 62.5% prior, with at least the binomial
    # noise of 40 questions and the unknown ability on top.
    assert f.stop_mean == pytest.approx(62.5)
    assert (f.stop_high - f.stop_low) / 2 > 100 * 1.2816 * math.sqrt(0.625 * 0.375 / 40)


@pytest.mark.parametrize("answers", [5, 40])
def test_dashboard_with_a_goal_costs_the_same_queries(
    bank, client, clock, answers, django_assert_num_queries
):
    """The Today card reads stored rows: goal, plan and forecast in one query,
    the mocks in another, however long the history."""
    user = UserFactory()
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    practise(user, bank[:answers])
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    client.force_login(user)
    client.get(reverse("dashboard"))
    with django_assert_num_queries(4):  # the same for both histories: the card costs 2
        client.get(reverse("dashboard"))


def test_reminder_carries_the_plan_line(bank, user, clock):
    from srs.emails import reminder_message
    from srs.selectors import card_due_today

    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    message = reminder_message(user=user, due=card_due_today(user=user), topic=None)
    assert "Today's plan" not in message.body  # no goal, no plan line
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    message = reminder_message(user=user, due=card_due_today(user=user), topic=None)
    assert "Today's plan: 0 reviews + 10 new, about 8 minutes." in message.body
    assert "0 reviews + 10 new, about 8 minutes" in message.alternatives[0].content


def test_a_mock_with_an_empty_bank_is_a_message_not_a_500(learner_client):
    cache.delete(services.BANK_CACHE_KEY)
    response = learner_client.post(reverse("readiness-mock"), follow=True)
    assert response.status_code == 200
    assert "No questions" in response.content.decode()
    cache.delete(services.BANK_CACHE_KEY)


def test_the_plan_agrees_with_the_review_page_as_the_day_goes(bank, user, clock):
    """Found on 1 December: the Today card said "0 reviews + 155 new" while the
    review page and the navigation said nothing was due: the plan ignored the
    learner's daily new-question limit. Now its figures are the queue's."""
    from srs.selectors import card_due_today

    user.new_limit = 6
    user.save()
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=60)
    due = card_due_today(user=user)
    plan = Plan.objects.get(user=user)
    assert (plan.reviews, plan.new) == (due.reviews, due.new) == (0, 6)
    practise(user, bank[:4])
    services.forecast_refresh(user_id=user.pk)
    due = card_due_today(user=user)
    plan = Plan.objects.get(user=user)
    assert (plan.reviews, plan.new) == (due.reviews, due.new) == (0, 2)


def test_start_resumes_todays_plan_instead_of_starting_another(bank, user, learner_client, clock):
    """Found on 1 December: each press of Start made another "Today's plan"
    session, and History filled with unfinished ones."""
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    first = learner_client.post(reverse("readiness-start"))
    session = PracticeSession.objects.get(user=user)
    assert first.url == reverse("session-item", args=[session.pk, 1])
    answer(user, session.items.get(position=1), correct=True)
    again = learner_client.post(reverse("readiness-start"))
    assert PracticeSession.objects.filter(user=user).count() == 1
    assert again.url == reverse("session-item", args=[session.pk, 2])  # where they left off
    # A new study day: a new plan session (sessions are stamped by the real clock).
    PracticeSession.objects.filter(pk=session.pk).update(
        created_at=datetime(2026, 3, 10, 12, tzinfo=UTC)
    )
    clock.to(datetime(2026, 3, 11, 12, tzinfo=UTC))
    learner_client.post(reverse("readiness-start"))
    assert PracticeSession.objects.filter(user=user).count() == 2


def test_the_today_card_is_worked_out_again_on_a_new_study_day(bank, user, learner_client, clock):
    """Found on 1 December: after moving to Auckland (a new study day) the review
    page said 30 reviews due and the Today card still showed yesterday's plan."""
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    practise(user, bank[:4], right=False)  # wrong: due the next day
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    assert Plan.objects.get(user=user).reviews == 0
    clock.to(datetime(2026, 3, 11, 12, tzinfo=UTC))  # no hourly refresh has run
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "4 reviews + 10 new" in page  # yesterday's 4, due today; a new day's 10 new
    assert Plan.objects.get(user=user).day == date(2026, 3, 11)


def test_a_new_limit_in_the_profile_replans(bank, user, after_commit, clock):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    assert Plan.objects.get(user=user).new == 10
    user.new_limit = 3
    with after_commit():
        user.save(update_fields=["new_limit"])
    assert Plan.objects.get(user=user).new == 3
    computed = Plan.objects.get(user=user).computed_at
    with after_commit():
        user.save(update_fields=["last_login"])  # not a setting the plan reads
    assert Plan.objects.get(user=user).computed_at == computed


def test_the_plan_line_counts_in_words():
    """Found on 1 December: "about 1 minutes"."""
    from readiness.templatetags.readiness import plan_line

    assert plan_line(Plan(reviews=1, new_question_ids=[7], minutes=1)) == (
        "1 review + 1 new, about 1 minute"
    )
    assert plan_line(Plan(reviews=2, new_question_ids=[], minutes=3)) == (
        "2 reviews + 0 new, about 3 minutes"
    )


def test_start_never_takes_the_learner_past_the_daily_new_limit(bank, user, clock):
    """Found in review on 1 December: a plan not yet redone after other new
    questions were answered today gave Start its new questions again."""
    from srs.selectors import card_due_today

    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    planned = set(Plan.objects.get(user=user).new_question_ids)
    practise(user, [q for q in bank if q.pk not in planned][:10])  # the refresh not run
    assert card_due_today(user=user).new == 0
    assert services.plan_start(user=user) is None  # nothing left within the limit


def test_behind_names_the_limit_when_no_minutes_would_do(bank, user, learner_client, clock):
    """Found in review on 1 December: with the minutes binding today but the
    limit binding above them, the card said the target was out of reach "even
    at 4 hours a day", when raising the limit would reach it."""
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    user.new_limit = 2
    user.save()
    services.goal_save(
        user=user, interview_date=date(2026, 3, 13), target_score=70, minutes_per_day=5
    )
    plan, forecast = Plan.objects.get(user=user), Forecast.objects.get(user=user)
    assert plan.new == 2 and forecast.minutes_needed is None
    assert plan.new_limited
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "at 2 new questions a day, 70% is out of reach" in page
    assert "even at 4 hours a day" not in page


def test_a_failed_refresh_on_view_leaves_the_card_and_is_not_retried(
    bank, user, learner_client, clock
):
    clock.to(datetime(2026, 3, 10, 12, tzinfo=UTC))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    clock.to(datetime(2026, 3, 11, 12, tzinfo=UTC))
    with mock.patch.object(services, "forecast_refresh", side_effect=RuntimeError) as refresh:
        assert learner_client.get(reverse("dashboard")).status_code == 200
        assert learner_client.get(reverse("dashboard")).status_code == 200
    assert refresh.call_count == 1  # once a learner and day
    assert Plan.objects.get(user=user).day == date(2026, 3, 10)  # yesterday's, shown as is


def test_start_resumes_on_a_clock_moved_forward(bank, user, clock):
    """Sessions are stamped in real time, the study day on srs's clock: with the
    clock moved forward (tests, development) Start still resumes."""
    clock.to(timezone.now() + timedelta(days=3))
    services.goal_save(user=user, interview_date=None, target_score=80, minutes_per_day=30)
    first = services.plan_start(user=user)
    assert services.plan_start(user=user) == first
