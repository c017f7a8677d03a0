"""Measure what the task list costs: HTML bytes and queries for 50 tasks, and the
JavaScript the page loads. Used by `make measure-ui`; figures go to docs/performance.md.

Runs against a throw-away user in the configured database and deletes it afterwards.
"""

import gzip
import re
import uuid
from pathlib import Path

from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from taskapp.tasks import services

SCRIPT_SRC = re.compile(r'<script src="/static/([^"]+)"')


def seed(user, count: int) -> None:
    for number in range(count):
        services.task_create(
            owner=user,
            title=f"Task {number}: call the plumber",
            description="Ask about the boiler" if number % 2 else "",
            tags="home,errands" if number % 3 else "",
            due_date=f"2030-01-{number % 28 + 1:02d}" if number % 4 == 0 else None,
            priority=("low", "normal", "high", "urgent")[number % 4],
        )


class Command(BaseCommand):
    help = "Report HTML size, query count and JavaScript size of the task list (50 tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=50)
        parser.add_argument("--save-html", metavar="FILE", help="also write the page to FILE")

    # Static files from the apps, so no collectstatic is needed to measure.
    @override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        ALLOWED_HOSTS=["testserver"],
    )
    def handle(self, *args, tasks, save_html=None, **options):
        user = User.objects.create_user(f"measure-{uuid.uuid4().hex[:8]}")
        try:
            seed(user, tasks)
            client = Client()
            client.force_login(user)
            client.get("/")  # warm caches (templates, session)
            with CaptureQueriesContext(connection) as queries:
                html = client.get("/").content
        finally:
            user.delete()
        if save_html:
            Path(save_html).write_bytes(html)
        scripts = SCRIPT_SRC.findall(html.decode())
        js = {name: Path(finders.find(name)).read_bytes() for name in scripts}
        js_total = sum(len(body) for body in js.values())
        js_gzip = sum(len(gzip.compress(body)) for body in js.values())
        self.stdout.write(f"Task list with {tasks} tasks:")
        self.stdout.write(
            f"  HTML: {len(html) / 1024:.1f} KB ({len(gzip.compress(html)) / 1024:.1f} KB gzipped)"
        )
        self.stdout.write(f"  Queries: {len(queries.captured_queries)}")
        for name, body in js.items():
            self.stdout.write(f"  JS {name}: {len(body) / 1024:.1f} KB")
        self.stdout.write(f"  JS total: {js_total / 1024:.1f} KB ({js_gzip / 1024:.1f} KB gzipped)")
