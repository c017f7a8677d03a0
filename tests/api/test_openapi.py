"""The OpenAPI schema and the Swagger UI, served locally."""

import re

import pytest

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
        "/api/v1/tasks/{task_id}",
        "/api/v1/tasks/{task_id}/restore",
        "/api/v1/tasks/{task_id}/permanent",
        "/api/v1/tags",
        "/api/v1/me",
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
