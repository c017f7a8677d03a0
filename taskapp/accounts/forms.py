"""The password change form behind the failure limiter (the admin's
/admin/password_change/, wired in config/urls.py): a wrong current password
counts like a failed log-in, under the same keys (taskapp.accounts.ratelimit), so
a stolen session cannot be used to guess the password either."""

from django.contrib.admin.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from taskapp.accounts import ratelimit


class RateLimitedPasswordChangeForm(AdminPasswordChangeForm):
    error_messages = {
        **AdminPasswordChangeForm.error_messages,
        "too_many_attempts": _("Too many failed attempts. Please try again later."),
    }

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        username = self.user.get_username()
        if ratelimit.password_retry_after(self.request, username):
            raise ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        try:
            old_password = super().clean_old_password()
        except ValidationError:
            ratelimit.record_password_failure(self.request, username)
            raise
        ratelimit.clear_password_failures(self.request, username)
        return old_password
