"""Keep the one error shape for responses that do not come from our views.

Django and ninja answer some errors themselves, as HTML or with an empty body:
an unknown path (404), a wrong method (405), a CSRF failure (403), an oversized
body, a crash with DEBUG on. Under /api (and everywhere on the api role) such
responses are rewritten into {"error": {...}} with the same status and headers.
"""

from django.conf import settings

from api.errors import error_response, payload_too_large
from taskapp.errors import is_api_request

CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Send a valid API token: Authorization: Bearer <token>."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Nothing here."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON (Content-Type: application/json)."),
    429: ("rate_limited", "Too many requests; retry later."),
}
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _body_too_large(request) -> bool:
    # The same test Django applies when the body is read (RequestDataTooBig),
    # made before any middleware (CSRF) reads it and answers a bare 400.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is not None and length > limit


def _rewrite(response):
    code, message = CODES.get(response.status_code, ("server_error", "Something went wrong."))
    if response.status_code < 500 and response.status_code not in CODES:
        code = "error"
    if response.status_code == 405 and response.get("Allow"):
        message = f"This method is not allowed here; allowed: {response['Allow']}."
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return error_response(response.status_code, code, message, headers=headers)


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        if _body_too_large(request):
            return error_response(413, "payload_too_large", payload_too_large().message)
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            return _rewrite(response)
        return response
