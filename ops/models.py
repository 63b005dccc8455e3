from django.db import models


class Heartbeat(models.Model):
    """When a periodic component last proved it is alive (e.g. Celery beat)."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
