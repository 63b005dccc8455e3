from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizbank.bank import BankError, load_bank


class Command(BaseCommand):
    help = "Load the question bank YAML into the database (idempotent, all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.QUESTIONBANK_DIR))

    def handle(self, *args, directory: str, **options):
        try:
            report = load_bank(directory=Path(directory))
        except BankError as exc:
            raise CommandError(
                f"The bank was not loaded; nothing changed. {len(exc.problems)} problem(s):\n"
                + "\n".join(f"  {p}" for p in exc.problems)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Question bank loaded: {report}"))
