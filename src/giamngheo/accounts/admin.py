"""Django admin for accounts: every save goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.accounts import services
from giamngheo.accounts.models import LoginThrottle, RoleGrant, User
from giamngheo.audit import services as audit

USER_AUDIT_FIELDS = ("username", "full_name", "email", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("giamngheo", {"fields": ("full_name",)}),
    )
    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = audit.snapshot(User.objects.get(pk=obj.pk), USER_AUDIT_FIELDS) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="account.user_changed" if change else "account.user_created",
            obj=obj,
            before=before,
            after=audit.snapshot(obj, USER_AUDIT_FIELDS),
        )

    @transaction.atomic
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's view saves the form itself: record the change in the same transaction.
        users = User.objects.filter(pk=unquote(id))
        before = users.values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = users.first()
        if user is not None and user.password != before:
            audit.record(actor=request.user, action="account.password_changed", obj=user)
        return response

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated (is_active), never deleted: no audited delete


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "area", "granted_at", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "area__name", "area__code")
    autocomplete_fields = ("user", "area")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a grant is created or revoked, never edited

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        granted = services.role_grant(
            actor=request.user, user=obj.user, role=obj.role, area=obj.area
        )
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        services.role_revoke(actor=request.user, grant=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for grant in queryset:
            services.role_revoke(actor=request.user, grant=grant)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the counters are written by the login throttle; an administrator may only
    lift a throttle (audited)."""

    list_display = ("scope", "key", "failures", "last_failure_at", "blocked_until")
    list_filter = ("scope",)
    search_fields = ("key",)
    actions = ["lift"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("lift", None)
        return actions

    @admin.action(description=gettext_lazy("Gỡ hạn chế đăng nhập đã chọn"))
    def lift(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        count = services.login_throttle_clear(actor=request.user, throttles=list(queryset))
        self.message_user(request, _("Đã gỡ %(count)s hạn chế đăng nhập.") % {"count": count})
