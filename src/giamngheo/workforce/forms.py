"""Workforce forms: friendly Vietnamese validation. The rules live in the services and the
database; choices come from the reference data files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.forms import PhoneField
from giamngheo.lib.idempotency import IdempotentForm
from giamngheo.lib.locking import VersionedForm
from giamngheo.registry.forms import VietnameseDateField
from giamngheo.registry.models import Sex
from giamngheo.registry.picker import HouseholdField
from giamngheo.registry.reference import ethnicity_choices
from giamngheo.workforce import labels, reference
from giamngheo.workforce.models import Task, TaskOutcome, Worker, WorkerStatus

MONTH_FORMAT = "%m/%Y"


class MonthField(forms.CharField):
    """A month typed as mm/yyyy (also accepts yyyy-mm from <input type=month>); cleans to the
    first day of the month."""

    default_error_messages = {"invalid": _("Nhập tháng theo dạng tháng/năm, ví dụ 03/2025.")}

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        for pattern in (MONTH_FORMAT, "%Y-%m"):
            try:
                return dt.datetime.strptime(text, pattern).date().replace(day=1)  # noqa: DTZ007
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.strftime(MONTH_FORMAT)
        return value


class WorkerForm(forms.Form):
    code = forms.CharField(label=_("Mã cán bộ"), max_length=30)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    birth_year = forms.IntegerField(label=_("Năm sinh"), min_value=1930, max_value=2015)
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=ethnicity_choices, initial="01")
    education = forms.ChoiceField(
        label=_("Trình độ chuyên môn"), choices=reference.education_choices
    )
    phone = PhoneField(label=_("Điện thoại"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=reference.role_choices)
    mass_organisation = forms.ChoiceField(
        label=_("Tổ chức hội, đoàn thể"),
        choices=lambda: reference.choices(reference.mass_organisations()),
    )


class WorkerEditForm(VersionedForm, WorkerForm):
    """The roster entry's edit form, with the version it was loaded with (``lib.locking``)."""


class WorkerCreateForm(WorkerForm):
    area = forms.ModelChoiceField(
        label=_("Đơn vị quản lý (xã hoặc tỉnh)"), queryset=AdministrativeUnit.objects.none()
    )
    started_on = VietnameseDateField(label=_("Bắt đầu làm việc từ ngày"))

    def __init__(self, *args: Any, areas: QuerySet[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Số hợp đồng"), max_length=50)
    signed_on = VietnameseDateField(label=_("Ngày ký"), required=False)
    starts_on = VietnameseDateField(label=_("Từ ngày"))
    ends_on = VietnameseDateField(label=_("Đến ngày"), required=False)
    monthly_allowance = forms.IntegerField(
        label=_("Phụ cấp hằng tháng (đồng)"), min_value=0, max_value=1_000_000_000
    )
    managing_unit = forms.CharField(label=_("Đơn vị quản lý"), max_length=200)
    legal_basis = forms.CharField(
        label=_("Căn cứ (văn bản quy định phụ cấp)"), max_length=300, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class AssignmentForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Địa bàn phụ trách (xã hoặc thôn)"), queryset=AdministrativeUnit.objects.none()
    )
    starts_on = VietnameseDateField(label=_("Từ ngày"))

    def __init__(self, *args: Any, areas: QuerySet[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].label_from_instance = _area_label  # type: ignore[attr-defined]


def _area_label(unit: AdministrativeUnit) -> str:
    return f"{unit.name} — {unit.parent.name}" if unit.parent_id and unit.parent else unit.name


class AssignmentEndForm(forms.Form):
    ends_on = VietnameseDateField(label=_("Kết thúc ngày"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng mới"), choices=WorkerStatus.choices)
    effective_on = VietnameseDateField(label=_("Từ ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)


class LinkUserForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        required=False,
        help_text=_("Để trống để bỏ liên kết tài khoản."),
    )


class TaskForm(forms.Form):
    duty = forms.TypedChoiceField(
        label=_("Nhiệm vụ"), coerce=int, choices=lambda: reference.choices(reference.duties())
    )
    description = forms.CharField(label=_("Nội dung công việc"), max_length=500)
    due_on = VietnameseDateField(label=_("Hạn"), required=False)


class ReportForm(VersionedForm):
    """The month's report: first each task of the plan (done, partly, not done, with a note;
    no outcome chosen at first), then one text box per duty (the six duties are data) and the
    month's figures; the version of the draft it was loaded with (the worker and an officer
    may both edit it)."""

    households_visited = forms.IntegerField(
        label=_("Số hộ đã đến"), min_value=0, max_value=100_000, initial=0
    )
    meetings_attended = forms.IntegerField(
        label=_("Số cuộc họp đã dự"), min_value=0, max_value=10_000, initial=0
    )
    summary = forms.CharField(
        label=_("Tóm tắt, khó khăn, kiến nghị"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, tasks: Sequence[Task] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = list(tasks)
        for task in self.tasks:
            self.fields[f"task_{task.pk}"] = forms.ChoiceField(
                label=f"{labels.duty_label(task.duty)} · {task.description}",
                choices=TaskOutcome.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"task_{task.pk}_note"] = forms.CharField(
                label=_("Ghi chú"), max_length=500, required=False
            )
        for duty in reference.duties():
            self.fields[f"duty_{duty}"] = forms.CharField(
                label=labels.duty_label(duty),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                help_text=labels.duty_description(duty),
            )

    def task_fields(self) -> list[tuple[Task, forms.BoundField, forms.BoundField]]:
        return [(t, self[f"task_{t.pk}"], self[f"task_{t.pk}_note"]) for t in self.tasks]

    def other_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if not field.name.startswith("task_")]

    def items(self) -> dict[int, str]:
        return {duty: self.cleaned_data.get(f"duty_{duty}", "") for duty in reference.duties()}

    def task_outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            task.pk: (
                self.cleaned_data.get(f"task_{task.pk}") or "",
                self.cleaned_data.get(f"task_{task.pk}_note") or "",
            )
            for task in self.tasks
        }


class ReportReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Lý do hoặc nhận xét"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class ActivityForm(forms.Form):
    on = VietnameseDateField(label=_("Ngày"))
    duty = forms.TypedChoiceField(
        label=_("Nhiệm vụ"), coerce=int, choices=lambda: reference.choices(reference.duties())
    )
    description = forms.CharField(label=_("Nội dung"), max_length=500)
    household = HouseholdField(label=_("Hộ (nếu có)"), required=False)


class HouseholdPickMixin(forms.Form):
    """A form about a household: when the page is not already about one (``?household=``),
    the household is found by search and picked (``registry.picker.HouseholdField``)."""

    def __init__(self, *args: Any, pick_household: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pick_household:
            self.fields = {"household": HouseholdField(), **self.fields}


class SupportRequestForm(HouseholdPickMixin, IdempotentForm):
    """A new request; its one-time key makes a double submission record one request."""

    need_type = forms.ChoiceField(
        label=_("Loại nhu cầu"), choices=lambda: reference.choices(reference.need_types())
    )
    description = forms.CharField(
        label=_("Nội dung yêu cầu"), widget=forms.Textarea(attrs={"rows": 4})
    )
    received_on = VietnameseDateField(label=_("Ngày tiếp nhận"))


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Kết quả hoặc lý do"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Chuyển cho"), queryset=Worker.objects.none(), required=False
    )

    def __init__(self, *args: Any, owners: QuerySet[Worker] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Người phụ trách mới"), queryset=Worker.objects.none())
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, owners: QuerySet[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class InformForm(forms.Form):
    informed_on = VietnameseDateField(label=_("Ngày thông báo cho hộ"))
    how = forms.CharField(label=_("Hình thức thông báo"), max_length=200, required=False)


class HouseholdChangeForm(HouseholdPickMixin, IdempotentForm):
    kind = forms.ChoiceField(label=_("Loại biến động"), choices=reference.change_kind_choices)
    occurred_on = VietnameseDateField(label=_("Ngày xảy ra"))
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 3}))
    request_review = forms.BooleanField(label=_("Đề nghị rà soát trong năm cho hộ"), required=False)
    proposed_form = forms.ChoiceField(
        label=_("Mẫu đề nghị"),
        required=False,
        choices=[
            ("", _("Theo loại biến động")),
            ("mau_01", _("Mẫu 01: đề nghị xét duyệt vào danh sách")),
            ("mau_04", _("Mẫu 04: đề nghị công nhận thoát nghèo, cận nghèo")),
        ],
    )


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Lý do"), max_length=300)


class EvaluationForm(IdempotentForm):
    period_start = VietnameseDateField(label=_("Kỳ đánh giá từ ngày"))
    period_end = VietnameseDateField(label=_("đến ngày"))
    evaluator_body = forms.ChoiceField(
        label=_("Đơn vị đánh giá"), choices=lambda: reference.choices(reference.evaluator_bodies())
    )
    remarks = forms.CharField(
        label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, criterion in reference.evaluation_criteria().items():
            self.fields[f"score_{code}"] = forms.IntegerField(
                label=f"{criterion.name} (0-{criterion.max_score})",
                min_value=0,
                max_value=criterion.max_score,
            )

    def scores(self) -> dict[str, int]:
        return {
            code: self.cleaned_data[f"score_{code}"] for code in reference.evaluation_criteria()
        }


class OpenMonthForm(forms.Form):
    month = MonthField(label=_("Tháng"))
