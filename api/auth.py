"""Bearer token authentication, with failed attempts rate-limited per client."""

from ninja.security import HttpBearer

from api.errors import ApiError, unauthorized
from taskapp.accounts import ratelimit
from taskapp.accounts.token_memo import active_token

SCOPE = "token"


def rate_limited(seconds: int) -> ApiError:
    return ApiError(
        "rate_limited",
        f"Too many failed token attempts from your address; retry in {seconds} seconds.",
        headers={"Retry-After": str(seconds)},
    )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; request.auth is the ApiToken, its user
    request.user. A valid token costs one query (plus a last-use write a minute;
    taskapp.accounts.token_memo keeps that query cheap without caching validity).

    Only failures touch the rate limiter, so good clients pay nothing for it. A
    client over the limit gets 429 for every further bad token; a valid token
    still works (256 random bits are not guessable, and a typo in one script
    should not lock out every other script behind the same address).
    """

    def authenticate(self, request, token):
        api_token = active_token(token.strip())
        if api_token is None:
            self._fail(request)
        api_token.touch()
        request.user = api_token.user
        return api_token

    def _fail(self, request):
        key = ratelimit.client_key(SCOPE, request)
        seconds = ratelimit.retry_after(key)
        if seconds:
            raise rate_limited(seconds)
        ratelimit.record_failure(key)
        raise unauthorized("The API token is unknown or revoked.")


token_auth = TokenAuth()
