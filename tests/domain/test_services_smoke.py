import pytest
from django.contrib.auth.models import User

from taskapp.tasks import selectors, services
from taskapp.tasks.models import Task


@pytest.mark.django_db
def test_it_creates_lists_and_counts():
    user = User.objects.create_user("ann", password="x")
    task = services.task_create(owner=user, title="  Buy  milk ", tags="Home, errands", priority="high")
    assert task.title == "Buy milk"
    services.task_create(owner=user, title="Other", tags=["work"])
    assert [t.title for t in selectors.task_list(owner=user, filters=selectors.TaskFilter(tag="home"))] == ["Buy milk"]
    assert selectors.task_counts(owner=user)["open"] == 2
    services.task_update(task=task, status="done")
    assert Task.objects.get(pk=task.pk).completed_at is not None
    assert selectors.task_counts(owner=user) == {"open": 1, "done": 1, "overdue": 0, "trash": 0}
    assert selectors.owner_tags(owner=user) == ["errands", "home", "work"]
