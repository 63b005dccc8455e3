from celery import shared_task

from .mail import from_payload


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_email(payload: dict) -> None:
    """Send one rendered e-mail (accounts.mail.enqueue); a network error retries."""
    from_payload(payload).send()
