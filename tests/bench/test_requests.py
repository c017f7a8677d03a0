"""The requests the bench sends are the ones the API answers as the bench expects,
so that `make bench` never measures error answers as speed."""

import json

import pytest
from django.test import Client

from bench import profile, run
from bench.seed import seed
from taskapp.tasks.models import Task


@pytest.fixture
def seeded(db):
    return seed(count=60)


@pytest.mark.parametrize("endpoint", run.ENDPOINTS, ids=lambda e: e.name)
def test_it_gets_the_expected_status_from_each_endpoint(seeded, endpoint):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.token}")

    response = profile.sender(client, endpoint, seeded.task_ids)()

    assert response.status_code == endpoint.expect, response.content


def test_it_lists_a_full_page_of_fifty(seeded):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.token}")
    endpoint = next(e for e in run.ENDPOINTS if e.name == "list")

    response = profile.sender(client, endpoint, seeded.task_ids)()

    assert run.page_size(response.content) == 50


def test_it_really_writes_on_every_update(seeded):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.token}")
    endpoint = next(e for e in run.ENDPOINTS if e.name == "update")
    send = profile.sender(client, endpoint, seeded.task_ids)

    first, second = send(), send()

    titles = {json.loads(first.content)["title"], json.loads(second.content)["title"]}
    assert titles == {"Bench update 1", "Bench update 2"}
    assert Task.objects.filter(title__startswith="Bench update", version=2).count() == 2
