"""Unique keys hold on both backends (on MongoDB: through the stand-in's fixes)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from taskapp.accounts.models import FailureCounter
from taskapp.tasks import services
from taskapp.tasks.models import TaskTag

pytestmark = pytest.mark.django_db


def test_it_refuses_a_second_counter_for_one_key():
    FailureCounter.objects.create(key="login:x", count=1, window_ends_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        FailureCounter.objects.create(key="login:x", count=1, window_ends_at=timezone.now())
    assert FailureCounter.objects.count() == 1


def test_it_refuses_a_tag_twice_on_one_task(user):
    task = services.task_create(owner=user, title="t", tags="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskTag.objects.bulk_create([TaskTag(task=task, owner=user, name="a")])
    assert TaskTag.objects.filter(task=task).count() == 1
