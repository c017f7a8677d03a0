"""The import page when an import cannot be written: a message next to the file
field, and nothing written (tests/import_world.py says what "nothing" covers)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taskapp.tasks import lists, services
from taskapp.tasks.models import ListMember, Task
from tests.import_world import fail_on_call, import_rows, share_family, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(client, user, other_user):
    """bob signed in, an editor of ann's "Family"."""
    family = share_family(user, other_user)
    lists.inbox_for(other_user)
    client.force_login(other_user)
    return client, family


def upload(rows):
    return {"file": SimpleUploadedFile("tasks.json", json.dumps(rows).encode())}


def file_error(response) -> str:
    html = response.content.decode()
    start = html.index('id="error-file"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def test_a_write_failing_midway_shows_a_message_by_the_file_and_changes_nothing(bob, monkeypatch):
    client, family = bob
    monkeypatch.setattr(services, "IMPORT_BATCH", 2)
    before = world()
    fail_on_call(monkeypatch, Task, 2)
    response = client.post("/import/", upload(import_rows(family)))
    assert response.status_code == 503
    assert file_error(response) == (
        "The import could not be saved; nothing was imported. Try again in a moment."
    )
    assert 'aria-describedby="error-file"' in response.content.decode()
    assert world() == before


def test_a_viewer_naming_a_list_they_only_view_gets_403_and_the_row(bob, other_user):
    client, family = bob
    ListMember.objects.filter(task_list=family, user=other_user).update(role="viewer")
    before = world()
    response = client.post("/import/", upload(import_rows(family, count=3)))
    assert response.status_code == 403
    assert file_error(response) == (
        "You can only view the list named in row(s) 2; nothing was imported."
    )
    html = response.content.decode()
    assert "Row 2" in html and "You can only view this list." in html
    assert world() == before
