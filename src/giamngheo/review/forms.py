"""Forms of the review pages: they parse input and add friendly messages; the rules are checked
again by the services and the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.lib import clock, uploads
from giamngheo.lib.idempotency import IdempotentForm
from giamngheo.registry.forms import VietnameseDateField
from giamngheo.registry.picker import HouseholdField
from giamngheo.review.models import (
    REFUSAL_REASONS_MAX_LENGTH,
    ApplicationForm,
    ApplicationReason,
    ReviewerKind,
    SteeringRole,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )


class RoundForm(forms.Form):
    commune = forms.ChoiceField(label=_("Xã, phường, đặc khu"))
    year = forms.IntegerField(label=_("Năm rà soát"), min_value=2016, max_value=2100)
    plan_number = forms.CharField(label=_("Số kế hoạch"), max_length=60, required=False)
    plan_date = _date(_("Ngày kế hoạch"), required=False)
    plan_note = forms.CharField(
        label=_("Nội dung kế hoạch"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, communes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = communes  # type: ignore[attr-defined]
        self.fields["year"].initial = clock.today().year


class SteeringForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=SteeringRole.choices)


class ReviewerForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    kind = forms.ChoiceField(label=_("Là"), choices=ReviewerKind.choices)


class FlagForm(forms.Form):
    household = HouseholdField()
    note = forms.CharField(
        label=_("Tình hình thay đổi"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MeetingForm(IdempotentForm):
    """A new village meeting; its one-time key makes a double submission record one."""

    village = forms.ChoiceField(label=_("Thôn, tổ dân phố"))
    held_on = _date(_("Ngày họp"))
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    chair_name = forms.CharField(label=_("Chủ trì (trưởng thôn)"), max_length=200)
    secretary_name = forms.CharField(label=_("Thư ký"), max_length=200, required=False)
    attendees = forms.IntegerField(label=_("Số người dự họp"), min_value=1, max_value=100_000)
    attendees_note = forms.CharField(
        label=_("Thành phần dự họp"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    supervisor_note = forms.CharField(
        label=_("Giám sát (Mặt trận Tổ quốc)"), max_length=300, required=False
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        self.fields["held_on"].initial = clock.today()


class MinutesScanForm(forms.Form):
    scan = forms.FileField(label=_("Biên bản đã ký (PDF hoặc ảnh)"))

    def clean_scan(self) -> Any:
        # PDF, JPEG or PNG by its first bytes (not its name), within SCAN_MAX_BYTES.
        return uploads.validate_scan(self.cleaned_data["scan"])


class PostingForm(forms.Form):
    posted_on = _date(_("Ngày niêm yết"))
    places = forms.CharField(label=_("Nơi niêm yết"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posted_on"].initial = clock.today()


class ComplaintForm(forms.Form):
    complainant = forms.CharField(label=_("Người khiếu nại"), max_length=200)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    received_on = _date(_("Ngày tiếp nhận"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = clock.today()


class ResolveForm(forms.Form):
    resolved_on = _date(_("Ngày giải quyết, niêm yết kết quả"))
    result_note = forms.CharField(label=_("Kết luận"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolved_on"].initial = clock.today()


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = _date(_("Ngày ký"))
    signer_name = forms.CharField(label=_("Người ký"), max_length=200)
    signer_title = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    # The decision changes statuses irreversibly: the officer confirms the previewed lists.
    confirm = forms.BooleanField(
        label=_(
            "Tôi đã kiểm tra danh sách và số hộ theo từng loại ở trên; ban hành quyết định sẽ "
            "cập nhật tình trạng các hộ và không sửa lại được."
        ),
        required=True,
        error_messages={"required": _("Cần xác nhận đã kiểm tra danh sách trước khi ban hành.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = clock.today()


class ConsultForm(forms.Form):
    consulted_on = _date(_("Ngày báo cáo, xin ý kiến"))
    reference = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=120)


class ApplicationFormForm(forms.Form):
    household = HouseholdField()
    form = forms.ChoiceField(label=_("Mẫu đơn"), choices=ApplicationForm.choices)
    reason = forms.ChoiceField(label=_("Lý do"), choices=ApplicationReason.choices)
    reason_note = forms.CharField(
        label=_("Trình bày"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    applicant_name = forms.CharField(label=_("Người làm đơn"), max_length=200)
    received_on = _date(_("Ngày tiếp nhận"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = clock.today()


class RefuseForm(forms.Form):
    number = forms.CharField(label=_("Số văn bản"), max_length=60)
    signed_on = _date(_("Ngày ký"))
    signer_name = forms.CharField(label=_("Người ký"), max_length=200)
    reasons = forms.CharField(
        label=_("Lý do từ chối"),
        max_length=REFUSAL_REASONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = clock.today()


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Mã xác thực"), max_length=30)


# The reason of the application a kind of change suggests (the officer may choose another).
REASON_FOR_KIND = {
    "shock": "disaster",
    "death": "earner_death",
    "improved": "improved",
}


class ApplicationFromChangeForm(forms.Form):
    """An in-year review application made from a reported change (issue 11)."""

    form = forms.ChoiceField(label=_("Mẫu đơn"), choices=ApplicationForm.choices)
    reason = forms.ChoiceField(label=_("Lý do"), choices=ApplicationReason.choices)
    received_on = VietnameseDateField(label=_("Ngày nhận đơn"))
    applicant_name = forms.CharField(label=_("Người làm đơn"), max_length=200)
    reason_note = forms.CharField(
        label=_("Trình bày"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
