"""taskapp.accounts.ratelimit: failures counted per client in a fixed window."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from taskapp.accounts import ratelimit
from taskapp.accounts.models import FailureCounter

pytestmark = pytest.mark.django_db

KEY = "login:203.0.113.7"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMIT_FAILURES = 3
    settings.RATE_LIMIT_WINDOW = 60


def fail(times, now):
    for _ in range(times):
        ratelimit.record_failure(KEY, now=now)


def test_it_does_not_block_below_the_limit():
    now = timezone.now()
    fail(2, now)
    assert ratelimit.retry_after(KEY, now=now) is None


def test_it_blocks_after_the_limit_until_the_window_ends():
    start = timezone.now()
    fail(3, start)
    assert ratelimit.retry_after(KEY, now=start) == 60
    assert ratelimit.retry_after(KEY, now=start + timedelta(seconds=45.5)) == 15
    assert ratelimit.retry_after(KEY, now=start + timedelta(seconds=59.9)) == 1
    assert ratelimit.retry_after(KEY, now=start + timedelta(seconds=60)) is None


def test_it_counts_afresh_in_a_new_window():
    start = timezone.now()
    fail(3, start)
    later = start + timedelta(seconds=61)
    fail(1, later)
    assert FailureCounter.objects.get(key=KEY).count == 1
    assert ratelimit.retry_after(KEY, now=later) is None
    fail(2, later)
    assert ratelimit.retry_after(KEY, now=later) == 60


def test_it_keeps_clients_apart():
    now = timezone.now()
    fail(3, now)
    assert ratelimit.retry_after("login:198.51.100.1", now=now) is None


def test_it_clears_a_key():
    now = timezone.now()
    fail(3, now)
    ratelimit.clear(KEY)
    assert ratelimit.retry_after(KEY, now=now) is None
    assert not FailureCounter.objects.filter(key=KEY).exists()


def test_it_keys_by_scope_and_client_address():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.5")
    assert ratelimit.client_key("token", request) == "token:192.0.2.5"
