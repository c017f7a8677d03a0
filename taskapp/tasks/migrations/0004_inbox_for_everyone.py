"""Give every user an Inbox and put every task that has no list into its owner's.

Plain ORM writes, no transaction needed: run twice, it finds the Inboxes it made
and the tasks it moved, so a crash half-way is repaired by running it again (the
same on SQLite and MongoDB).
"""

import uuid

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def make_inboxes(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    TaskList = apps.get_model("tasks", "TaskList")
    Task = apps.get_model("tasks", "Task")
    have = set(TaskList.objects.filter(is_inbox=True).values_list("owner_id", flat=True))
    now = timezone.now()
    missing = [
        TaskList(id=uuid.uuid4(), owner_id=pk, name="Inbox", is_inbox=True, created_at=now)
        for pk in User.objects.values_list("pk", flat=True)
        if pk not in have
    ]
    TaskList.objects.bulk_create(missing, batch_size=500)
    owners = set(
        Task.objects.filter(task_list__isnull=True).values_list("owner_id", flat=True).distinct()
    )
    for inbox in TaskList.objects.filter(is_inbox=True, owner_id__in=owners):
        Task.objects.filter(owner_id=inbox.owner_id, task_list__isnull=True).update(
            task_list=inbox
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0003_lists"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(make_inboxes, migrations.RunPython.noop)]
