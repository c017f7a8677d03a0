"""Wait until the database answers: for init containers and start scripts.

    python manage.py wait_for_database --timeout 120 [--migrations]

Exits 0 as soon as the database answers a round trip (the readiness probe's
own check) and, with ``--migrations``, no migration is left unapplied (what
``migrate --check`` looks at). Otherwise it asks again every 2 s, prints a
progress line every 10 s, and after the timeout exits 1 with one line on stderr.
"""

from time import monotonic, sleep

from django.core.management.base import BaseCommand, CommandError

from config.outage import outage_reason, ping_database, unapplied_migrations

POLL_SECONDS = 2.0
PROGRESS_EVERY_SECONDS = 10.0


def database_problem(migrations: bool) -> str | None:
    """Why the database is not ready yet, or None when it is."""
    try:
        ping_database()
        pending = unapplied_migrations() if migrations else []
    except Exception as exc:  # any failure (refused, auth, timeout) means "not yet"
        return outage_reason(exc)
    if pending:
        more = f" and {len(pending) - 3} more" if len(pending) > 3 else ""
        return f"{len(pending)} unapplied migrations ({', '.join(pending[:3])}{more})"
    return None


class Command(BaseCommand):
    help = "Wait until the database answers (and, with --migrations, is fully migrated)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=60.0,
            help="Give up after this many seconds (default 60).",
        )
        parser.add_argument(
            "--migrations",
            action="store_true",
            help="Also wait until no migration is unapplied.",
        )

    def handle(self, *args, timeout, migrations, **options):
        what = "database with all migrations" if migrations else "database"
        started = monotonic()
        last_progress = None
        while True:
            problem = database_problem(migrations)
            waited = monotonic() - started
            if problem is None:
                self.stdout.write(f"{what} ready after {waited:.0f} s")
                return
            if waited >= timeout:
                # BaseCommand prints this as one line on stderr and exits 1.
                raise CommandError(f"{what} not ready after {timeout:g} s: {problem}")
            if last_progress is None or waited - last_progress >= PROGRESS_EVERY_SECONDS:
                self.stdout.write(f"waiting for the {what} ({waited:.0f} s): {problem}")
                last_progress = waited
            sleep(max(0.0, min(POLL_SECONDS, timeout - waited)))
