"""Celery tasks: take ids, call a service."""

from celery import shared_task
from django.db import OperationalError

from . import services


# A database busy past its timeout (SQLite under `make run`) is worth a retry.
@shared_task(
    time_limit=120,
    soft_time_limit=100,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=3,
)
def refresh_forecast(user_id: int) -> bool:
    return services.forecast_refresh_queued(user_id=user_id) is not None


@shared_task(time_limit=1800, soft_time_limit=1700)
def forecasts_rollover() -> int:
    """Beat, hourly: the forecast decays overnight, so each learner's is redone
    once their study day rolls over."""
    return services.forecasts_rollover()
