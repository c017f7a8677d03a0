"""Django's error handlers (handler400 ... handler500 in config/urls.py): the
API's JSON error (api.errors, the one table of codes) under /api, friendly pages
(templates/errors/) elsewhere."""

from django.shortcuts import render

from api.errors import ERRORS, error_response, is_api_request


def _respond(request, code: str, template: str):
    if is_api_request(request):
        return error_response(code)
    return render(request, template, status=ERRORS[code].status)


def bad_request(request, exception=None):
    return _respond(request, "bad_request", "errors/400.html")


def permission_denied(request, exception=None):
    return _respond(request, "forbidden", "errors/403.html")


def page_not_found(request, exception=None):
    return _respond(request, "not_found", "errors/404.html")


def server_error(request):
    return _respond(request, "server_error", "errors/500.html")
