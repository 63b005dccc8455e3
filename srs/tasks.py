"""Celery tasks: take ids, call a service."""

from smtplib import SMTPException

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import services


@shared_task(time_limit=300, soft_time_limit=240)
def dispatch_reminders() -> dict:
    """Run by beat every 15 minutes: claims and enqueues, never sends."""
    result = services.reminders_dispatch()
    return {
        "batches": result.batches,
        "claimed": len(result.claimed),
        "requeued": len(result.requeued),
    }


def backoff(retries: int) -> int:
    base = getattr(settings, "SRS_REMINDER_RETRY_BASE", 60)
    return min(base * 2**retries, 3600)


@shared_task(
    bind=True,
    acks_late=True,  # a worker that dies mid-task leaves the message to be redelivered
    reject_on_worker_lost=True,
    time_limit=60,
    soft_time_limit=45,
    max_retries=6,
)
def send_reminder(self, log_id: int) -> str:
    try:
        return services.reminder_send(log_id=log_id)
    except (SMTPException, OSError, SoftTimeLimitExceeded) as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
