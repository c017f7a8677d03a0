"""Rate limiting of failures (bad passwords, unknown or revoked API tokens).

Only failures count, so a user who signs in correctly is never slowed down. After
settings.RATE_LIMIT_FAILURES failures for one key within settings.RATE_LIMIT_WINDOW
seconds, further attempts answer 429 with Retry-After until the window ends
(successful or not).

The key says who is counted. Bad API tokens: per client address (``client_key``; a
token names no user). Log-ins: per client address *and* username
(``client_user_key``), so people behind one shared address (an office, a VPN) do not
lock each other out, plus a looser per-address cap against one client trying many
usernames (one set of counters for every password form, below; docs/ui.md).
Sign-ups: per client address, counting accounts made and answers that a username
is taken (ui/accounts.py).
"""

import hashlib
import math
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from taskapp.accounts.models import FailureCounter


def client_key(scope: str, request) -> str:
    # REMOTE_ADDR is the real client: config.middleware.TrustedProxyMiddleware
    # rewrites it from X-Forwarded-For only for TASKAPP_TRUSTED_PROXIES.
    return f"{scope}:{request.META.get('REMOTE_ADDR', 'unknown')}"


def normalize_username(username: str) -> str:
    """One form per name a person could type, so ``Alice``, ``alice `` and its
    full-width spelling count as one target (usernames stay case-sensitive)."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def client_user_key(scope: str, request, username: str) -> str:
    """The key for one client trying one account: the username is hashed, so keys
    stay short (the column holds 200 characters) and the admin shows no names."""
    digest = hashlib.sha256(normalize_username(username).encode()).hexdigest()[:24]
    return f"{client_key(scope, request)}:{digest}"


def retry_after(key: str, now=None, limit: int | None = None) -> int | None:
    """Seconds until ``key`` may try again, or None when it is not blocked.

    ``limit``: failures allowed per window (default settings.RATE_LIMIT_FAILURES).
    """
    now = now or timezone.now()
    limit = limit or settings.RATE_LIMIT_FAILURES
    counter = FailureCounter.objects.filter(key=key, window_ends_at__gt=now).first()
    if counter is None or counter.count < limit:
        return None
    return max(1, math.ceil((counter.window_ends_at - now).total_seconds()))


def record_failure(key: str, now=None, window: int | None = None) -> None:
    """Count one failure for ``key`` in its current window (starting one if needed).

    ``window``: its length in seconds (default settings.RATE_LIMIT_WINDOW).
    """
    now = now or timezone.now()
    window_end = now + timedelta(seconds=window or settings.RATE_LIMIT_WINDOW)
    if FailureCounter.objects.filter(key=key, window_ends_at__gt=now).update(count=F("count") + 1):
        return
    # No live window: reset an expired one, or start the first. The reset is
    # guarded by "still expired" so two workers cannot both reset it to 1.
    expired = FailureCounter.objects.filter(key=key, window_ends_at__lte=now)
    if expired.update(count=1, window_ends_at=window_end):
        return
    try:
        # A savepoint, so a lost race does not break an enclosing transaction.
        with transaction.atomic():
            FailureCounter.objects.create(key=key, count=1, window_ends_at=window_end)
    except IntegrityError:
        # Another worker started the window at the same moment: count in it.
        FailureCounter.objects.filter(key=key).update(count=F("count") + 1)


def clear(key: str) -> None:
    FailureCounter.objects.filter(key=key).delete()


# --- Passwords: one set of counters for every form that checks one -----------------
#
# The app's log-in, the admin's log-in (both through
# taskapp.accounts.backends.RateLimitedModelBackend) and the password change form
# (taskapp.accounts.forms) count failures under the same keys, so moving between
# forms buys an attacker nothing.

# Failed passwords one client may have across all usernames in a window, as a
# multiple of settings.RATE_LIMIT_FAILURES (the per-username limit): looser, as
# people share addresses, but still a stop to one client spraying passwords over
# many accounts.
CLIENT_FAILURES_FACTOR = 5

# Set on the request when a password form was refused for too many failures: the
# seconds to wait. The views answer 429 with Retry-After from it (ui/accounts.py).
RETRY_AFTER_ATTRIBUTE = "password_retry_after"


def password_keys(request, username: str) -> dict[str, str]:
    """This client with this username, and this client with any username."""
    return {
        "user": client_user_key("login", request, username),
        "client": client_key("login-any", request),
    }


def password_retry_after(request, username: str) -> int | None:
    """Seconds to wait before this client may try a password for ``username``; also
    noted on the request (RETRY_AFTER_ATTRIBUTE). Checked before the (slow) hash."""
    keys = password_keys(request, username)
    waits = [
        retry_after(keys["user"]),
        retry_after(keys["client"], limit=CLIENT_FAILURES_FACTOR * settings.RATE_LIMIT_FAILURES),
    ]
    wait = max((wait for wait in waits if wait), default=None)
    if wait:
        setattr(request, RETRY_AFTER_ATTRIBUTE, wait)
    return wait


def record_password_failure(request, username: str) -> None:
    for key in password_keys(request, username).values():
        record_failure(key)


def clear_password_failures(request, username: str) -> None:
    """Only this account's counter: a right password must not reset the client-wide
    one (one known password would allow endless spraying)."""
    clear(password_keys(request, username)["user"])


# --- Sign-ups -----------------------------------------------------------------------


def signup_retry_after(request) -> int | None:
    """Seconds until this client may create another account (settings.SIGNUP_LIMIT
    sign-ups per settings.SIGNUP_WINDOW seconds per address), or None. What counts is
    record_signup's to say: each account made, and each answer that a username is
    taken (so the form cannot be used to probe for many names)."""
    return retry_after(client_key("signup", request), limit=settings.SIGNUP_LIMIT)


def record_signup(request) -> None:
    record_failure(client_key("signup", request), window=settings.SIGNUP_WINDOW)
