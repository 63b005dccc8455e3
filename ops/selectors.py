"""Health of the services the site depends on, for /health/."""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from config.celery import app

from .models import Heartbeat

BEAT_STALE_AFTER_S = 180


@dataclass
class Health:
    database: str
    broker: str
    beat_age_s: int | None

    @property
    def ok(self) -> bool:
        return self.database == "ok"

    @property
    def status(self) -> str:
        fresh = self.beat_age_s is not None and self.beat_age_s < BEAT_STALE_AFTER_S
        if self.ok and self.broker == "ok" and fresh:
            return "ok"
        return "degraded" if self.ok else "down"


def health() -> Health:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
        beat = Heartbeat.objects.filter(name="beat").values_list("at", flat=True).first()
        beat_age = int((timezone.now() - beat).total_seconds()) if beat else None
    except Exception as exc:
        database, beat_age = f"error: {exc.__class__.__name__}", None
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        broker = "ok"
    except Exception as exc:
        broker = f"error: {exc.__class__.__name__}"
    return Health(database=database, broker=broker, beat_age_s=beat_age)
