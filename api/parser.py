"""Request bodies: JSON only, with a precise error for each way it can be wrong."""

from ninja.parser import Parser

from api.errors import invalid_json, payload_too_large, unsupported_media_type
from taskapp.tasks import bounded

JSON_TYPES = ("application/json",)


def is_json(content_type: str) -> bool:
    return content_type in JSON_TYPES or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def media_type(request) -> str:
    """The Content-Type without its parameters, lower case ('' when absent)."""
    return request.content_type.split(";")[0].strip().lower() if request.content_type else ""


def load_json(body: bytes):
    """The parsed body; invalid_json (400) for anything json cannot read, including
    nesting deeper than the interpreter's recursion limit; payload_too_large (413)
    for a body that would build more values than one request may
    (taskapp.tasks.bounded), checked before parsing."""
    try:
        return bounded.load_json(body)
    except bounded.TooLarge as exc:
        raise payload_too_large(str(exc)) from None
    except RecursionError:
        raise invalid_json("it is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_json(exc) from None


class JsonParser(Parser):
    """Ninja parses any body as JSON whatever its Content-Type; we answer 415 for a
    body that does not say it is JSON, and 400 invalid_json for broken JSON."""

    def parse_body(self, request):
        if not is_json(media_type(request)):
            raise unsupported_media_type()
        return load_json(request.body)
