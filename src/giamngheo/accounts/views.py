from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponse, HttpResponseRedirect

from giamngheo.accounts import services


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
