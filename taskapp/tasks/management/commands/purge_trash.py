"""manage.py purge_trash --older-than DAYS [--dry-run]: empty the trash.

Meant for a daily cron job (or a Kubernetes CronJob); a background job is a
management command, not a queue.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from taskapp.tasks import selectors, services

MAX_DAYS = 36_500


def days(value: str) -> int:
    """argparse type: a whole number of days, 0 or more."""
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--older-than must be a whole number of days, got {value!r}.") from None
    if not 0 <= number <= MAX_DAYS:
        raise CommandError(f"--older-than must be between 0 and {MAX_DAYS} days, got {number}.")
    return number


class Command(BaseCommand):
    help = "Delete for good the tasks that have been in the trash longer than DAYS days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            metavar="DAYS",
            required=True,
            help="Delete tasks trashed more than DAYS days ago (0: the whole trash).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only print how many would be deleted."
        )

    def handle(self, *args, older_than, dry_run, **options):
        # Parsed here, not with argparse's type=, so a bad value is one
        # CommandError line rather than argparse's usage text.
        age = timedelta(days=days(older_than))
        if dry_run:
            count = selectors.trash_purgeable(older_than=age).count()
            self.stdout.write(f"Would delete {count} task(s) from the trash (dry run).")
            return
        count = services.trash_purge(older_than=age)
        self.stdout.write(f"Deleted {count} task(s) from the trash.")
