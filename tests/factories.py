import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from quizbank import services
from quizbank.models import Attempt, Choice, Question, Section, Subsection

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"learner{n}@example.com")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A user whose email is already confirmed, as after clicking the link."""
        kwargs.setdefault("password", PASSWORD)
        user = model_class.objects.create_user(*args, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: str(n + 1))
    slug = factory.LazyAttribute(lambda o: f"section-{o.number}")
    title = factory.LazyAttribute(lambda o: f"Section {o.number}")
    band = "medium"
    position = factory.LazyAttribute(lambda o: int(o.number))


class SubsectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subsection

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    slug = factory.Sequence(lambda n: f"subsection-{n + 1}")
    title = factory.Sequence(lambda n: f"Subsection {n + 1}")
    summary = "What this subsection covers."
    floor = 1
    target = 2


class QuestionFactory(factory.django.DjangoModelFactory):
    """A published question with four choices; the first is the key."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    external_id = factory.Sequence(lambda n: f"q-{n}")
    subsection = factory.SubFactory(SubsectionFactory)
    difficulty = "medium"
    stem = factory.Sequence(lambda n: f"Question {n}: what does $x^2$ differentiate to?")
    explanation = "The power rule gives $2x$. **Pitfall**: forgetting the exponent."
    tags = ["calculus"]

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):
        if not create:
            return
        texts = extracted or ["$2x$", "$x$", "$x^2/2$", "$2$"]
        for position, text in enumerate(texts):
            Choice.objects.create(
                question=obj,
                position=position,
                text=text,
                correct=position == 0,
                why=f"Why option {position} is {'right' if position == 0 else 'wrong'}.",
                misconception="" if position == 0 else f"mistake-{position}",
            )


def answer(user, item, *, correct: bool) -> Attempt:
    """Answer a session item right or wrong through the real service."""
    choice = (
        item.question.choices.get(correct=correct)
        if correct
        else (item.question.choices.filter(correct=False).first())
    )
    return services.attempt_record(user=user, item=item, choice_id=choice.pk)


def past_attempts(user, questions, n: int) -> None:
    """Bulk history: n attempts spread over `questions`, outside any session
    (every third one wrong), with the learner's progress rows rebuilt."""
    questions = list(questions)
    keys = {c.question_id: c for c in Choice.objects.filter(question__in=questions)}
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=questions[i % len(questions)],
            choice=keys[questions[i % len(questions)].pk],
            correct=i % 3 != 0,
            time_taken_ms=5000,
            created_at=timezone.now(),
        )
        for i in range(n)
    )
    services.progress_rebuild(user=user)
