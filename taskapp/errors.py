"""Error handlers: JSON under /api (one error shape), friendly pages elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render


def is_api_request(request) -> bool:
    """Whether to answer in the API's JSON error shape: under /api/, and for every
    path on the api role (which serves nothing else)."""
    from django.conf import settings

    return request.path.startswith("/api/") or settings.ROLE == "api"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The one error shape of the API: {"error": {"code", "message", "fields"}}."""
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _respond(request, status: int, code: str, message: str, template: str):
    if is_api_request(request):
        return JsonResponse(error_body(code, message), status=status)
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _respond(
        request, 400, "bad_request", "The request could not be understood.", "errors/400.html"
    )


def permission_denied(request, exception=None):
    return _respond(request, 403, "forbidden", "You are not allowed to do this.", "errors/403.html")


def page_not_found(request, exception=None):
    return _respond(request, 404, "not_found", "Nothing here.", "errors/404.html")


def server_error(request):
    return _respond(
        request, 500, "server_error", "Something went wrong on our side.", "errors/500.html"
    )
