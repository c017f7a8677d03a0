import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taskapp.tasks import services
from taskapp.tasks.models import Task
from tests.streaming import body, json_body


def test_it_shows_the_page(logged_in_client):
    html = logged_in_client.get("/import/").content.decode()
    assert 'href="/export/?format=json"' in html and 'href="/export/?format=csv"' in html
    assert 'type="file" name="file"' in html


def test_it_exports_json(logged_in_client, user, other_user):
    services.task_create(owner=user, title="Mine", tags="a")
    services.task_create(owner=other_user, title="Theirs")
    response = logged_in_client.get("/export/?format=json")
    assert response["Content-Type"] == "application/json"
    assert 'filename="tasks.json"' in response["Content-Disposition"]
    assert [t["title"] for t in json_body(response)] == ["Mine"]


def test_it_exports_csv(logged_in_client, user):
    services.task_create(owner=user, title="Mine", tags="a,b")
    response = logged_in_client.get("/export/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = body(response).decode().splitlines()
    assert lines[0].startswith("id,title,")
    assert ",Mine," in lines[1] and '"a,b"' in lines[1]


def test_it_refuses_an_unknown_format(logged_in_client, task):
    response = logged_in_client.get("/export/?format=xml")
    assert response.status_code == 404
    assert "Content-Disposition" not in response and b"Buy milk" not in response.content


def test_it_imports_csv(logged_in_client, user):
    upload = SimpleUploadedFile("t.csv", b"title,priority,tags\nOne,high,x\nTwo,,\n")
    response = logged_in_client.post("/import/", {"file": upload})
    assert response.status_code == 302 and response["Location"] == "/"
    assert sorted(Task.objects.filter(owner=user).values_list("title", flat=True)) == ["One", "Two"]
    assert "Imported 2 tasks." in logged_in_client.get("/").content.decode()


def test_it_imports_an_export(logged_in_client, user):
    services.task_create(owner=user, title="Mine")
    exported = body(logged_in_client.get("/export/?format=json"))
    logged_in_client.post("/import/", {"file": SimpleUploadedFile("t.json", exported)})
    assert Task.objects.filter(owner=user, title="Mine").count() == 2


def test_it_imports_nothing_when_a_row_is_bad_and_numbers_the_rows(logged_in_client, user):
    body = json.dumps([{"title": "Fine"}, {"title": ""}, {"title": "x", "priority": "huge"}])
    response = logged_in_client.post(
        "/import/", {"file": SimpleUploadedFile("t.json", body.encode())}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was imported." in html
    assert "Row 2" in html and "Row 3" in html and "Row 1" not in html
    assert not Task.objects.exists()


def test_it_explains_an_unreadable_file(logged_in_client):
    response = logged_in_client.post("/import/", {"file": SimpleUploadedFile("t.json", b"{oops")})
    assert response.status_code == 422
    assert 'id="error-file"' in response.content.decode()
    assert "not valid JSON" in response.content.decode()


@pytest.mark.parametrize(("name", "body"), [("t.csv", b"title,priority,tags\n"), ("t.json", b"[]")])
def test_it_refuses_a_file_without_tasks(logged_in_client, user, name, body):
    response = logged_in_client.post("/import/", {"file": SimpleUploadedFile(name, body)})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="error-file">The file has no tasks.' in html and "Imported" not in html
    assert not Task.objects.exists()


def test_it_requires_a_file(logged_in_client):
    response = logged_in_client.post("/import/", {})
    assert response.status_code == 422 and b'id="error-file"' in response.content
