"""Fixtures of the API tests: tasks of two users."""

import pytest

from taskapp.tasks import services


@pytest.fixture
def task(user):
    return services.task_create(owner=user, title="Write report", description="Quarterly")


@pytest.fixture
def other_task(other_user):
    return services.task_create(owner=other_user, title="Bob's task", description="private")
