"""The OpenAPI schema and the Swagger UI, served locally."""

import json
import re
import uuid

import pytest

from taskapp.tasks.fields import EDITABLE_FIELDS, EXPORT_COLUMNS, TASK_FIELDS
from tests.api.openapi_check import OpenApi

pytestmark = pytest.mark.django_db


def test_it_serves_an_openapi_3_schema_listing_the_routes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/tasks",
        "/api/v1/tasks/export",
        "/api/v1/tasks/import",
        "/api/v1/tasks/bulk",
        "/api/v1/lists",
        "/api/v1/lists/{list_id}",
        "/api/v1/lists/{list_id}/restore",
        "/api/v1/lists/{list_id}/members",
        "/api/v1/lists/{list_id}/members/{username}",
        "/api/v1/lists/{list_id}/transfer",
        "/api/v1/tasks/{task_id}",
        "/api/v1/tasks/{task_id}/restore",
        "/api/v1/tasks/{task_id}/permanent",
        "/api/v1/tags",
        "/api/v1/me",
        # Planning (tests/api/test_planning.py)
        "/api/v1/tasks/parse",
        "/api/v1/tasks/{task_id}/subtasks",
        "/api/v1/tasks/{task_id}/subtasks/order",
        "/api/v1/tasks/{task_id}/subtasks/{subtask_id}",
        "/api/v1/tasks/{task_id}/reminders",
        "/api/v1/tasks/{task_id}/reminders/{reminder_id}",
        "/api/v1/tasks/{task_id}/recurrence",
        "/api/v1/calendar-feeds",
        "/api/v1/calendar-feeds/{feed_id}",
        "/api/task",
        "/api/task/",
        "/api/task/{title}",
        "/api/task/{title}/",
    }
    assert set(schema["paths"]["/api/v1/tasks/{task_id}"]) == {"get", "put", "patch", "delete"}


def test_it_describes_bearer_auth_and_the_error_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    listing = schema["paths"]["/api/v1/tasks"]["get"]
    assert listing["security"] == [{"TokenAuth": []}]
    not_found = listing["responses"]["404"]["content"]["application/json"]["schema"]
    assert not_found == {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {
        "code",
        "message",
        "fields",
    }


def test_it_serves_swagger_ui_without_a_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert '"url": "/api/v1/openapi.json"' in page
    external = re.findall(r'(?:src|href)="(https?:)?//', page)
    assert external == []
    assert "cdn" not in page.lower()


def test_it_serves_the_swagger_assets(client):
    response = client.get("/static/ninja/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert b"SwaggerUIBundle" in b"".join(response.streaming_content)
    response.close()


def _operation(schema, path, method):
    return schema["paths"][f"/api/v1/tasks{path}"][method]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/{task_id}", "put"),
        ("/{task_id}", "patch"),
        ("/{task_id}", "delete"),
        ("/{task_id}/restore", "post"),
        ("/{task_id}/permanent", "delete"),
    ],
)
def test_it_describes_the_if_match_header_on_writes(client, path, method):
    operation = _operation(client.get("/api/v1/openapi.json").json(), path, method)
    headers = [p for p in operation["parameters"] if p["in"] == "header"]
    assert [(p["name"], p["required"]) for p in headers] == [("If-Match", False)]
    assert "412" in headers[0]["description"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "path"} == {"task_id"}


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/{task_id}", "get", "200"),
        ("", "post", "201"),
        ("/{task_id}", "put", "200"),
        ("/{task_id}", "patch", "200"),
        ("/{task_id}", "delete", "204"),
        ("/{task_id}/restore", "post", "200"),
    ],
)
def test_it_describes_the_etag_response_header(client, path, method, status):
    operation = _operation(client.get("/api/v1/openapi.json").json(), path, method)
    assert operation["responses"][status]["headers"]["ETag"]["schema"] == {"type": "string"}
    assert "$ref" in str(operation["responses"][status]) or status == "204"


# --- The published task schema and the response check ------------------------------


def test_it_publishes_the_task_exactly_as_declared(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    task_out, export = components["TaskOut"], components["TaskExport"]
    declared = [field.name for field in TASK_FIELDS]
    assert set(task_out["properties"]) == {*declared, "url", "overdue", "in_trash", "etag"}
    assert set(task_out["required"]) == set(task_out["properties"])
    assert task_out["additionalProperties"] is False
    assert list(export["properties"]) == [
        *EXPORT_COLUMNS,
        "subtasks",  # the plan (taskapp.planning.exchange)
        "recurrence",
    ]
    assert "deleted_at" not in EXPORT_COLUMNS and "updated_by" not in EXPORT_COLUMNS
    assert task_out["properties"]["priority"]["enum"] == ["low", "normal", "high", "urgent"]


def test_it_accepts_the_fields_the_domain_edits(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(components["TaskIn"]["properties"]) == set(EDITABLE_FIELDS)
    assert set(components["TaskPatch"]["properties"]) == set(EDITABLE_FIELDS)


@pytest.fixture
def openapi(client):
    return OpenApi(client.get("/api/v1/openapi.json").json())


def _checked(openapi, body, status=200):
    content = json.dumps(body).encode()
    openapi.check("GET", f"/api/v1/tasks/{uuid.uuid4()}", status, "application/json", content)


def test_the_check_passes_a_task_as_the_api_renders_it(openapi, api_client, task):
    _checked(openapi, api_client.get(f"/api/v1/tasks/{task.id}").json())


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda body: body.update(extra=1), "Additional properties are not allowed"),
        (lambda body: body.pop("etag"), "'etag' is a required property"),
        (lambda body: body.update(priority="later"), "is not one of"),
        (lambda body: body.update(due_date="tomorrow"), "due_date"),
    ],
    ids=["extra field", "missing field", "unknown priority", "not a date"],
)
def test_the_check_fails_a_task_that_differs_from_the_schema(
    openapi, api_client, task, change, complaint
):
    body = api_client.get(f"/api/v1/tasks/{task.id}").json()
    change(body)
    with pytest.raises(AssertionError, match=complaint):
        _checked(openapi, body)


def test_the_check_fails_an_undocumented_status(openapi):
    with pytest.raises(AssertionError, match="answered 418, which its OpenAPI operation"):
        _checked(openapi, {"error": {"code": "teapot", "message": "No."}}, status=418)


def test_the_check_fails_a_body_on_no_content(openapi):
    with pytest.raises(AssertionError, match="answered 204 with a body"):
        openapi.check("DELETE", "/api/v1/tasks/x", 204, "application/json", b"{}")
