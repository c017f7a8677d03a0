"""Access rules for the UI's views."""

from functools import wraps

from django.contrib.auth.decorators import login_required as django_login_required
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


def login_required(view):
    """Django's ``login_required``, plus an answer htmx can follow.

    An htmx request from a page whose session has expired would follow the 302 to
    the login page and swap that whole page into the list or a row. htmx is told to
    navigate instead (``HX-Redirect``), back to the page it was on after login.
    """
    protected = django_login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.htmx and not request.user.is_authenticated:
            back = request.htmx.current_url_abs_path or reverse("tasks")
            return HttpResponseClientRedirect(redirect_to_login(back).url)
        return protected(request, *args, **kwargs)

    return wrapped
