"""Readiness reads for the Today card: stored rows only, two queries."""

from dataclasses import dataclass

from accounts.models import User

from .models import Forecast, Goal, Mock, Plan

BAR_WIDTH, CHART_HEIGHT = 16, 48


@dataclass(frozen=True)
class Today:
    goal: Goal | None
    plan: Plan | None
    forecast: Forecast | None
    mocks: list[Mock]

    @property
    def behind_by(self) -> int | None:
        """Minutes a day more the plan needs to reach the target (None: on track
        or out of reach)."""
        f = self.forecast
        if f is None or f.mean >= self.goal.target_score or f.minutes_needed is None:
            return None
        return max(5, f.minutes_needed - self.goal.minutes_per_day)

    @property
    def on_track(self) -> bool:
        return self.forecast is not None and self.forecast.mean >= self.goal.target_score

    def due_chart(self) -> list[dict]:
        counts = self.forecast.due_forecast if self.forecast else []
        top = max(counts, default=0) or 1
        bars = []
        for i, n in enumerate(counts):
            h = round(CHART_HEIGHT * n / top)
            bars.append({"x": i * (BAR_WIDTH + 4), "y": CHART_HEIGHT - h, "h": h, "n": n, "day": i})
        return bars


def today_summary(*, user: User) -> Today:
    row = (
        User.objects.filter(pk=user.pk)
        .select_related("goal", "readiness_plan__forecast")
        .only("pk", "goal", "readiness_plan")
        .first()
    )
    goal = getattr(row, "goal", None) if row else None
    plan = getattr(row, "readiness_plan", None) if row else None
    mocks = []
    if goal is not None:
        mocks = list(
            Mock.objects.filter(user=user, score__isnull=False).order_by("-day", "-pk")[:5]
        )
    return Today(goal=goal, plan=plan, forecast=plan.forecast if plan else None, mocks=mocks)
