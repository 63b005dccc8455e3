"""The dashboard's charts as markup built in Python (issue 15): the same markup
the template loop wrote, at a fraction of its cost."""

from datetime import date, timedelta

from django.template import Context, Template

from quizbank import charts
from quizbank.analytics import Activity

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
