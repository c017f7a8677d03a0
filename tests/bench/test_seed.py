"""The bench's seeding: real rows through the service layer, a working token."""

import random
from datetime import date

from bench.seed import BENCH_USERNAME, seed, task_fields
from taskapp.accounts.models import ApiToken
from taskapp.tasks.models import Status, Task, TaskTag


def test_it_seeds_the_asked_number_of_tasks_for_one_user(db, user):
    seeded = seed(count=12)

    tasks = Task.objects.filter(owner__username=BENCH_USERNAME)
    assert tasks.count() == 12
    assert sorted(str(pk) for pk in tasks.values_list("pk", flat=True)) == sorted(seeded.task_ids)
    assert not Task.objects.filter(owner=user).exists()


def test_it_writes_tag_rows_like_the_service_layer_does(db):
    seed(count=12)

    for task in Task.objects.filter(owner__username=BENCH_USERNAME):
        names = set(TaskTag.objects.filter(task=task).values_list("name", flat=True))
        assert names == set(task.tag_names)
        assert task.version == 1
        assert (task.completed_at is not None) == (task.status == Status.DONE)


def test_it_issues_a_token_that_authenticates_the_bench_user(db):
    seeded = seed(count=1)

    token = ApiToken.objects.for_raw_token(seeded.token)
    assert token is not None
    assert token.user.username == BENCH_USERNAME


def test_it_makes_the_same_tasks_from_the_same_seed():
    today = date(2026, 1, 15)
    first = [task_fields(random.Random(7), n, today) for n in range(20)]  # noqa: S311
    again = [task_fields(random.Random(7), n, today) for n in range(20)]  # noqa: S311
    assert first == again


def test_it_makes_a_varied_mix_of_tasks():
    rng = random.Random(1000)  # noqa: S311
    fields = [task_fields(rng, n, date(2026, 1, 15)) for n in range(200)]

    assert {f["priority"] for f in fields} == {"low", "normal", "high", "urgent"}
    assert {f.get("status", "open") for f in fields} == {"open", "done"}
    assert any("due_date" in f for f in fields)
    assert any("due_date" not in f for f in fields)
    assert any(f["tags"] for f in fields)
    assert any(not f["tags"] for f in fields)
