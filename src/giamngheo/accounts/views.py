from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import services, tokens
from giamngheo.accounts.forms import ApiTokenForm
from giamngheo.accounts.models import ApiToken
from giamngheo.accounts.types import AuthenticatedHttpRequest
from giamngheo.lib.views import attempt, form_attempt


class AuditedPasswordChangeView(PasswordChangeView):
    """Django's password change, saved through the service so the change is audited."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.password_change(
            actor=self.request.user,
            user=form.user,
            new_password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API tokens (prefix, name, dates) and a form for a new one. A created token's
    secret is shown on this response only (no redirect: it is never stored, and the page is
    ``no-store``)."""
    form = ApiTokenForm(request.POST or None, initial={"days": tokens.default_lifetime_days()})
    created = None
    if request.method == "POST" and form.is_valid():
        created = form_attempt(
            form,
            lambda: services.api_token_create(
                actor=request.user,
                owner=request.user,
                name=form.cleaned_data["name"] or "",
                days=form.cleaned_data["days"],
            ),
        )
        if created is not None:
            form = ApiTokenForm(initial={"days": tokens.default_lifetime_days()})
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "created": created,
            "rows": tokens.tokens_of(request.user),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    row = ApiToken.objects.filter(owner=request.user, pk=pk).first()
    if row is None:
        raise Http404
    attempt(
        request,
        lambda: services.api_token_revoke(actor=request.user, token=row),
        _("Đã thu hồi mã %(prefix)s.") % {"prefix": row.prefix},
    )
    return redirect("accounts:api_tokens")
