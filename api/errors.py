"""The API's one error shape, and how every failure is turned into it.

Body: ``{"error": {"code", "message", "fields"}}`` (taskapp.errors.error_body).
Codes are stable so that clients can branch on them; messages are for people.
Database errors are deliberately not handled here: the runtime middleware turns
them into 503 ``database_unavailable`` for the whole site.
"""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from taskapp.errors import error_body
from taskapp.tasks.exchange import ImportFileError
from taskapp.tasks.models import Task
from taskapp.tasks.services import ImportRejected, StaleVersion


class ApiError(Exception):
    """An error answered as it is: status, stable code, message, optional fields."""

    def __init__(self, status, code, message, fields=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def error_response(status, code, message, fields=None, headers=None) -> JsonResponse:
    response = JsonResponse(error_body(code, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found(message="No task with this id.") -> ApiError:
    return ApiError(404, "not_found", message)


def unauthorized(message) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def invalid_json(exc) -> ApiError:
    return ApiError(400, "invalid_json", f"The request body is not valid JSON: {exc}")


def unsupported_media_type(accepted=("application/json",)) -> ApiError:
    return ApiError(
        415,
        "unsupported_media_type",
        f"Send the body with Content-Type: {' or '.join(accepted)}.",
    )


def payload_too_large() -> ApiError:
    from django.conf import settings

    return ApiError(
        413,
        "payload_too_large",
        f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
    )


def validation_error(fields, message="Some fields are invalid.") -> ApiError:
    return ApiError(422, "validation_error", message, fields)


# --- Exception handlers, registered on the NinjaAPI ---------------------------------


def _field_name(loc) -> str:
    # ("body", "payload", "tags", 2) -> "tags.2"; ("query", "limit") -> "limit";
    # ("body", "payload") -> "body" (the parameter's name means nothing to clients).
    if _is_whole_body(loc):
        return "body"
    parts = [str(part) for part in loc[1:]]
    if len(parts) > 1 and loc[0] == "body":
        parts = parts[1:]  # drop the name of the body parameter
    return ".".join(parts) or str(loc[0])


def _is_whole_body(loc) -> bool:
    # ("body", "payload"): the body itself, named after the view's parameter.
    return len(loc) == 2 and loc[0] == "body"


def _pydantic_message(error) -> str:
    if _is_whole_body(error["loc"]):
        if error["type"] == "missing":
            return "The request body is empty; send a JSON object."
        return "The request body must be a JSON object."
    if error["type"] == "extra_forbidden":
        return "Unknown field."
    if error["type"] == "missing":
        return "This field is required."
    return error["msg"]


def on_api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


def on_ninja_validation(request, exc: NinjaValidationError):
    # A malformed id in the path cannot name any task: answer as for a missing one.
    if any(error["loc"][0] == "path" for error in exc.errors):
        return on_api_error(request, not_found())
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error["loc"]), []).append(_pydantic_message(error))
    return on_api_error(request, validation_error(fields))


def on_domain_validation(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return on_api_error(request, validation_error(exc.message_dict))
    return on_api_error(request, validation_error({}, " ".join(exc.messages)))


def on_http_error(request, exc: HttpError):
    # Ninja wraps body parser failures in HttpError(400); our parser raises the
    # precise ApiError (415, 400 invalid_json) as the cause.
    if isinstance(exc.__cause__, ApiError):
        return on_api_error(request, exc.__cause__)
    if isinstance(exc, AuthenticationError):
        return on_api_error(
            request, unauthorized("Send a valid API token: Authorization: Bearer <token>.")
        )
    code = {400: "bad_request", 403: "forbidden", 404: "not_found"}.get(exc.status_code, "error")
    return error_response(exc.status_code, code, exc.message)


def on_not_found(request, exc):
    return on_api_error(request, not_found())


def on_stale(request, exc):
    return error_response(
        412,
        "precondition_failed",
        "The task changed since you read it (If-Match does not match its ETag). "
        "Fetch it again and retry.",
    )


def on_import_rejected(request, exc: ImportRejected):
    rows = {str(number): errors for number, errors in exc.errors.items() if number}
    fields = {"rows": rows} if rows else {}
    if 0 in exc.errors:
        fields.update(exc.errors[0])
    count = len(rows)
    message = (
        f"{count} row(s) are invalid; nothing was imported."
        if count
        else "The file was rejected; nothing was imported."
    )
    return on_api_error(request, validation_error(fields, message))


def on_import_file_error(request, exc: ImportFileError):
    return on_api_error(request, validation_error({"file": [str(exc)]}, str(exc)))


def on_too_big(request, exc):
    return on_api_error(request, payload_too_large())


HANDLERS = {
    ApiError: on_api_error,
    NinjaValidationError: on_ninja_validation,
    DjangoValidationError: on_domain_validation,
    HttpError: on_http_error,
    Http404: on_not_found,
    Task.DoesNotExist: on_not_found,
    StaleVersion: on_stale,
    ImportRejected: on_import_rejected,
    ImportFileError: on_import_file_error,
    RequestDataTooBig: on_too_big,
}


def install(api) -> None:
    """Register our handlers; drop ninja's catch-all so unexpected errors (and
    DatabaseError, answered 503 by the runtime middleware) propagate to Django."""
    api._exception_handlers.pop(Exception, None)
    for exc_class, handler in HANDLERS.items():
        api.add_exception_handler(exc_class, handler)
