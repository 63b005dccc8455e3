from django.core.management.base import BaseCommand

from srs.services import cards_backfill


class Command(BaseCommand):
    help = "Build spaced-repetition cards from answers given before cards existed."

    def handle(self, *args, **options):
        built = cards_backfill()
        self.stdout.write(self.style.SUCCESS(f"Cards built: {built}"))
