"""Send the heavy analytics reads to a Postgres replica when one is configured.

Only code that asks for it reads from the replica (`using(analytics_db())`):
a replica lags, so pages that must show what the learner just did (answers,
sessions, queues) always read the primary.
"""

from django.conf import settings


def analytics_db() -> str:
    return "replica" if "replica" in settings.DATABASES else "default"


class PrimaryReplicaRouter:
    """Writes and ordinary reads go to the primary; the replica holds the same data."""

    def db_for_read(self, model, **hints):
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
