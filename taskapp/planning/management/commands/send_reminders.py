"""E-mail the reminders that are due; the chart runs it every minute (CronJob).

Safe to run twice at once or after a run that crashed: each reminder is claimed
by one conditional update before its e-mail (taskapp.planning.services).
"""

from django.core.management.base import BaseCommand

from taskapp.planning.services import send_due_reminders


class Command(BaseCommand):
    help = "E-mail every reminder whose time has come, each exactly once."

    def handle(self, *args, **options):
        result = send_due_reminders()
        self.stdout.write(
            f"reminders: {result.sent} sent, {result.skipped} skipped, {result.failed} failed"
        )
        if result.failed:
            # A non-zero exit marks the CronJob's run as failed (visible, alertable);
            # the refused reminders are already released for the next run.
            raise SystemExit(1)
