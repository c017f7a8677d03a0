"""The API's one error shape, its one table of codes, and how every failure is
turned into it.

Body: ``{"error": {"code", "message", "fields"}}``, built only by error_body().
Codes are stable so that clients can branch on them (docs/api.md, "Errors");
messages are for people. Every answer in this shape comes from here: the
exception handlers of the NinjaAPI (install()), ApiErrorMiddleware for Django's
and ninja's own non-JSON answers (rewrite()), Django's error handlers and the
503 of config.middleware for database outages. Database errors are deliberately
not handled by the NinjaAPI: they propagate to that middleware.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from taskapp.tasks.bounded import TooLarge
from taskapp.tasks.exchange import ImportFileError
from taskapp.tasks.models import Task, TaskList
from taskapp.tasks.services import ImportForbidden, ImportRejected, StaleVersion, WriteContention


@dataclass(frozen=True)
class ErrorCode:
    status: int
    message: str  # the default; a raise site may say more precisely what is wrong
    # Whether an answer that only has this HTTP status (Django's and ninja's own
    # answers) gets this code; the first such code listed for a status wins.
    for_status: bool = True


# The one table of codes; docs/api.md ("Errors") documents each.
ERRORS = {
    "bad_request": ErrorCode(400, "The request could not be understood."),
    "invalid_json": ErrorCode(400, "The request body is not valid JSON.", for_status=False),
    "unauthorized": ErrorCode(401, "Send a valid API token: Authorization: Bearer <token>."),
    "forbidden": ErrorCode(403, "You are not allowed to do this."),
    "not_found": ErrorCode(404, "Nothing here."),
    "method_not_allowed": ErrorCode(405, "This method is not allowed here."),
    "conflict": ErrorCode(409, "The request conflicts with the current state."),
    "precondition_failed": ErrorCode(
        412,
        "The task changed since you read it (If-Match does not match its ETag). "
        "Fetch it again and retry.",
    ),
    "payload_too_large": ErrorCode(413, "The request body is too large."),
    "unsupported_media_type": ErrorCode(415, "Send the body with Content-Type: application/json."),
    "validation_error": ErrorCode(422, "Some fields are invalid."),
    "rate_limited": ErrorCode(429, "Too many requests; retry later."),
    "server_error": ErrorCode(500, "Something went wrong on our side."),
    "database_unavailable": ErrorCode(
        503, "The database is unavailable. Try again in a few seconds.", for_status=False
    ),
    "database_busy": ErrorCode(
        503, "The database is busy with other writes. Retry in a moment.", for_status=False
    ),
    # A 4xx no other code covers (none of our routes answers one); its status is
    # the one of the answer it replaces.
    "client_error": ErrorCode(400, "The request was refused.", for_status=False),
}


def codes_summary() -> str:
    """Every code with its status, for the API's description (OpenAPI, /api/docs)."""

    def status(code, error):
        return "any other 4xx" if code == "client_error" else error.status

    return ", ".join(f"{code} ({status(code, error)})" for code, error in ERRORS.items())


def code_for_status(status: int) -> str:
    """The code for an answer that only has an HTTP status."""
    for code, error in ERRORS.items():
        if error.status == status and error.for_status:
            return code
    return "client_error" if status < 500 else "server_error"


def is_api_request(request) -> bool:
    """Whether to answer in the API's JSON error shape: under /api/, and for every
    path on the api role (which serves nothing else)."""
    return request.path.startswith("/api/") or request.path == "/api" or settings.ROLE == "api"


def error_body(code: str, message: str | None = None, fields: dict | None = None) -> dict:
    """The one error shape of the API: {"error": {"code", "message", "fields"}}."""
    body = {"code": code, "message": message or ERRORS[code].message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def error_response(
    code: str,
    message: str | None = None,
    fields: dict | None = None,
    headers: dict | None = None,
    status: int | None = None,
) -> JsonResponse:
    """The error as a response; ``status`` only where it is not the code's own (an
    answer rewritten from a bare status, see rewrite())."""
    response = JsonResponse(error_body(code, message, fields), status=status or ERRORS[code].status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiError(Exception):
    """An error answered as it is: stable code, message, optional fields and headers."""

    def __init__(self, code, message=None, fields=None, headers=None):
        self.code = code
        self.message = message or ERRORS[code].message
        super().__init__(self.message)
        self.fields = fields
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return ERRORS[self.code].status

    def response(self) -> JsonResponse:
        return error_response(self.code, self.message, self.fields, self.headers)


def not_found(message="No task with this id.") -> ApiError:
    return ApiError("not_found", message)


def unauthorized(message=None) -> ApiError:
    return ApiError("unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def invalid_json(exc) -> ApiError:
    return ApiError("invalid_json", f"The request body is not valid JSON: {exc}")


def unsupported_media_type(accepted=("application/json",)) -> ApiError:
    return ApiError(
        "unsupported_media_type",
        f"Send the body with Content-Type: {' or '.join(accepted)}.",
    )


def payload_too_large(message: str | None = None) -> ApiError:
    return ApiError(
        "payload_too_large",
        message or f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
    )


def validation_error(fields, message=None) -> ApiError:
    return ApiError("validation_error", message, fields)


# --- Django's and ninja's own answers (ApiErrorMiddleware) ---------------------------

# Headers of the original answer that still apply to the error.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def rewrite(response) -> JsonResponse:
    """A non-JSON error answer (HTML 404, bare 405, DEBUG's 500 page) in our shape,
    with the same status and the headers that still apply."""
    status = response.status_code
    code = code_for_status(status)
    message = None
    if code == "method_not_allowed" and response.has_header("Allow"):
        message = f"This method is not allowed here; allowed: {response['Allow']}."
    elif code == "payload_too_large":
        message = payload_too_large().message
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return error_response(code, message, headers=headers, status=status)


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
    return exc.response()


def on_ninja_validation(request, exc: NinjaValidationError):
    # A malformed id in the path cannot name any task: answer as for a missing one.
    if any(error["loc"][0] == "path" for error in exc.errors):
        return not_found().response()
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error["loc"]), []).append(_pydantic_message(error))
    return validation_error(fields).response()


def on_domain_validation(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return validation_error(exc.message_dict).response()
    return validation_error({}, " ".join(exc.messages)).response()


def on_http_error(request, exc: HttpError):
    # Ninja wraps body parser failures in HttpError(400); our parser raises the
    # precise ApiError (415, 400 invalid_json) as the cause.
    if isinstance(exc.__cause__, ApiError):
        return exc.__cause__.response()
    if isinstance(exc, AuthenticationError):
        return unauthorized().response()
    return error_response(code_for_status(exc.status_code), exc.message, status=exc.status_code)


def on_not_found(request, exc):
    return not_found().response()


def on_list_not_found(request, exc):
    return not_found("No list with this id.").response()


def on_forbidden(request, exc):
    return error_response("forbidden", str(exc) or None)


def on_stale(request, exc):
    return error_response("precondition_failed")


def on_contention(request, exc):
    # A write without If-Match never answers 412 (api.md, "ETags and If-Match").
    return error_response(
        "conflict", "The task is being changed by many requests at once; retry in a moment."
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
    return validation_error(fields, message).response()


def on_import_forbidden(request, exc: ImportForbidden):
    # 403 as for every write to a list one may only view, with the rows named as
    # an invalid import names them.
    rows = {str(number): errors for number, errors in exc.errors.items()}
    return error_response("forbidden", str(exc), {"rows": rows})


def on_import_file_error(request, exc: ImportFileError):
    return validation_error({"file": [str(exc)]}, str(exc)).response()


def on_too_big(request, exc):
    return payload_too_large().response()


def on_too_many_values(request, exc: TooLarge):
    return payload_too_large(str(exc)).response()


def propagate(request, exc):
    """Anything else (a bug, a database outage) goes on to Django: handler500
    answers server_error, config.middleware answers 503 for an outage. Replaces
    ninja's catch-all, which answers a traceback as text/plain when DEBUG is on."""
    raise exc


HANDLERS = {
    ApiError: on_api_error,
    NinjaValidationError: on_ninja_validation,
    DjangoValidationError: on_domain_validation,
    HttpError: on_http_error,
    Http404: on_not_found,
    Task.DoesNotExist: on_not_found,
    WriteContention: on_contention,
    TaskList.DoesNotExist: on_list_not_found,
    PermissionDenied: on_forbidden,
    StaleVersion: on_stale,
    ImportRejected: on_import_rejected,
    ImportForbidden: on_import_forbidden,
    ImportFileError: on_import_file_error,
    RequestDataTooBig: on_too_big,
    TooLarge: on_too_many_values,
    Exception: propagate,
}


def install(api) -> None:
    """Register our handlers with ninja's public add_exception_handler."""
    for exc_class, handler in HANDLERS.items():
        api.add_exception_handler(exc_class, handler)
