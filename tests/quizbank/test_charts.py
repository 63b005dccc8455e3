"""The dashboard's charts as markup built in Python (issue 15): the same markup
the template loop wrote, at a fraction of its cost."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from quizbank import charts
from quizbank.analytics import Activity, Mastery
from tests.factories import SectionFactory, SubsectionFactory

# The loop dashboard.html ran before the cells moved into charts.heatmap.
TEMPLATE_LOOP = Template(
    '{% for c in heatmap.cells %}<rect x="{{ c.x }}" y="{{ c.y }}" width="{{ heatmap.cell }}" '
    'height="{{ heatmap.cell }}" rx="2" class="heat-{{ c.level }}"><title>{{ c.day|date:"D j M" }}'
    ": {{ c.count }} answer{{ c.count|pluralize }}</title></rect>{% endfor %}"
)


def test_the_heatmap_cells_are_the_markup_the_template_wrote():
    today = date(2026, 11, 30)
    start = today - timedelta(days=today.weekday() + 7 * 25)
    days = {today: 1, today - timedelta(days=3): 12, start: 2, date(2026, 9, 1): 40}
    weeks = [
        [
            (start + timedelta(days=7 * w + d), days.get(start + timedelta(days=7 * w + d), 0))
            for d in range(7)
        ]
        for w in range(26)
    ]
    heatmap = charts.heatmap(Activity(days=days, today=today, weeks=weeks))
    assert len(heatmap["cells"]) == 7 * 25 + today.weekday() + 1  # no day after today
    old = TEMPLATE_LOOP.render(Context({"heatmap": {**heatmap, "cell": charts.CELL}}))
    assert str(heatmap["rects"]) == old
    assert "<title>Mon 30 Nov: 1 answer</title>" in heatmap["rects"]
    assert "<title>Tue 1 Sep: 40 answers</title>" in heatmap["rects"]


# The loop dashboard.html ran before the rows moved into charts.mastery_rows, with
# the bar's geometry charts.mastery_bar computed.
MASTERY_LOOP = Template(
    "{% for m in masteries %}{% ifchanged m.subsection.section_id %}<tr>"
    '<th colspan="3" scope="rowgroup">{{ m.subsection.section.number }}'
    ". {{ m.subsection.section.title }}</th></tr>{% endifchanged %}\n      <tr><td>"
    "{{ m.subsection.number }} {{ m.subsection.title }}</td>\n        <td>"
    '<svg width="{{ m.bar.width }}'
    '" height="14" role="img" aria-label="{% if m.attempts %}{{ m.percent }}'
    "%, likely {{ m.low_percent }} to {{ m.high_percent }}%{% else %}"
    'no answers yet{% endif %}"><rect x="0" y="6" width="{{ m.bar.width }}'
    '" height="2" class="track"/>{% if m.attempts %}<rect x="{{ m.bar.low }}'
    '" y="3" width="{{ m.bar.range }}" height="8" rx="3" class="range"/>'
    '<circle cx="{{ m.bar.mean }}" cy="7" r="4" class="dot"/>{% endif %}</svg></td>'
    '\n        <td class="small">{% if m.attempts %}{{ m.percent }}'
    '% · {{ m.attempts }}{% else %}<span class="muted">–</span>{% endif %}</td></tr>'
    "\n    {% endfor %}"
)


def mastery_bar(m, width=160):
    return {
        "mean": round(m.mean * width, 1),
        "low": round(m.low * width, 1),
        "range": round((m.high - m.low) * width, 1),
        "width": width,
    }


@pytest.mark.django_db
def test_the_mastery_rows_are_the_markup_the_template_wrote():
    first, second = SectionFactory(title="Maths & <basics>"), SectionFactory()
    subsections = [
        SubsectionFactory(section=first, title='Vectors <and> "matrices"'),
        SubsectionFactory(section=first),
        SubsectionFactory(section=second),
    ]
    masteries = [
        Mastery(subsections[0], attempts=1234, correct=1000, alpha=812.25, beta=95.5),
        Mastery(subsections[1]),  # no answers yet
        Mastery(subsections[2], attempts=3, correct=1, alpha=2.0, beta=3.0),
    ]
    for m in masteries:
        m.bar = mastery_bar(m)
    with translation.override("en-gb"):
        old = MASTERY_LOOP.render(Context({"masteries": masteries}))
    assert str(charts.mastery_rows(masteries)) == old
    assert "Maths &amp; &lt;basics&gt;" in old and "no answers yet" in old
