"""The import page's upload has the request's byte cap (issue 10): a larger file is
skipped while it arrives and answered 413 with the message next to the field."""

from django.core.files.uploadedfile import SimpleUploadedFile

from taskapp.tasks.models import Task


def test_a_file_over_the_byte_cap_answers_413_next_to_the_field(logged_in_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    content = b"title\n" + b"a task\n" * 20_000  # 140 KB
    response = logged_in_client.post("/import/", {"file": SimpleUploadedFile("t.csv", content)})
    html = response.content.decode()
    assert response.status_code == 413
    assert 'id="error-file">The file is larger than 65536 bytes.' in html
    assert not Task.objects.exists()


def test_a_file_under_the_byte_cap_is_imported(logged_in_client, settings, user):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    content = b"title\n" + b"a task\n" * 1_000  # 7 KB
    response = logged_in_client.post("/import/", {"file": SimpleUploadedFile("t.csv", content)})
    assert response.status_code == 302
    assert Task.objects.filter(owner=user).count() == 1_000


def test_a_file_over_the_row_cap_is_refused_next_to_the_field(logged_in_client):
    content = b"title\n" + b"a\n" * 10_001
    response = logged_in_client.post("/import/", {"file": SimpleUploadedFile("t.csv", content)})
    assert response.status_code == 422
    assert 'id="error-file">At most 10000 tasks per import.' in response.content.decode()
    assert not Task.objects.exists()


def test_a_json_file_with_too_many_values_answers_413(logged_in_client):
    content = b'[{"title": "x", "tags": [' + b'"ab",' * 600_000 + b'"ab"]}]'
    response = logged_in_client.post("/import/", {"file": SimpleUploadedFile("t.json", content)})
    assert response.status_code == 413
    assert "holds more than 500000 values" in response.content.decode()
