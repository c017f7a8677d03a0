"""API tokens: named, shown once, stored only as a SHA-256 hash."""

import functools
import hashlib
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A public marker at the start of every token, not a secret.
TOKEN_PREFIX = "tsk_"  # noqa: S105  # nosec B105
TOKEN_NAME_MAX = 100
# How long a token's last use may lag behind: saves a write on every request.
LAST_USED_RESOLUTION_SECONDS = 60


def hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast unsalted hash is enough (as GitHub
    # and PyPI do); a slow password hash would cost every API request.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_raw_token(self, raw: str):
        """The active token matching ``raw`` (with its user), or None."""
        if not raw.startswith(TOKEN_PREFIX):
            return None
        return (
            self.active()
            .select_related("user")
            .filter(token_hash=hash_token(raw), user__is_active=True)
            .first()
        )


class ApiToken(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, db_column="_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, so people can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def clean_name(name) -> str:
        """The token's name, trimmed; raises ValidationError when empty or too long."""
        name = " ".join(name.split()) if isinstance(name, str) else ""
        if not name:
            raise ValidationError({"name": [_("Give the token a name.")]})
        if len(name) > TOKEN_NAME_MAX:
            raise ValidationError(
                {
                    "name": [
                        _("Token names are at most %(max)d characters.") % {"max": TOKEN_NAME_MAX}
                    ]
                }
            )
        return name

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; return it with the raw secret, which is never stored."""
        name = cls.clean_name(name)
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 4],
            token_hash=hash_token(raw),
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self, now=None) -> None:
        """Record a use, at most once a minute per token."""
        now = now or timezone.now()
        stale = self.last_used_at is None or (
            (now - self.last_used_at).total_seconds() >= LAST_USED_RESOLUTION_SECONDS
        )
        if stale:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class FailureCounter(models.Model):
    """Failed logins or token uses per client, counted in a fixed window.

    Kept in the database (not a per-process cache) so the limit holds across
    gunicorn workers and pods; see taskapp.accounts.ratelimit.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, db_column="_id")
    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField()

    def __str__(self):
        return f"{self.key}: {self.count}"


DEFAULT_TIMEZONE = "UTC"


@functools.cache
def known_timezones() -> frozenset[str]:
    """Every IANA zone name the zone database has (read once per process: Python's
    available_timezones() walks the database's files on each call)."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(name) -> str:
    """An IANA time zone name ("Europe/Berlin"); raises ValidationError otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(_("Choose a time zone."), code="required")
    name = name.strip()
    if name not in known_timezones():
        raise ValidationError(_("Unknown time zone “%(tz)s”.") % {"tz": name[:64]}, code="invalid")
    return name


class Profile(models.Model):
    """Per-user preferences that Django's user model has no place for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, db_column="_id")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    # Due times and reminders are wall-clock times in this zone.
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return f"{self.user} ({self.timezone})"

    @classmethod
    def for_user(cls, user) -> "Profile":
        profile, _created = cls.objects.get_or_create(user=user)
        return profile


def user_timezone(user) -> zoneinfo.ZoneInfo:
    """The user's time zone; UTC when they have no profile or an unknown zone."""
    try:
        name = user.profile.timezone
    except (Profile.DoesNotExist, AttributeError):
        name = DEFAULT_TIMEZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)
