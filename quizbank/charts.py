"""Geometry for the dashboard's server-side SVG charts (no chart library)."""

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analytics import Activity, Mastery, TrendPoint, heat_level

CELL, GAP = 12, 3


def heatmap(activity: Activity) -> dict:
    cells, busiest = [], activity.busiest  # a max over the days: once, not per cell
    for w, week in enumerate(activity.weeks):
        for d, (day, count) in enumerate(week):
            if day > activity.today:
                continue
            cells.append(
                {
                    "x": w * (CELL + GAP),
                    "y": d * (CELL + GAP),
                    "day": day,
                    "count": count,
                    "level": heat_level(count, busiest),
                }
            )
    # The ~180 cells as markup here: the same loop in the template, with a date
    # and a pluralize filter per cell, was half of the dashboard's time (measured).
    # Every value is a number or a day or month name escaped once, not per cell
    # ("Mon 3 Nov", as |date:"D j M").
    weekdays = [escape(str(WEEKDAYS_ABBR[d])) for d in range(7)]  # str: escape keeps lazy
    months = {m: escape(str(MONTHS_3[m]).title()) for m in range(1, 13)}
    rects = mark_safe(  # numbers and the names escaped above only
        "".join(
            f'<rect x="{c["x"]}" y="{c["y"]}" width="{CELL}" height="{CELL}" rx="2" '
            f'class="heat-{c["level"]}"><title>{weekdays[c["day"].weekday()]} '
            f"{c['day'].day} {months[c['day'].month]}: {c['count']} "
            f"answer{'' if c['count'] == 1 else 's'}</title></rect>"
            for c in cells
        )
    )
    return {
        "cells": cells,
        "rects": rects,
        "width": len(activity.weeks) * (CELL + GAP),
        "height": 7 * (CELL + GAP),
    }


def trend(
    points: list[TrendPoint], width: int = 360, height: int = 140, pad: int = 16, left: int = 40
) -> dict:
    """Weekly accuracy as a line. The viewBox is about as wide as the chart is
    drawn (324 px in a phone's card, 409 in a desktop's), so its 13-unit labels
    are 12 to 15 px on screen; at 560 units they were 6 to 8. `left` is the
    labels' column."""
    if not points:
        return {"points": [], "width": width, "height": height}
    step = (width - left - pad) / max(len(points) - 1, 1)
    out = []
    for i, p in enumerate(points):
        out.append(
            {
                "x": round(left + i * step, 1),
                "y": round(height - pad - p.accuracy * (height - 2 * pad), 1),
                "week": p.week,
                "percent": round(100 * p.accuracy),
                "attempts": p.attempts,
            }
        )
    return {
        "points": out,
        "path": " ".join(f"{p['x']},{p['y']}" for p in out),
        "width": width,
        "height": height,
        "left": left,
        "grid": [
            {"y": round(height - pad - f * (height - 2 * pad), 1), "label": f"{int(f * 100)}%"}
            for f in (0, 0.5, 1)
        ],
    }


def mastery_rows(masteries: list[Mastery], width: int = 160) -> SafeString:
    """The mastery table's rows, a heading per section and a bar per subsection
    (the dot the estimate, the bar the 90% range), as markup: the template loop
    it replaces rendered some 400 localized numbers and was a third of the
    dashboard's render (measured). Numbers and escaped titles only."""
    rows, section = [], None
    for m in masteries:
        sub = m.subsection
        if sub.section_id != section:
            section = sub.section_id
            rows.append(
                f'<tr><th colspan="3" scope="rowgroup">{escape(sub.section.number)}. '
                f"{escape(sub.section.title)}</th></tr>"
            )
        if m.attempts:
            label = f"{m.percent}%, likely {m.low_percent} to {m.high_percent}%"
            marks = (
                f'<rect x="{round(m.low * width, 1)}" y="3" '
                f'width="{round((m.high - m.low) * width, 1)}" height="8" rx="3" class="range"/>'
                f'<circle cx="{round(m.mean * width, 1)}" cy="7" r="4" class="dot"/>'
            )
            figures = f"{m.percent}% · {m.attempts}"
        else:
            label, marks, figures = "no answers yet", "", '<span class="muted">–</span>'
        rows.append(
            f"\n      <tr><td>{escape(sub.number)} {escape(sub.title)}</td>\n"
            f'        <td><svg width="{width}" height="14" role="img" aria-label="{label}">'
            f'<rect x="0" y="6" width="{width}" height="2" class="track"/>{marks}</svg></td>\n'
            f'        <td class="small">{figures}</td></tr>\n    '
        )
    return mark_safe("".join(rows))  # numbers and the titles escaped above only
