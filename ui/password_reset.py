"""Password reset by e-mail: Django's own views, our templates, and a rate limit.

Django's PasswordResetView answers the same "check your mail" page whether or not
an account has the address (no account enumeration) and its tokens are single-use
and expire (settings.PASSWORD_RESET_TIMEOUT). What it lacks is a limit: every
request here counts against the client address and against the address asked
for, so nobody can flood an inbox or the mail relay; past the limit the page
answers 429, the same for every address.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from taskapp.accounts import ratelimit
from taskapp.accounts.ratelimit import CLIENT_FAILURES_FACTOR
from ui.accounts import _too_many_attempts


def _reset_keys(request) -> dict[str, str]:
    """Counters for a reset request: the address asked for (from any client, hashed)
    and the client (any address)."""
    email = ratelimit.normalize_username(request.POST.get("email", ""))
    return {
        "email": "reset-email:" + hashlib.sha256(email.encode()).hexdigest()[:24],
        "client": ratelimit.client_key("reset-any", request),
    }


def _blocked_for(keys: dict[str, str]) -> int | None:
    waits = [
        ratelimit.retry_after(keys["email"]),
        ratelimit.retry_after(
            keys["client"], limit=CLIENT_FAILURES_FACTOR * settings.RATE_LIMIT_FAILURES
        ),
    ]
    return max((wait for wait in waits if wait), default=None)


_reset_form = auth_views.PasswordResetView.as_view(
    template_name="ui/accounts/password_reset_form.html",
    email_template_name="ui/accounts/password_reset_email.txt",
    subject_template_name="ui/accounts/password_reset_subject.txt",
    success_url=reverse_lazy("password-reset-sent"),
)


@require_http_methods(["GET", "POST"])
def reset_request(request):
    """Ask for a reset link; counted per address and per client before sending."""
    if request.method == "POST":
        keys = _reset_keys(request)
        if wait := _blocked_for(keys):
            return _too_many_attempts(request, wait, reason="reset")
        ratelimit.record_failure(keys["email"])
        ratelimit.record_failure(keys["client"])
    return _reset_form(request)


reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="ui/accounts/password_reset_sent.html"
)
reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="ui/accounts/password_reset_confirm.html",
    success_url=reverse_lazy("password-reset-complete"),
)
reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="ui/accounts/password_reset_complete.html"
)
