"""Measure what the task list costs: HTML bytes and queries for 50 tasks, and the
JavaScript the page loads. `make measure-ui` runs it (on a throw-away SQLite
database under the cache directory); the figures are in docs/performance.md.

It creates a user, renders the list as that user and deletes the user again, so
it lives here, outside the packages the image ships, and never runs against a
production database by accident.
"""

import argparse
import gzip
import os
import re
import uuid
from pathlib import Path

SCRIPT_SRC = re.compile(r'<script src="/static/([^"]+)"')


def seed(user, count: int) -> None:
    from taskapp.tasks import services

    for number in range(count):
        services.task_create(
            owner=user,
            title=f"Task {number}: call the plumber",
            description="Ask about the boiler" if number % 2 else "",
            tags="home,errands" if number % 3 else "",
            due_date=f"2030-01-{number % 28 + 1:02d}" if number % 4 == 0 else None,
            priority=("low", "normal", "high", "urgent")[number % 4],
        )


def measure(tasks: int) -> tuple[bytes, int]:
    """The list page with ``tasks`` tasks, and the queries it took (after a warm-up)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

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
    return html, len(queries.captured_queries)


def report(html: bytes, queries: int, tasks: int) -> list[str]:
    from django.contrib.staticfiles import finders

    scripts = SCRIPT_SRC.findall(html.decode())
    js = {name: Path(finders.find(name)).read_bytes() for name in scripts}
    js_total = sum(len(body) for body in js.values())
    js_gzip = sum(len(gzip.compress(body)) for body in js.values())
    lines = [
        f"Task list with {tasks} tasks:",
        f"  HTML: {len(html) / 1024:.1f} KB ({len(gzip.compress(html)) / 1024:.1f} KB gzipped)",
        f"  Queries: {queries}",
    ]
    lines += [f"  JS {name}: {len(body) / 1024:.1f} KB" for name, body in js.items()]
    lines.append(f"  JS total: {js_total / 1024:.1f} KB ({js_gzip / 1024:.1f} KB gzipped)")
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--save-html", metavar="FILE", help="also write the page to FILE")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test.utils import override_settings

    # Static files from the apps, so no collectstatic is needed to measure.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        ALLOWED_HOSTS=["testserver"],
    ):
        html, queries = measure(args.tasks)
        if args.save_html:
            Path(args.save_html).write_bytes(html)
        print("\n".join(report(html, queries, args.tasks)))


if __name__ == "__main__":
    main()
