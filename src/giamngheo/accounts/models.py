"""Users and their role grants on areas. Who may see or change what is decided only in
``giamngheo.accounts.access``."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    COLLABORATOR = "collaborator", _("Cộng tác viên giảm nghèo")
    INSPECTOR = "inspector", _("Thanh tra, giám sát (chỉ xem)")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleGrant(models.Model):
    """A role on an area. A collaborator may hold several grants, one per village."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("địa bàn"),
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="grant_unique"),
            # Only the system administrator's grant is area-less (it covers the whole country).
            models.CheckConstraint(
                condition=Q(role="system_admin") | Q(area__isnull=False),
                name="grant_area_required_except_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area or '*'}"


class ThrottleScope(models.TextChoices):
    ACCOUNT = "account", _("tài khoản")
    ADDRESS = "address", _("địa chỉ mạng")


class LoginThrottle(models.Model):
    """Failed logins of one account name or one client address, and until when further attempts
    are refused (``giamngheo.accounts.throttle`` explains the rules). In PostgreSQL, not in
    memory: the web app runs in several processes."""

    scope = models.CharField(_("phạm vi"), max_length=10, choices=ThrottleScope.choices)
    # Account: a hash of the case-folded user name (known or not, so that the table does not
    # tell which names exist). Address: the client's IPv4 address or IPv6 /64 network.
    key = models.CharField(_("khóa"), max_length=64)
    failures = models.PositiveIntegerField(_("số lần sai"), default=0)
    last_failure_at = models.DateTimeField(_("lần sai gần nhất"), null=True, blank=True)
    blocked_until = models.DateTimeField(_("tạm hoãn đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("hạn chế đăng nhập")
        verbose_name_plural = _("hạn chế đăng nhập")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique"),
        ]
        indexes = [models.Index(fields=["last_failure_at"], name="login_throttle_last_idx")]

    def __str__(self) -> str:
        label = self.key if self.scope == ThrottleScope.ADDRESS else self.key[:12]
        return f"{self.get_scope_display()} {label}"


class ApiToken(models.Model):
    """A bearer token for the REST API (``giamngheo.api``), owned by one user and acting as them.

    Only a SHA-256 digest of the secret is stored (the secret is random, so a plain hash is
    enough: no password to guess); ``prefix`` is its first characters, not secret, shown in the
    list and used to find the row. A token stops working when it expires or is revoked; rows are
    kept for the audit trail."""

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên"), max_length=100, blank=True)
    prefix = models.CharField(_("tiền tố"), max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.owner})"
