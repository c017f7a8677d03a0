"""App metrics count what the services did; /metrics is not on the public port."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import clear_url_caches
from prometheus_client import REGISTRY

from taskapp.tasks import services
from taskapp.tasks.models import Task

pytestmark = pytest.mark.django_db


def _value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def counts():
    names = ("created", "completed", "deleted")
    before = {n: _value(f"taskapp_tasks_{n}_total") for n in names}
    return lambda: {n: _value(f"taskapp_tasks_{n}_total") - before[n] for n in names}


def test_it_counts_tasks_created_completed_and_deleted(user, counts):
    task = services.task_create(owner=user, title="One")
    services.task_set_status(task=task, status="done")
    services.task_trash(task=task)

    assert counts() == {"created": 1, "completed": 1, "deleted": 1}


def test_it_counts_bulk_actions_and_imports(user, counts):
    services.tasks_import(owner=user, rows=[(1, {"title": "A"}), (2, {"title": "B"})])
    ids = list(Task.objects.filter(owner=user).values_list("pk", flat=True))
    services.tasks_bulk(owner=user, ids=ids, action="done")
    services.tasks_bulk(owner=user, ids=ids, action="trash")

    assert counts() == {"created": 2, "completed": 2, "deleted": 2}


def test_it_does_not_count_what_did_not_happen(user, counts):
    task = services.task_create(owner=user, title="One")
    services.task_update(task=task, title="Renamed")
    services.task_trash(task=task)
    services.task_trash(task=task)  # already in the trash

    assert counts() == {"created": 1, "completed": 0, "deleted": 1}


def test_it_counts_database_errors_by_source(api_client, client, database_down):
    before = _value("taskapp_database_errors_total", source="request")
    before_ready = _value("taskapp_database_errors_total", source="readiness")

    api_client.get("/api/v1/tasks")
    client.get("/readyz")

    assert _value("taskapp_database_errors_total", source="request") == before + 1
    assert _value("taskapp_database_errors_total", source="readiness") == before_ready + 1


def test_it_shows_zero_database_errors_before_the_first_one():
    # A fresh process: dashboards show 0 for each source, not "no data".
    script = (
        "from prometheus_client import REGISTRY; import config.metrics; "
        "print([REGISTRY.get_sample_value('taskapp_database_errors_total', {'source': s}) "
        "for s in ('request', 'readiness')])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS_")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[0.0, 0.0]"


def test_it_does_not_serve_metrics_on_the_app_port_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_it_serves_metrics_on_the_app_port_when_asked(client, settings):
    import importlib

    import config.urls

    settings.METRICS_ON_APP_PORT = True
    try:
        with override_settings(ROOT_URLCONF="config.urls"):
            importlib.reload(config.urls)
            clear_url_caches()
            response = client.get("/metrics")
    finally:
        settings.METRICS_ON_APP_PORT = False
        importlib.reload(config.urls)
        clear_url_caches()
    assert response.status_code == 200
    assert b"taskapp_tasks_created_total" in response.content
    assert b"django_http_requests_total_by_view_transport_method_total" in response.content
