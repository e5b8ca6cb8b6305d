from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import VILLAGE_TYPES, AreaKind, UnitType
from giamngheo.lib import uploads, validators


class VillageForm(forms.Form):
    name = forms.CharField(
        label=_("Tên thôn, tổ dân phố"), max_length=200, validators=[validators.validate_name]
    )
    unit_type = forms.ChoiceField(
        label=_("Loại"), choices=[(t.value, t.label) for t in UnitType if t in VILLAGE_TYPES]
    )
    area_kind = forms.ChoiceField(
        label=_("Khu vực"),
        choices=[("", _("Theo xã, phường")), *AreaKind.choices],
        required=False,
    )


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV (UTF-8) có các cột ma_xa, ten, loai"),
        help_text=_("loai là một trong: thon, ap, ban, buon, khom, to_dan_pho, plei, soc."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Size, UTF-8, no NUL byte, not another format (lib.uploads); the text is kept.
        self.text = uploads.validate_csv_text(upload, settings.VILLAGES_CSV_MAX_BYTES)
        return upload


class AreaKindForm(forms.Form):
    area_kind = forms.ChoiceField(label=_("Khu vực"), choices=AreaKind.choices)
    reason = forms.CharField(label=_("Lý do"), max_length=300)
