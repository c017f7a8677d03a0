"""Management commands: purge_trash and create_api_token, their output and errors."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from taskapp.accounts.models import ApiToken
from taskapp.tasks import services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def trash(user):
    """One task trashed 40 days ago, one 2 days ago, one not trashed."""
    now = timezone.now()
    for title, age in (("old", 40), ("recent", 2)):
        task = services.task_create(owner=user, title=title)
        Task.objects.filter(pk=task.pk).update(deleted_at=now - timedelta(days=age))
    services.task_create(owner=user, title="active")


def test_it_purges_tasks_older_than_the_given_days(trash):
    out, _ = run("purge_trash", "--older-than", "30")
    assert out == "Deleted 1 task(s) from the trash.\n"
    assert set(Task.objects.values_list("title", flat=True)) == {"recent", "active"}


def test_it_empties_the_whole_trash_with_zero_days(trash):
    out, _ = run("purge_trash", "--older-than=0")
    assert out == "Deleted 2 task(s) from the trash.\n"
    assert list(Task.objects.values_list("title", flat=True)) == ["active"]


def test_it_only_counts_on_a_dry_run(trash):
    out, _ = run("purge_trash", "--older-than", "1", "--dry-run")
    assert out == "Would delete 2 task(s) from the trash (dry run).\n"
    assert Task.objects.count() == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten", "--older-than must be a whole number of days, got 'ten'."),
        ("-1", "--older-than must be between 0 and 36500 days, got -1."),
        ("99999", "--older-than must be between 0 and 36500 days, got 99999."),
    ],
)
def test_it_names_a_bad_number_of_days(trash, value, message):
    with pytest.raises(CommandError) as excinfo:
        run("purge_trash", f"--older-than={value}")
    assert str(excinfo.value) == message
    assert Task.objects.count() == 3


def test_it_requires_older_than():
    with pytest.raises(CommandError, match="--older-than"):
        run("purge_trash")


def test_it_prints_a_new_token_once(user):
    out, err = run("create_api_token", "ann", "backup script")
    raw = out.strip()
    token = ApiToken.objects.get(user=user)
    assert token.name == "backup script"
    assert ApiToken.objects.for_raw_token(raw) == token
    assert "Store it now: it is not shown again." in err
    assert raw not in err


def test_it_names_an_unknown_user(db):
    with pytest.raises(CommandError) as excinfo:
        run("create_api_token", "nobody", "x")
    assert str(excinfo.value) == "No user named 'nobody'."
    assert not ApiToken.objects.exists()


def test_it_refuses_an_inactive_user_and_a_blank_name(user):
    with pytest.raises(CommandError, match=r"Give the token a name\."):
        run("create_api_token", "ann", "  ")
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="inactive"):
        run("create_api_token", "ann", "x")
    assert not ApiToken.objects.exists()
