"""`{% readiness_today %}`: the dashboard's Today card, and `{% readiness_plan_line user %}`:
the same plan line for the reminder e-mail (so srs never imports readiness)."""

from django import template

from .. import model, selectors, services
from ..models import Plan

register = template.Library()


@register.inclusion_tag("readiness/today.html", takes_context=True)
def readiness_today(context):
    user = context["user"]
    today = selectors.today_summary(user=user)
    day = services.study_day(user)
    # The first look on a new study day (or in a new time zone) before the
    # hourly refresh: yesterday's plan would disagree with the review page.
    stale = today.goal and (today.plan is None or today.plan.day != day)
    if stale and services.forecast_refresh_on_view(user=user, day=day):
        today = selectors.today_summary(user=user)
    return {
        "today": today,
        "bars": today.due_chart(),
        "chart_width": 14 * (selectors.BAR_WIDTH + 4),
        "chart_height": selectors.CHART_HEIGHT,
        "min_answers": model.MIN_ANSWERS,
        "new_limit": user.new_limit,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.simple_tag
def readiness_plan_line(user) -> str:
    """ "12 reviews + 15 new, about 25 minutes", or "" without a plan."""
    plan = Plan.objects.filter(user=user).first()
    return plan_line(plan) if plan else ""


def plan_line(plan: Plan) -> str:
    reviews = f"{plan.reviews} review{'s' if plan.reviews != 1 else ''}"
    minutes = f"{plan.minutes} minute{'s' if plan.minutes != 1 else ''}"
    return f"{reviews} + {plan.new} new, about {minutes}"


register.filter("plan_line", plan_line)
