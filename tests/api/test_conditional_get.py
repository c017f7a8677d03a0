"""Conditional GET of a task (issue 10): If-None-Match with the current ETag
answers 304 without a body; any change makes it 200 again."""

import pytest


def test_the_current_etag_answers_304_without_a_body(api_client, task):
    url = f"/api/v1/tasks/{task.id}"
    etag = api_client.get(url)["ETag"]
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("header", ["*", "W/{etag}", '"other-1", {etag}'])
def test_weak_lists_and_star_match_too(api_client, task, header):
    url = f"/api/v1/tasks/{task.id}"
    etag = api_client.get(url)["ETag"]
    response = api_client.get(url, HTTP_IF_NONE_MATCH=header.format(etag=etag))
    assert response.status_code == 304


def test_a_changed_task_answers_200_with_its_new_etag(api_client, task):
    url = f"/api/v1/tasks/{task.id}"
    old = api_client.get(url)["ETag"]
    api_client.patch(url, '{"title": "changed"}', content_type="application/json")
    response = api_client.get(url, HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response["ETag"] != old and response.json()["title"] == "changed"


def test_another_users_task_is_still_404(other_api_client, task):
    response = other_api_client.get(f"/api/v1/tasks/{task.id}", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404
