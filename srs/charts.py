"""The review page's forecast as a server-side SVG bar chart (no JavaScript)."""

from .selectors import DayLoad

WIDTH, HEIGHT, TOP, BOTTOM = 560, 150, 18, 22


def forecast_bars(loads: list[DayLoad]) -> dict:
    """One bar per study day, scaled to the busiest; a day with nothing keeps a sliver."""
    peak = max((d.cards for d in loads), default=0) or 1
    slot = WIDTH / max(len(loads), 1)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for n, load in enumerate(loads):
        h = max(1.5, plot * load.cards / peak)
        bars.append(
            {
                "load": load,
                "x": round(n * slot + slot * 0.15, 1),
                "y": round(TOP + plot - h, 1),
                "w": round(slot * 0.7, 1),
                "h": round(h, 1),
                "mid": round(n * slot + slot / 2, 1),
                "today": n == 0,
            }
        )
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "base": HEIGHT - BOTTOM}
