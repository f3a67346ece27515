from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from hansei.accounts.forms import AdminSignInForm, ChangeUserForm, NewUserForm
from hansei.accounts.models import ApiToken, Membership, SsoIdentity, Team, User

# /admin/login/ normalizes user names like the sign-in page (and is throttled like it: axes).
admin.site.login_form = AdminSignInForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class SsoIdentityInline(admin.TabularInline):
    """Single sign-on identities; deleting one unlinks it (the next sign-in matches by email)."""

    model = SsoIdentity
    extra = 0
    fields = readonly_fields = ("issuer", "subject", "created_at", "last_sign_in_at")
    verbose_name = _("single sign-on identity")
    verbose_name_plural = _("single sign-on identities")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = ChangeUserForm
    add_form = NewUserForm
    inlines = [SsoIdentityInline]
    list_display = ["username", "display_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("role", "is_active")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be reviewed and revoked here; they are created on the settings page only."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False
