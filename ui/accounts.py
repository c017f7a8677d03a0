"""Account pages: sign up, log in (rate-limited), log out, API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from taskapp.accounts import ratelimit
from taskapp.accounts.models import ApiToken
from taskapp.tasks import lists
from ui.forms import SignupForm, TokenForm

# Failed log-ins one client may have across all usernames in a window, as a multiple
# of settings.RATE_LIMIT_FAILURES (the per-username limit): looser, as people share
# addresses, but still a stop to one client spraying passwords over many accounts.
CLIENT_FAILURES_FACTOR = 5

# The raw secret of a new token waits here for exactly one page view.
NEW_TOKEN_SESSION_KEY = "new_token"  # noqa: S105 (a session key, not a secret)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def signup(request):
    if not settings.ALLOW_SIGNUP:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "ui/accounts/signup.html", {"form": None})
    posted = request.method == "POST"
    form = SignupForm(request.POST) if posted else SignupForm()
    if posted and form.is_valid():
        user = form.save()
        lists.inbox_for(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("tasks")
    status = 422 if form.errors else 200
    return render(request, "ui/accounts/signup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def login_view(request):
    posted = request.method == "POST"
    keys = _login_keys(request) if posted else {}
    if wait := _login_blocked_for(keys):
        return _too_many_attempts(request, wait)
    form = AuthenticationForm(request, data=request.POST if posted else None)
    if posted:
        if form.is_valid():
            # Only this account's counter: a valid log-in must not reset the
            # client-wide one (one known password would allow endless spraying).
            ratelimit.clear(keys["user"])
            login(request, form.get_user())
            return redirect(_next_url(request))
        for key in keys.values():
            ratelimit.record_failure(key)
    if form.errors:
        _focus_password(form)
    context = {"form": form, "next": _next_url(request)}
    status = 422 if form.errors else 200
    return render(request, "ui/accounts/login.html", context, status=status)


def _focus_password(form) -> None:
    """After a failed log-in the username is usually right: type the password again."""
    form.fields["username"].widget.attrs.pop("autofocus", None)
    form.fields["password"].widget.attrs["autofocus"] = True


def _login_keys(request) -> dict[str, str]:
    """Failure counters for a log-in: this client with this username, and this client."""
    username = request.POST.get("username", "")
    return {
        "user": ratelimit.client_user_key("login", request, username),
        "client": ratelimit.client_key("login-any", request),
    }


def _login_blocked_for(keys: dict[str, str]) -> int | None:
    """Seconds to wait, if this username from this client, or this client with any
    usernames, failed too often; checked before the password is (slow) hashed."""
    if not keys:
        return None
    client_limit = CLIENT_FAILURES_FACTOR * settings.RATE_LIMIT_FAILURES
    waits = [
        ratelimit.retry_after(keys["user"]),
        ratelimit.retry_after(keys["client"], limit=client_limit),
    ]
    return max((wait for wait in waits if wait), default=None)


def _too_many_attempts(request, wait: int, reset: bool = False):
    minutes = max(1, round(wait / 60))
    context = {"wait": wait, "minutes": minutes, "reset": reset}
    response = render(request, "ui/accounts/ratelimited.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
def logout_view(request):
    """POST logs out. GET (a bookmark, a typed address) must not change state, and
    must not end on a bare 405 either: it asks, or sends a logged-out visitor to log in."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "ui/accounts/logout.html")
    logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect("login")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if request.method == "POST" and form.is_valid():
        _, raw = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        # Post/redirect/get; the secret is shown on the next view only, never again.
        request.session[NEW_TOKEN_SESSION_KEY] = raw
        return redirect("tokens")
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user).active(),
        "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
    }
    status = 422 if form.errors else 200
    return render(request, "ui/accounts/tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id):
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404
    if request.method == "GET" or not request.POST.get("confirm"):
        # Without JavaScript the form comes here unconfirmed (or the address was
        # opened): ask on a page first.
        return render(request, "ui/accounts/token_revoke.html", {"token": token})
    token.revoke()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("tokens")
