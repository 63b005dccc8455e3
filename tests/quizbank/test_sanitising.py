"""Markdown from the bank can never put script on a learner's page."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quizbank import services
from quizbank.models import Choice
from tests.factories import QuestionFactory, UserFactory, answer

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss-script")</script>',
    "<img src=x onerror=\"alert('xss-img')\">",
    "[click me](javascript:alert('xss-link'))",
    '<a href="javascript:alert(1)">xss-a</a>',
    "<svg onload=\"alert('xss-svg')\"><circle r=1 /></svg>",
    '<iframe src="https://evil.example/xss-frame"></iframe>',
    "<math><mtext><a href=\"javascript:alert('xss-mathml')\">x</a></mtext></math>",
    "$x$ <div onclick=\"alert('xss-div')\">click</div>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
]


class Markup(HTMLParser):
    """Collects what could run: tags, event-handler attributes, script URLs,
    and inline script bodies (escaped text is harmless and ignored)."""

    def __init__(self):
        super().__init__()
        self.tags, self.handlers, self.urls, self.inline_scripts = set(), [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if (
                name in {"href", "src", "action", "formaction"}
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                self.urls.append(value)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def hostile_question(payload: str):
    q = QuestionFactory(stem=f"Stem {payload}", explanation=f"Explanation {payload}")
    for choice in q.choices.all():
        choice.text = f"Option {choice.position} {payload}"
        choice.why = f"Why {payload}"
        choice.save()
    return q


def assert_clean(html: str):
    markup = Markup()
    markup.feed(html)
    assert not markup.handlers and not markup.urls and not markup.inline_scripts
    assert not markup.tags & {"iframe", "style", "object", "embed"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_markdown_field_never_reach_the_page(client, payload):
    q = hostile_question(payload)
    for field in [
        q.stem_html,
        q.explanation_html,
        *Choice.objects.filter(question=q).values_list("text_html", flat=True),
        *Choice.objects.filter(question=q).values_list("why_html", flat=True),
    ]:
        assert_clean(field)
    user = UserFactory()
    client.force_login(user)
    session = services.session_create(user=user, question_ids=[q.pk], title="x")
    item_url = reverse("session-item", args=[session.pk, 1])
    pages = [client.get(item_url)]
    answer(user, session.items.get(), correct=False)
    pages += [
        client.get(item_url),
        client.get(reverse("question-detail", args=[q.external_id])),
        client.get(reverse("session-summary", args=[session.pk])),
    ]
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    pages.append(client.get(reverse("admin:quizbank_question_change", args=[q.pk])))
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        assert_clean(body)
