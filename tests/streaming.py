"""Reading responses that may be streamed (exports, the original API's list)."""

import json


def body(response) -> bytes:
    """The whole body, streamed or not. A streamed body is consumed, then put back."""
    if not response.streaming:
        return response.content
    content = b"".join(response.streaming_content)
    response.streaming_content = [content]
    return content


def json_body(response):
    return json.loads(body(response))
