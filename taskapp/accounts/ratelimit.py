"""Rate limiting of failures (bad passwords, unknown or revoked API tokens).

Only failures count, so a user who signs in correctly is never slowed down. After
settings.RATE_LIMIT_FAILURES failures from one client within
settings.RATE_LIMIT_WINDOW seconds, further attempts answer 429 with Retry-After
until the window ends (successful or not).
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from taskapp.accounts.models import FailureCounter


def client_key(scope: str, request) -> str:
    # REMOTE_ADDR is the real client: taskapp.middleware.TrustedProxyMiddleware
    # rewrites it from X-Forwarded-For only for TASKAPP_TRUSTED_PROXIES.
    return f"{scope}:{request.META.get('REMOTE_ADDR', 'unknown')}"


def retry_after(key: str, now=None) -> int | None:
    """Seconds until ``key`` may try again, or None when it is not blocked."""
    now = now or timezone.now()
    counter = FailureCounter.objects.filter(key=key, window_ends_at__gt=now).first()
    if counter is None or counter.count < settings.RATE_LIMIT_FAILURES:
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
