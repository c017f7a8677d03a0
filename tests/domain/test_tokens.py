"""taskapp.accounts.models.ApiToken: issued once, stored hashed, revocable, last use."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from taskapp.accounts.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_hash_and_a_prefix(user):
    token, raw = ApiToken.issue(user=user, name="  backup   script ")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("tsk_")
    assert len(raw) > 40
    assert stored.token_hash == hash_token(raw)
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)
    assert stored.name == "backup script"


def test_it_finds_the_token_by_its_secret(user):
    token, raw = ApiToken.issue(user=user, name="t")
    assert ApiToken.objects.for_raw_token(raw) == token
    assert ApiToken.objects.for_raw_token(raw + "x") is None
    assert ApiToken.objects.for_raw_token("nope") is None


def test_it_refuses_revoked_tokens_and_inactive_users(user):
    token, raw = ApiToken.issue(user=user, name="t")
    token.revoke()
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    token.revoke()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert ApiToken.objects.for_raw_token(raw) is None
    _, other = ApiToken.issue(user=user, name="u")
    user.is_active = False
    user.save()
    assert ApiToken.objects.for_raw_token(other) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the token a name."), ("  ", "Give"), (None, "Give"), ("x" * 101, "at most 100")],
)
def test_it_requires_a_short_name(user, name, message):
    with pytest.raises(ValidationError) as excinfo:
        ApiToken.issue(user=user, name=name)
    assert message in excinfo.value.message_dict["name"][0]
    assert not ApiToken.objects.exists()


def test_it_records_last_use_at_most_once_a_minute(user):
    token, _ = ApiToken.issue(user=user, name="t")
    now = timezone.now()
    token.touch(now=now)
    token.touch(now=now + timedelta(seconds=30))
    # Both backends keep at least milliseconds.
    assert abs(ApiToken.objects.get(pk=token.pk).last_used_at - now) < timedelta(milliseconds=1)
    assert token.last_used_at == now
    token.touch(now=now + timedelta(seconds=61))
    stored = ApiToken.objects.get(pk=token.pk).last_used_at
    assert abs(stored - (now + timedelta(seconds=61))) < timedelta(milliseconds=1)
