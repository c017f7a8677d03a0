"""Input that used to reach the database unchecked and answer 500 (issue 10):
lone surrogates, offsets past 64-bit integers, dates given as numbers. Each is a
422 with the usual error body now, and the OpenAPI schema says what is accepted."""

import json
from unittest.mock import ANY

import pytest

from taskapp.tasks.models import Task
from tests.api.helpers import error

SURROGATE = '"\\ud800"'  # a JSON escape that decodes to a lone surrogate


def with_surrogate(template: str) -> str:
    """The JSON text ``template`` with ``@`` replaced by a lone surrogate's escape."""
    return template.replace("@", SURROGATE)


def post_json(client, path, raw: str):
    return client.post(path, raw, content_type="application/json")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (with_surrogate('{"title": @}'), "title"),
        (with_surrogate('{"title": "x", "description": @}'), "description"),
        (with_surrogate('{"title": "x", "tags": [@]}'), "tags"),
        ('{"title": "a\\udfffb"}', "title"),
    ],
)
def test_a_lone_surrogate_is_a_validation_error(api_client, raw, field):
    response = post_json(api_client, "/api/v1/tasks", raw)
    assert response.status_code == 422
    assert response.json() == error("validation_error", fields={field: [ANY]})


def test_a_lone_surrogate_in_a_patch_and_the_original_routes_is_refused(api_client, task):
    response = api_client.patch(
        f"/api/v1/tasks/{task.id}",
        with_surrogate('{"description": @}'),
        content_type="application/json",
    )
    assert response.status_code == 422
    legacy = post_json(api_client, "/api/task/", with_surrogate('{"title": @, "description": ""}'))
    assert legacy.status_code == 422
    assert legacy.json()["error"]["fields"] == {
        "title": ["Title must be valid Unicode text (no lone surrogates)."]
    }
    assert Task.objects.count() == 1


def test_a_lone_surrogate_in_an_import_names_the_row(api_client):
    raw = with_surrogate('[{"title": "fine"}, {"title": @}]')
    response = post_json(api_client, "/api/v1/tasks/import", raw)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "rows": {"2": {"title": ["Title must be valid Unicode text (no lone surrogates)."]}}
    }
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=99999999999999999999", "offset"),
        ("offset=1000000001", "offset"),
        ("due_before=0", "due_before"),
        ("due_after=1700000000", "due_after"),
        ("due_before=2030-02-30", "due_before"),
        ("q=" + "x" * 201, "q"),
        ("tag=" + "x" * 201, "tag"),
    ],
)
def test_out_of_range_query_parameters_are_validation_errors(api_client, query, field):
    for path in ("/api/v1/tasks", "/api/v1/tasks/export"):
        response = api_client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, response.content)
        assert list(response.json()["error"]["fields"]) == [field]


def test_the_largest_offset_is_an_empty_page(api_client, task):
    response = api_client.get("/api/v1/tasks?offset=1000000000")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_due_date_given_as_a_number_is_refused(api_client):
    response = post_json(api_client, "/api/v1/tasks", '{"title": "x", "due_date": 0}')
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["due_date"]


def test_the_schema_publishes_the_sort_values_and_the_text_rules(client):
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/tasks"]["get"]["parameters"]
    sort = next(p for p in parameters if p["name"] == "sort")["schema"]
    assert set(sort["enum"]) == {
        f"{sign}{key}"
        for key in ("due", "priority", "created", "updated", "title")
        for sign in "-+"
    } - {f"+{key}" for key in ("due", "priority", "created", "updated", "title")} | {
        "due",
        "priority",
        "created",
        "updated",
        "title",
    }
    offset = next(p for p in parameters if p["name"] == "offset")["schema"]
    assert offset["maximum"] == 1_000_000_000
    task_in = document["components"]["schemas"]["TaskIn"]["properties"]
    assert task_in["title"]["maxLength"] == 200 and "pattern" in task_in["title"]
    assert task_in["description"]["anyOf"][0]["maxLength"] == 10_000
    tags = task_in["tags"]["anyOf"][0]
    assert tags["maxItems"] == 20 and tags["items"]["maxLength"] == 32


@pytest.mark.parametrize(
    ("title", "accepted"),
    [
        ("Plan trip", True),
        ("  padded  ", True),
        ("   ", False),
        ("a\x00b", False),
        ("tab\tok", True),
    ],
)
def test_the_published_title_pattern_is_the_rule_the_api_applies(api_client, title, accepted):
    import re

    from api.schemas import TITLE_PATTERN

    assert bool(re.match(TITLE_PATTERN, title)) is accepted
    response = api_client.post(
        "/api/v1/tasks", json.dumps({"title": title}), content_type="application/json"
    )
    assert (response.status_code == 201) is accepted
