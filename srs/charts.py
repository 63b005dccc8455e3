"""The review page's forecast as a server-side SVG bar chart (no JavaScript).

No viewBox: x is a percentage of the chart's width and y is in pixels, so the
bars stretch with the card while the labels keep their CSS size. Scaled from a
560-unit viewBox, they were 9 px on a phone and 17 px on a desktop."""

from .selectors import DayLoad

# TOP leaves room for the busiest day's count; BOTTOM for the weekdays and,
# under the first, "Today" (a 23 px column on a phone is too narrow for it).
HEIGHT, TOP, BOTTOM = 160, 20, 44
DAYS_Y, TODAY_Y = HEIGHT - BOTTOM + 18, HEIGHT - 6


def forecast_bars(loads: list[DayLoad]) -> dict:
    """One bar per study day, scaled to the busiest; a day with nothing keeps a sliver."""
    peak = max((d.cards for d in loads), default=0) or 1
    slot = 100 / max(len(loads), 1)  # percent of the width
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for n, load in enumerate(loads):
        h = max(1.5, plot * load.cards / peak)
        bars.append(
            {
                "load": load,
                "x": round(n * slot + slot * 0.15, 2),
                "y": round(TOP + plot - h, 1),
                "w": round(slot * 0.7, 2),
                "h": round(h, 1),
                "mid": round(n * slot + slot / 2, 2),
                "today": n == 0,
            }
        )
    return {
        "bars": bars,
        "height": HEIGHT,
        "base": HEIGHT - BOTTOM,
        "days_y": DAYS_Y,
        "today_y": TODAY_Y,
    }
