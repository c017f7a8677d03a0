"""The authentication backend: Django's ModelBackend behind the failure limiter.

Every log-in form that calls ``django.contrib.auth.authenticate`` with the
request (the app's, the admin's) goes through here, so they share one set of
counters per client address and username (taskapp.accounts.ratelimit). Once a
client is over the limit, even the right password is refused until the window
ends; the refusal is noted on the request for the view to answer 429.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from taskapp.accounts import ratelimit


class RateLimitedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Not a web form (a management command, a test's client.login()).
            return super().authenticate(request, username, password, **kwargs)
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        username = username or ""
        if ratelimit.password_retry_after(request, username):
            # PermissionDenied stops Django from trying any other backend.
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            ratelimit.record_password_failure(request, username)
            raise PermissionDenied
        ratelimit.clear_password_failures(request, username)
        return user
