from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from quizbank.bank import export_bank


class Command(BaseCommand):
    help = "Write the published questions back to YAML in the bank layout."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.QUESTIONBANK_DIR))

    def handle(self, *args, directory: str, **options):
        counts = export_bank(directory=Path(directory))
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {sum(counts.values())} questions in {len(counts)} files to {directory}"
            )
        )
