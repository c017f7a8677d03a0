"""Check a response against the published OpenAPI document (/api/v1/openapi.json).

tests/api/conftest.py runs every response of the API tests through ``check``, so
the schema clients generate code from cannot drift from what the API answers.
"""

import json
import re
from functools import cached_property

from jsonschema import Draft202012Validator

NO_BODY = (204, 304)
# Any route can fail this way; the body is still the one error shape.
UNDOCUMENTED_ERRORS = (500,)


class OpenApi:
    def __init__(self, document: dict):
        self.document = document

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern, str]]:
        # Literal paths before templated ones: /tasks/export is not /tasks/{task_id}.
        templates = sorted(self.document["paths"], key=lambda path: path.count("{"))
        return [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"), template)
            for template in templates
        ]

    def operation(self, method: str, path: str) -> dict | None:
        """The operation that serves ``method path``; None for an undocumented route."""
        for pattern, template in self._routes:
            if pattern.match(path):
                return self.document["paths"][template].get(method.lower())
        return None

    def validate(self, schema: dict, body) -> None:
        """Raise AssertionError naming the first mismatch of ``body`` with ``schema``."""
        root = {**schema, "components": self.document["components"]}
        validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
        error = next(iter(validator.iter_errors(body)), None)
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(body)"
            raise AssertionError(
                f"response does not match the OpenAPI schema at {where}: {error.message}"
            )

    def check(self, method: str, path: str, status: int, content_type: str, content: bytes):
        """Raise AssertionError unless the response is one the document describes."""
        operation = self.operation(method, path)
        if operation is None or status in UNDOCUMENTED_ERRORS:
            # A route or method the API does not have, or a crash: still the one error shape.
            if status >= 400 and content:
                self.validate({"$ref": "#/components/schemas/ErrorOut"}, json.loads(content))
            return
        documented = operation["responses"].get(str(status))
        assert documented is not None, (
            f"{method} {path} answered {status}, which its OpenAPI operation does not list "
            f"({', '.join(operation['responses'])})"
        )
        if status in NO_BODY:
            assert content == b"", f"{method} {path} answered {status} with a body"
            return
        media = content_type.split(";")[0].strip()
        schema = documented.get("content", {}).get(media, {}).get("schema")
        assert media in documented.get("content", {}), (
            f"{method} {path} answered {status} as {media}, which is not documented"
        )
        if schema is not None:
            self.validate(schema, json.loads(content))
