"""Keep the one error shape for responses that do not come from our views.

Django and ninja answer some errors themselves, as HTML or with an empty body:
an unknown path (404), a wrong method (405), a CSRF failure (403), an oversized
body, a crash with DEBUG on. Under /api (and everywhere on the api role) such
responses are rewritten into {"error": {...}} with the same status and headers
(api.errors.rewrite).
"""

from django.conf import settings

from api.errors import is_api_request, payload_too_large, rewrite


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


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        if _body_too_large(request):
            return payload_too_large().response()
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            return rewrite(response)
        return response
