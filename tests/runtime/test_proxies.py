"""X-Forwarded-For / X-Forwarded-Proto count only from TASKAPP_TRUSTED_PROXIES."""

import pytest
from django.test import RequestFactory

from config.middleware import TrustedProxyMiddleware


@pytest.fixture
def seen(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    requests = []

    def through_middleware(**meta):
        request = RequestFactory().get("/", **meta)
        TrustedProxyMiddleware(lambda r: requests.append(r))(request)
        return requests[-1]

    return through_middleware


def test_it_takes_the_client_address_from_a_trusted_proxy(seen):
    request = seen(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.4.5.6")
    assert request.META["REMOTE_ADDR"] == "203.0.113.9"


def test_it_skips_addresses_a_client_prepended(seen):
    # The client wrote "1.1.1.1" itself; the ingress appended the real peer.
    request = seen(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    assert request.META["REMOTE_ADDR"] == "198.51.100.7"


def test_it_ignores_forwarded_headers_from_anyone_else(seen):
    request = seen(
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert request.META["REMOTE_ADDR"] == "198.51.100.7"
    assert not request.is_secure()


def test_it_believes_https_from_a_trusted_proxy(seen):
    assert seen(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_PROTO="https").is_secure()


def test_it_keeps_the_peer_when_the_header_is_garbage(seen):
    request = seen(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert request.META["REMOTE_ADDR"] == "127.0.0.1"
