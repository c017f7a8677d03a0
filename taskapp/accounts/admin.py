"""The admin for API tokens and rate-limit counters.

A token's hash and secret are never shown: the secret exists only once, on the
page that answers the form that created the token (not in a message, which may
be stored in a cookie).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from taskapp.accounts.models import ApiToken, FailureCounter


class ApiTokenCreationForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")

    def clean_name(self):
        try:
            return ApiToken.clean_name(self.cleaned_data.get("name"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["name"]) from None


class IsActiveFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.active()
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = (IsActiveFilter,)
    search_fields = ("name", "prefix", "user__username")
    # token_hash is left out everywhere on purpose.
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    raw_id_fields = ("user",)
    actions = ("revoke",)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ("prefix", "created_at")

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else ("user", "name")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            obj.name = ApiToken.clean_name(obj.name)
            obj.save(update_fields=["name"])
            return
        # Issue it the one way tokens are made, then point the admin's object at
        # the saved row and load it (for the log entry and the page that follows).
        token, raw = ApiToken.issue(user=form.cleaned_data["user"], name=obj.name)
        obj.pk = token.pk
        obj.refresh_from_db()
        # Shown by response_add in the very response to this request. Never in a
        # message: messages may be stored in a cookie and outlive the page.
        request._new_token_secret = raw

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_new_token_secret", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "raw": raw,
            "title": _("Token created"),
        }
        response = TemplateResponse(request, "admin/accounts/apitoken/created.html", context)
        add_never_cache_headers(response)  # the secret must not stay in any cache
        return response

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.active())
        for token in tokens:
            token.revoke()
        count = len(tokens)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(FailureCounter)
class FailureCounterAdmin(admin.ModelAdmin):
    """Read-only: to see who is being rate-limited (delete a row to lift a block)."""

    list_display = ("key", "count", "window_ends_at")
    search_fields = ("key",)
    readonly_fields = ("key", "count", "window_ends_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
