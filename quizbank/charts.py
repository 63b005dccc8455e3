"""Geometry for the dashboard's server-side SVG charts (no chart library)."""

from .analytics import Activity, Mastery, TrendPoint, heat_level

CELL, GAP = 12, 3


def heatmap(activity: Activity) -> dict:
    cells = []
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
                    "level": heat_level(count, activity.busiest),
                }
            )
    return {
        "cells": cells,
        "width": len(activity.weeks) * (CELL + GAP),
        "height": 7 * (CELL + GAP),
        "cell": CELL,
    }


def trend(points: list[TrendPoint], width: int = 560, height: int = 160, pad: int = 28) -> dict:
    if not points:
        return {"points": [], "width": width, "height": height}
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    out = []
    for i, p in enumerate(points):
        out.append(
            {
                "x": round(pad + i * step, 1),
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
        "pad": pad,
        "grid": [
            {"y": round(height - pad - f * (height - 2 * pad), 1), "label": f"{int(f * 100)}%"}
            for f in (0, 0.5, 1)
        ],
    }


def mastery_bar(m: Mastery, width: int = 160) -> dict:
    return {
        "mean": round(m.mean * width, 1),
        "low": round(m.low * width, 1),
        "range": round((m.high - m.low) * width, 1),
        "width": width,
    }
