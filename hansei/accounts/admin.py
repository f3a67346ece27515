"""The admin site for people, teams and tokens. Every change goes through accounts.services
(and so into the audit log); people are deactivated, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from hansei.accounts import services
from hansei.accounts.forms import AdminSignInForm, ChangeUserForm, NewUserForm
from hansei.accounts.models import ApiToken, Membership, SsoIdentity, Team, User
from hansei.core.admin import RowChoicesAdmin

# /admin/login/ normalizes user names like the sign-in page (and is throttled like it: axes).
admin.site.login_form = AdminSignInForm


class MembershipInline(RowChoicesAdmin, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class SsoIdentityInline(RowChoicesAdmin, admin.TabularInline):
    """Single sign-on identities; deleting one unlinks it (the next sign-in matches by email)."""

    model = SsoIdentity
    extra = 0
    fields = readonly_fields = ("issuer", "subject", "created_at", "last_sign_in_at")
    verbose_name = _("single sign-on identity")
    verbose_name_plural = _("single sign-on identities")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(RowChoicesAdmin, DjangoUserAdmin):
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are deactivated (Active unticked): their history stays theirs

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: Any = request.user
        if not change:
            usable = form.cleaned_data.get("usable_password", True) not in (False, "false")
            created = services.create_user(
                actor=actor,
                username=obj.username,
                email=obj.email,
                role=obj.role,
                password=form.cleaned_data.get("password1") if usable else None,
            )
            obj.pk, obj.password, obj._state.adding = created.pk, created.password, False
            return
        editable = {*services.PROFILE_FIELDS, "role"}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
        if changes:
            services.update_user(actor=actor, user=obj, changes=changes)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The only inline (single sign-on identities) can only be unlinked.
        for formset in formsets:
            gone = [form.instance for form in formset.deleted_forms if form.instance.pk]
            for identity in gone:
                services.unlink_identity(actor=request.user, identity=identity)  # type: ignore[arg-type]
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], gone

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's page, with the change made by accounts.services.set_user_password."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        form = self.change_password_form(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            usable = form.cleaned_data.get("usable_password", True) not in (False, "false")
            password = form.cleaned_data.get("password1") if usable else None
            services.set_user_password(actor=request.user, user=user, password=password)  # type: ignore[arg-type]
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)
            messages.success(request, _t("Password changed."))
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:accounts_user_change", args=(user.pk,))
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _t("Change password: %s") % user.get_username(),
            "adminForm": AdminForm(form, [(None, {"fields": list(form.base_fields)})], {}),
            "form_url": form_url,
            "form": form,
            "is_popup": False,
            "add": True,
            "change": False,
            "has_delete_permission": False,
            "has_change_permission": True,
            "has_absolute_url": False,
            "opts": self.opts,
            "original": user,
            "save_as": False,
            "show_save": True,
        }
        template = self.change_user_password_template or "admin/auth/user/change_password.html"
        return TemplateResponse(request, template, context)


@admin.register(Team)
class TeamAdmin(RowChoicesAdmin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        team = services.save_team(
            actor=request.user,  # type: ignore[arg-type]
            team=obj if change else None,
            name=obj.name,
            slug=obj.slug,
        )
        obj.pk, obj._state.adding = team.pk, False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        members: dict[User, bool] = {}
        for formset in formsets:
            for inline in formset.forms:
                data = getattr(inline, "cleaned_data", None) or {}
                if data.get("user") and not data.get("DELETE"):
                    members[data["user"]] = bool(data.get("is_lead"))
            # What the admin's own history message reads (the audit log has the details).
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        services.set_team_members(actor=request.user, team=form.instance, members=members)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        services.delete_team(actor=request.user, team=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for team in queryset:
            services.delete_team(actor=request.user, team=team)  # type: ignore[arg-type]


@admin.register(ApiToken)
class ApiTokenAdmin(RowChoicesAdmin, admin.ModelAdmin):
    """Tokens can be reviewed and revoked here; they are created on the settings page only."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        services.revoke_api_token(actor=request.user, token=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            services.revoke_api_token(actor=request.user, token=token)  # type: ignore[arg-type]


# Django's groups, with the same choices of rows as every other admin page.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RowChoicesAdmin, DjangoGroupAdmin):
    pass
