"""Account pages: sign up, log in (rate-limited), log out, settings, API tokens, and the
rate-limited wrappers of the admin's log-in and password change (config/urls.py)."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from taskapp.accounts import ratelimit, zones
from taskapp.accounts.forms import RateLimitedPasswordChangeForm
from taskapp.accounts.models import ApiToken, user_timezone
from taskapp.tasks import lists
from ui.forms import SettingsForm, SignupForm, TokenForm


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
    if posted and (wait := ratelimit.signup_retry_after(request)):
        return _too_many_attempts(request, wait, reason="signup")
    form = SignupForm(request.POST) if posted else SignupForm()
    if posted and form.is_valid():
        ratelimit.record_signup(request)
        user = form.save()
        lists.inbox_for(user)
        zone = zones.zone_for_new_user(
            request.POST.get("timezone", ""), request.headers.get("Accept-Language", "")
        )
        zones.set_timezone(user, zone)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect("tasks")
    if posted and form.has_error("username", "unique"):
        # The form must say a name is taken (docs/ui.md, "Sign-up"): each answer
        # that does counts like a sign-up, which bounds probing for names.
        ratelimit.record_signup(request)
    status = 422 if form.errors else 200
    return render(request, "ui/accounts/signup.html", {"form": form}, status=status)


def refuses_when_rate_limited(view):
    """Answer 429 (the "too many attempts" page, Retry-After) when a password
    check in ``view`` was refused by the failure limiter: the authentication
    backend and the password change form note the wait on the request."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if wait := getattr(request, ratelimit.RETRY_AFTER_ATTRIBUTE, None):
            return _too_many_attempts(request, wait)
        return response

    return wrapped


@require_http_methods(["GET", "POST"])
@refuses_when_rate_limited
def login_view(request):
    # The failure limit is checked (before the slow password hash) and counted by
    # the authentication backend (taskapp.accounts.backends), as for the admin.
    posted = request.method == "POST"
    form = AuthenticationForm(request, data=request.POST if posted else None)
    if posted and form.is_valid():
        login(request, form.get_user())
        return redirect(_next_url(request))
    if form.errors:
        _focus_password(form)
    context = {"form": form, "next": _next_url(request)}
    status = 422 if form.errors else 200
    return render(request, "ui/accounts/login.html", context, status=status)


def _focus_password(form) -> None:
    """After a failed log-in the username is usually right: type the password again."""
    form.fields["username"].widget.attrs.pop("autofocus", None)
    form.fields["password"].widget.attrs["autofocus"] = True


def _too_many_attempts(request, wait: int, reason: str = "password"):
    minutes = max(1, round(wait / 60))
    context = {"wait": wait, "minutes": minutes, "reason": reason}
    response = render(request, "ui/accounts/ratelimited.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


class AdminPasswordChangeView(PasswordChangeView):
    """The admin's "change password" page with the rate-limited form: the admin
    site hard-codes its form, so config/urls.py routes /admin/password_change/ here
    (through admin.site.admin_view, which requires a staff log-in)."""

    form_class = RateLimitedPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("admin:password_change_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        from django.contrib import admin

        return {**super().get_context_data(**kwargs), **admin.site.each_context(self.request)}


admin_password_change = refuses_when_rate_limited(AdminPasswordChangeView.as_view())


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
    new_token = None
    if request.method == "POST" and form.is_valid():
        # The secret goes into this answer only: never into the session or a
        # message (both stored), never into a cache (no-store below). Reloading
        # asks the browser to post again, which makes another token.
        _, new_token = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user).active(),
        "new_token": new_token,
    }
    status = 422 if form.errors else 200
    response = render(request, "ui/accounts/tokens.html", context, status=status)
    add_never_cache_headers(response)
    return response


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


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """The user's time zone (due times and reminders are read in it)."""
    current = user_timezone(request.user).key
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            zones.set_timezone(request.user, form.cleaned_data["timezone"])
            messages.success(request, _("Settings saved."))
            return redirect("account-settings")
        return render(request, "ui/accounts/settings.html", {"form": form}, status=422)
    form = SettingsForm(initial={"timezone": current})
    return render(request, "ui/accounts/settings.html", {"form": form})
