"""Celery tasks: take ids, call a service."""

from celery import shared_task

from . import dashboard


@shared_task(time_limit=60, soft_time_limit=50, ignore_result=True)
def dashboard_warm(user_id: int) -> None:
    dashboard.dashboard_warm(user_id=user_id)
