"""Celery tasks: take ids, call a service."""

from celery import shared_task

from . import services


@shared_task(time_limit=120, soft_time_limit=100)
def refresh_forecast(user_id: int) -> bool:
    return services.forecast_refresh_queued(user_id=user_id) is not None


@shared_task(time_limit=1800, soft_time_limit=1700)
def forecasts_rollover() -> int:
    """Beat, hourly: the forecast decays overnight, so each learner's is redone
    once their study day rolls over."""
    return services.forecasts_rollover()
