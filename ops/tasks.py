from celery import shared_task

from .services import heartbeat_record


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Scheduled by beat every minute and run by a worker: its age says both are alive."""
    heartbeat_record(name="beat")
