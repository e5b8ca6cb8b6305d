"""Training forms: friendly Vietnamese validation; the rules themselves live in the services
and the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.forms import PhoneField
from giamngheo.lib.locking import VersionedForm, VersionField
from giamngheo.registry.forms import VietnameseDateField
from giamngheo.standards import available_standards
from giamngheo.training import reference
from giamngheo.training.models import (
    ClassLevel,
    HandbookPage,
    PageKind,
    Question,
    SessionPart,
    Sex,
    Verification,
)

MAX_CHOICES = 6


def _commune_field(communes: QuerySet[AdministrativeUnit] | None, label: Any) -> Any:
    return forms.ModelChoiceField(
        label=label,
        queryset=communes if communes is not None else AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("— Cấp tỉnh —"),
    )


class PlanForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=AdministrativeUnit.objects.none(), required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=300)
    decision_ref = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=200, required=False)
    purpose = forms.CharField(label=_("Mục đích"), widget=forms.Textarea(attrs={"rows": 4}))
    requirements = forms.CharField(
        label=_("Yêu cầu"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Đối tượng tập huấn"),
        choices=reference.category_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Bounds keep values inside the database columns (issue 10: 10**30 was an HTTP 500).
    budget = forms.IntegerField(
        label=_("Kinh phí dự kiến (đồng)"), min_value=0, max_value=10**13, initial=0
    )

    def __init__(
        self, *args: Any, communes: QuerySet[AdministrativeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"] = _commune_field(communes, _("Kế hoạch của xã"))
            self.order_fields(["commune"])


class PlanEditForm(VersionedForm, PlanForm):
    """A plan's edit form, with the version it was loaded with (``lib.locking``)."""


class ClassForm(forms.Form):
    code = forms.CharField(label=_("Mã lớp"), max_length=30)
    title = forms.CharField(label=_("Tên lớp"), max_length=300)
    level = forms.ChoiceField(label=_("Cấp tổ chức"), choices=ClassLevel.choices)
    commune = forms.ModelChoiceField(queryset=AdministrativeUnit.objects.none(), required=False)
    topics = forms.MultipleChoiceField(
        label=_("Chuyên đề"), choices=reference.topic_choices, widget=forms.CheckboxSelectMultiple
    )
    standard_code = forms.ChoiceField(
        label=_("Chuẩn nghèo được giới thiệu (với chuyên đề chuẩn nghèo mới)"),
        choices=lambda: [("", "—"), *[(code, code) for code in available_standards()]],
        required=False,
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    start_date = VietnameseDateField(label=_("Từ ngày"))
    end_date = VietnameseDateField(label=_("Đến ngày"))
    trainers = forms.CharField(
        label=_("Báo cáo viên (mỗi dòng một người)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    capacity = forms.IntegerField(label=_("Số học viên dự kiến"), min_value=1, max_value=10_000)
    min_attendance_percent = forms.IntegerField(
        label=_("Tỷ lệ chuyên cần để hoàn thành (%)"), min_value=1, max_value=100, initial=80
    )
    notes = forms.CharField(
        label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self, *args: Any, communes: QuerySet[AdministrativeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:
            # Editing: level and commune are fixed once the class exists.
            del self.fields["level"]
            del self.fields["commune"]
        else:
            self.fields["commune"] = _commune_field(communes, _("Xã (lớp cấp xã)"))


class ClassEditForm(VersionedForm, ClassForm):
    """A class's edit form, with the version it was loaded with (``lib.locking``)."""


class SessionForm(forms.Form):
    date = VietnameseDateField(label=_("Ngày"))
    part = forms.ChoiceField(label=_("Buổi"), choices=SessionPart.choices)
    topic = forms.ChoiceField(label=_("Chuyên đề"))
    title = forms.CharField(label=_("Nội dung"), max_length=300, required=False)
    trainer = forms.CharField(label=_("Báo cáo viên"), max_length=200, required=False)

    def __init__(self, *args: Any, topics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [(code, reference.topic_label(code)) for code in topics]  # type: ignore[attr-defined]


class CostForm(forms.Form):
    item_type = forms.ChoiceField(label=_("Khoản chi"), choices=reference.cost_type_choices)
    description = forms.CharField(label=_("Diễn giải"), max_length=300, required=False)
    quantity = forms.IntegerField(label=_("Số lượng"), min_value=1, max_value=100_000, initial=1)
    # quantity × unit price stays inside bigint (the cost's total).
    unit_price = forms.IntegerField(label=_("Đơn giá (đồng)"), min_value=0, max_value=10**12)


class ParticipantForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=AdministrativeUnit.objects.none(), required=False)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *Sex.choices], required=False)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"), min_value=1930, max_value=2015, required=False
    )
    category = forms.ChoiceField(label=_("Thành phần"), choices=reference.category_choices)
    organisation = forms.CharField(label=_("Đơn vị, tổ chức"), max_length=200, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    phone = PhoneField(label=_("Điện thoại"), required=False)

    def __init__(
        self, *args: Any, communes: QuerySet[AdministrativeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"] = _commune_field(communes, _("Xã công tác"))
            self.order_fields(["commune"])


class QuestionForm(forms.Form):
    topic = forms.ChoiceField(label=_("Chuyên đề"), choices=reference.topic_choices)
    text = forms.CharField(label=_("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 3}))
    choice_1 = forms.CharField(label=_("Phương án 1"), max_length=500)
    choice_2 = forms.CharField(label=_("Phương án 2"), max_length=500)
    choice_3 = forms.CharField(label=_("Phương án 3"), max_length=500, required=False)
    choice_4 = forms.CharField(label=_("Phương án 4"), max_length=500, required=False)
    choice_5 = forms.CharField(label=_("Phương án 5"), max_length=500, required=False)
    choice_6 = forms.CharField(label=_("Phương án 6"), max_length=500, required=False)
    correct = forms.TypedChoiceField(
        label=_("Phương án đúng"),
        choices=[(str(i), str(i)) for i in range(1, MAX_CHOICES + 1)],
        coerce=int,
    )
    explanation = forms.CharField(
        label=_("Giải thích, căn cứ"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    is_active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)
    version = VersionField(required=False)  # required on the edit form (QuestionEditForm)

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "topic": question.topic,
            "text": question.text,
            "correct": str(question.correct + 1),
            "explanation": question.explanation,
            "is_active": question.is_active,
            "version": question.version,
        }
        for index, choice in enumerate(question.choices, start=1):
            initial[f"choice_{index}"] = choice
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = [data.get(f"choice_{i}", "").strip() for i in range(1, MAX_CHOICES + 1)]
        last = max((i for i, text in enumerate(texts) if text), default=-1)
        if any(not text for text in texts[: last + 1]):
            raise forms.ValidationError(_("Nhập các phương án liền nhau, không bỏ trống ở giữa."))
        data["choices"] = texts[: last + 1]
        correct = data.get("correct")
        if correct is not None and correct > len(data["choices"]):
            self.add_error("correct", _("Phương án đúng phải là một trong các phương án đã nhập."))
        elif correct is not None:
            data["correct_index"] = correct - 1
        return data


class QuestionEditForm(VersionedForm, QuestionForm):
    """A question's edit form: the version is required (``lib.locking``)."""


class ClassTestForm(forms.Form):
    held_on = VietnameseDateField(label=_("Ngày kiểm tra"))
    count = forms.IntegerField(
        label=_("Số câu hỏi (lấy từ ngân hàng theo chuyên đề của lớp)"),
        min_value=1,
        max_value=50,
        initial=10,
    )


class ContestForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=AdministrativeUnit.objects.none(), required=False)
    title = forms.CharField(label=_("Tên hội thi"), max_length=300)
    held_on = VietnameseDateField(label=_("Ngày tổ chức"))
    topics = forms.MultipleChoiceField(
        label=_("Chuyên đề"), choices=reference.topic_choices, widget=forms.CheckboxSelectMultiple
    )
    count = forms.IntegerField(label=_("Số câu hỏi"), min_value=1, max_value=100, initial=20)

    def __init__(
        self, *args: Any, communes: QuerySet[AdministrativeUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"] = _commune_field(communes, _("Xã tổ chức"))
            self.order_fields(["commune"])


def answer_form(questions: list[Question], data: Any = None, initial: Any = None) -> forms.Form:
    """One radio group per question, in the test's order; unanswered is allowed (0 points)."""
    form = forms.Form(data=data, initial=initial)
    for position, question in enumerate(questions):
        form.fields[f"q{position}"] = forms.TypedChoiceField(
            label=f"{position + 1}. {question.text}",
            choices=[(str(i), choice) for i, choice in enumerate(question.choices)],
            coerce=int,
            required=False,
            widget=forms.RadioSelect,
        )
    return form


class PageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại trang"), choices=PageKind.choices)
    slug = forms.SlugField(
        label=_("Đường dẫn (chữ không dấu, gạch nối)"), max_length=100, required=False
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    summary = forms.CharField(label=_("Tóm tắt"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=HandbookPage._meta.get_field("body").help_text,
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    verification = forms.ChoiceField(label=_("Mức kiểm chứng"), choices=Verification.choices)
    position = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=32_767, initial=100)
    note = forms.CharField(label=_("Ghi chú sửa đổi"), max_length=300, required=False)
    version = VersionField(required=False)  # required on the edit form (PageEditForm)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["slug"].required = True
        else:
            del self.fields["slug"]


class PageEditForm(VersionedForm, PageForm):
    """A handbook page's edit form: the version is required (``lib.locking``)."""
