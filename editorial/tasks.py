from celery import shared_task

from . import services


@shared_task
def item_stats_refresh() -> int:
    """Beat runs this (config.settings CELERY_BEAT_SCHEDULE) to keep ItemStats fresh."""
    return services.item_stats_refresh()
