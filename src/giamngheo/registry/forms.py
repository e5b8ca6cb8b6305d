"""Registry forms: friendly Vietnamese validation; the rules themselves live in the services
and the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib import validators
from giamngheo.lib.forms import CitizenIdField, PhoneField
from giamngheo.lib.locking import VersionedForm
from giamngheo.lib.masking import PERSONAL_FIELDS, is_masked
from giamngheo.registry.fields import HOUSEHOLD_EDITABLE_FIELDS, PERSON_ANSWER_NAMES
from giamngheo.registry.models import Household, Person, PovertyReason, Relation, Sex, SupportNeed
from giamngheo.registry.picker import HouseholdField
from giamngheo.registry.reference import ethnicity_choices

DATE_FORMAT = validators.DATE_INPUT_FORMATS[0]


class VietnameseDateField(forms.DateField):
    widget = forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "dd/mm/yyyy"})
    input_formats = list(validators.DATE_INPUT_FORMATS)
    default_error_messages = {"invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")}


def mask_numbers(form: forms.BaseForm, stored: dict[str, str | None]) -> None:
    """Show the personal numbers of ``stored`` (field name → stored value) masked in ``form``,
    for a user who may not see them in the record's area (``access.can_see_personal_data``).

    The masked value submitted back means "unchanged": the field cleans to the stored value. A
    full new number replaces it; any other value holding ``*`` is refused (a half-edited mask
    must not be saved). Call it before validation, after the form is built."""
    for name, value in stored.items():
        if not value or name not in form.fields:
            continue
        masked = PERSONAL_FIELDS[name](value)
        form.initial[name] = masked
        field = form.fields[name]
        field.clean = _keep_masked(field, masked, value)  # type: ignore[method-assign]


def _keep_masked(field: forms.Field, masked: str, stored: str) -> Any:
    original = field.clean

    def clean(value: Any) -> Any:
        if value == masked:
            return stored
        if isinstance(value, str) and is_masked(value):
            raise forms.ValidationError(
                _("Số này đang được che một phần: giữ nguyên, hoặc nhập lại đầy đủ số mới.")
            )
        return original(value)

    return clean


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=200, validators=[validators.validate_name]
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    birth_date = VietnameseDateField(
        label=_("Ngày sinh"), required=False, validators=[validators.validate_birth_date]
    )
    birth_year = forms.IntegerField(
        label=_("Năm sinh (nếu không rõ ngày)"),
        required=False,
        validators=[validators.validate_birth_year],
    )
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=ethnicity_choices, initial="01")
    citizen_id = CitizenIdField(label=_("Số định danh cá nhân"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth_date: dt.date | None = data.get("birth_date")
        birth_year: int | None = data.get("birth_year")
        today = dt.date.today()  # noqa: DTZ011 - a civil date
        if birth_date is None and birth_year is None:
            raise forms.ValidationError(_("Nhập ngày sinh hoặc ít nhất năm sinh."))
        if birth_date is not None:
            if birth_date > today:
                self.add_error("birth_date", _("Ngày sinh không thể ở tương lai."))
            data["birth_year"] = birth_date.year
        elif birth_year is not None and birth_year > today.year:
            self.add_error("birth_year", _("Năm sinh không thể ở tương lai."))
        data["citizen_id"] = data.get("citizen_id") or None
        return data


class PersonEditForm(VersionedForm, PersonForm):
    """A member's identity, with the version it was loaded with (``lib.locking``)."""


class MemberForm(PersonForm):
    relation = forms.ChoiceField(
        label=_("Quan hệ với chủ hộ"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )


def _village_label(unit: AdministrativeUnit) -> str:
    return f"{unit.name} — {unit.parent.name}" if unit.parent else unit.name


class HouseholdCreateForm(PersonForm):
    """A new household and its head; further members are added on the household page."""

    village = forms.ModelChoiceField(
        label=_("Thôn, tổ dân phố"), queryset=AdministrativeUnit.objects.none()
    )
    code = forms.CharField(label=_("Mã hộ"), max_length=30)
    address = forms.CharField(
        label=_("Địa chỉ"), max_length=300, required=False, validators=[validators.validate_text]
    )
    phone = PhoneField(label=_("Điện thoại"), required=False)
    field_order = ["village", "code", "address", "phone", "full_name"]

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village_field = self.fields["village"]
        assert isinstance(village_field, forms.ModelChoiceField)  # noqa: S101
        village_field.queryset = villages
        village_field.label_from_instance = _village_label  # type: ignore[method-assign,assignment]
        self.fields["full_name"].label = _("Họ và tên chủ hộ")

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class HouseholdEditForm(VersionedForm, forms.ModelForm):  # type: ignore[type-arg]
    phone = PhoneField(label=_("Điện thoại"), required=False)
    poverty_reasons = forms.MultipleChoiceField(
        label=_("Nguyên nhân nghèo"),
        choices=PovertyReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_needs = forms.MultipleChoiceField(
        label=_("Nhu cầu hỗ trợ"),
        choices=SupportNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Household
        fields = list(HOUSEHOLD_EDITABLE_FIELDS)


class MoveForm(forms.Form):
    to_household = HouseholdField(label=_("Hộ chuyển đến"))
    relation = forms.ChoiceField(
        label=_("Quan hệ với chủ hộ mới"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )
    on = VietnameseDateField(label=_("Từ ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=200)


def person_data(form: PersonForm, relation: str) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "full_name": " ".join(data["full_name"].split()),
        "sex": data["sex"],
        "birth_year": data["birth_year"],
        "birth_date": data.get("birth_date"),
        "ethnicity": data["ethnicity"],
        "citizen_id": data.get("citizen_id"),
        "relation": relation,
    }


__all__ = ["HouseholdCreateForm", "HouseholdEditForm", "MemberForm", "MoveForm", "Person"]


class PersonAnswersForm(forms.ModelForm):  # type: ignore[type-arg]
    """The member's answers that the standards engine reads (employment, insurance, education,
    disability, allowance, child nutrition, …): field labels and choices come from the model."""

    class Meta:
        model = Person
        fields = list(PERSON_ANSWER_NAMES)


class MemberEditForm(PersonEditForm):
    """The member edit form: identity plus the household's main earner flag."""

    is_main_earner = forms.BooleanField(
        label=_("Lao động chính của hộ"),
        required=False,
        help_text=_(
            "Khi lao động chính qua đời hoặc chuyển đi, hộ được đưa vào danh sách cần rà soát "
            "trong năm."
        ),
    )


# Relations an arriving person may have (a head changes through "Đổi chủ hộ").
ARRIVAL_RELATIONS = [c for c in Relation.choices if c[0] != Relation.HEAD]


class LifeEventForm(forms.Form):
    """One form per kind of life event (``LifeEventKind``): the fields the kind needs."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        members: list[tuple[int, str]],
        former: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        fields: dict[str, forms.Field] = {}
        on_label = _("Ngày xảy ra")
        if kind in ("death", "departure"):
            fields["person"] = forms.TypedChoiceField(label=_("Người"), choices=members, coerce=int)
            fields["new_head"] = forms.TypedChoiceField(
                label=_("Chủ hộ mới (nếu người này là chủ hộ)"),
                choices=[("", "—"), *members],
                coerce=int,
                required=False,
                empty_value=None,
            )
            on_label = _("Ngày mất") if kind == "death" else _("Ngày chuyển đi")
        elif kind == "head_change":
            fields["person"] = forms.TypedChoiceField(
                label=_("Chủ hộ mới"), choices=members, coerce=int
            )
        elif kind == "return":
            fields["person"] = forms.TypedChoiceField(
                label=_("Người trở về"), choices=former, coerce=int
            )
            fields["relation"] = forms.ChoiceField(
                label=_("Quan hệ với chủ hộ"), choices=ARRIVAL_RELATIONS
            )
            on_label = _("Ngày trở về")
        else:  # birth, marriage: a new person
            person = PersonForm()
            fields["full_name"] = person.fields["full_name"]
            fields["sex"] = person.fields["sex"]
            if kind == "marriage":
                fields["birth_date"] = person.fields["birth_date"]
                fields["birth_year"] = person.fields["birth_year"]
            fields["ethnicity"] = person.fields["ethnicity"]
            fields["citizen_id"] = person.fields["citizen_id"]
            fields["relation"] = forms.ChoiceField(
                label=_("Quan hệ với chủ hộ"),
                choices=ARRIVAL_RELATIONS,
                initial=Relation.CHILD if kind == "birth" else Relation.SPOUSE,
            )
            if kind == "marriage":
                fields["from_household"] = HouseholdField(
                    label=_("Hộ cũ (nếu người này đang ở một hộ khác trong sổ)"),
                    required=False,
                    help_text=_(
                        "Tìm và chọn hộ đó: người có họ tên trên được chuyển từ hộ đó sang "
                        "(lịch sử được giữ); để trống nếu là người mới."
                    ),
                )
            on_label = _("Ngày sinh") if kind == "birth" else _("Ngày về ở cùng")
        fields["on"] = VietnameseDateField(label=on_label)
        fields["note"] = forms.CharField(
            label=_("Ghi chú"),
            max_length=300,
            required=False,
            validators=[validators.validate_text],
        )
        self.fields.update(fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind == "marriage" and not data.get("birth_date") and not data.get("birth_year"):
            raise forms.ValidationError(_("Nhập ngày sinh hoặc ít nhất năm sinh."))
        if data.get("citizen_id") == "":
            data["citizen_id"] = None
        return data
