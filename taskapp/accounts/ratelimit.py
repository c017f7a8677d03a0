"""Rate limiting of failures (bad passwords, unknown or revoked API tokens).

Only failures count, so a user who signs in correctly is never slowed down. After
settings.RATE_LIMIT_FAILURES failures for one key within settings.RATE_LIMIT_WINDOW
seconds, further attempts answer 429 with Retry-After until the window ends
(successful or not).

The key says who is counted. Bad API tokens: per client address (``client_key``; a
token names no user). Log-ins: per client address *and* username
(``client_user_key``), so people behind one shared address (an office, a VPN) do not
lock each other out, plus a looser per-address cap against one client trying many
usernames (ui/accounts.py, docs/ui.md).
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


def record_failure(key: str, now=None) -> None:
    """Count one failure for ``key`` in its current window (starting one if needed)."""
    now = now or timezone.now()
    window_end = now + timedelta(seconds=settings.RATE_LIMIT_WINDOW)
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
