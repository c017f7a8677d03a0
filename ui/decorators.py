"""Access rules for the UI's views."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required as django_login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

# What was typed into a form whose session had expired, kept in the (anonymous)
# session until the log-in: Django's login() keeps session data when it cycles the key.
DRAFT_SESSION_KEY = "draft"
# Fields of a posted form that are not what the user typed.
NOT_TYPED = ("csrfmiddlewaretoken", "next")


def login_required(view=None, *, keep_draft=None):
    """Django's ``login_required``, plus an answer htmx can follow, and nothing typed lost.

    An htmx request from a page whose session has expired would follow the 302 to
    the login page and swap that whole page into the list or a row. htmx is told to
    navigate instead (``HX-Redirect``), back to the page it was on after login.

    ``keep_draft``: a POST of this view arriving after the session expired keeps its
    fields (``take_draft``) and returns, after the log-in, to the list it came from
    (``"list"``: the add box shows the title again) or to this view's own page
    (``"page"``: the edit page shows the edit again). The login page says why.
    """
    if view is None:
        return lambda view: login_required(view, keep_draft=keep_draft)
    protected = django_login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return protected(request, *args, **kwargs)
        if _session_expired(request):
            messages.info(request, _("Your session has expired. Please log in again."))
        if keep_draft and request.method == "POST":
            return _keep_draft(request, keep_draft)
        if request.htmx:
            back = request.htmx.current_url_abs_path or reverse("tasks")
            return HttpResponseClientRedirect(redirect_to_login(back).url)
        return protected(request, *args, **kwargs)

    return wrapped


def _session_expired(request) -> bool:
    """The browser sent a session cookie the server no longer knows (expired or
    flushed): this visitor was logged in a moment ago."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.is_empty()


def _keep_draft(request, where: str):
    fields = {k: v for k, v in request.POST.items() if k not in NOT_TYPED}
    request.session[DRAFT_SESSION_KEY] = {"path": request.path, "fields": fields}
    if where == "page":
        back = request.path
    else:
        back = request.POST.get("next") or (request.htmx and request.htmx.current_url_abs_path)
        if not back or not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("tasks")
    login_url = redirect_to_login(back).url
    return HttpResponseClientRedirect(login_url) if request.htmx else redirect(login_url)


def take_draft(request, path: str) -> dict | None:
    """The fields kept for the form that posts to ``path`` (once), else None."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not draft or draft.get("path") != path:
        return None
    del request.session[DRAFT_SESSION_KEY]
    return draft["fields"]


def post_only(to: str):
    """``require_POST`` without the dead end: a GET of a POST-only address (the
    address bar after a form without JavaScript, a language change, a bookmark)
    is sent to the page ``to`` (a URL name) instead of a bare 405."""

    def decorate(view):
        allowed = require_POST(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return redirect(to)
            return allowed(request, *args, **kwargs)

        return wrapped

    return decorate
