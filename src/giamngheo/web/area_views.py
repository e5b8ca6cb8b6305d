from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from giamngheo.accounts import access, selectors
from giamngheo.accounts.types import Viewer
from giamngheo.areas import services
from giamngheo.areas.forms import AreaKindForm, VillageForm, VillageImportForm
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household, Status


def browse(request: HttpRequest) -> HttpResponse:
    home = access.home_unit(request.user)
    if home is not None and not access.is_system_admin(request.user):
        return redirect("areas:unit", code=home.code)
    return render(
        request,
        "areas/browse.html",
        {"units": selectors.children_for(request.user, None)},
    )


def _household_counts(user: Viewer, unit: AdministrativeUnit) -> dict[int, dict[str, int]]:
    """Households per child unit, in one grouped query."""
    child_column = {Level.PROVINCE: "commune", Level.COMMUNE: "village"}.get(Level(unit.level))
    if child_column is None:
        return {}
    parent_column = "province" if unit.level == Level.PROVINCE else "commune"
    rows = (
        access.scoped(Household.objects.filter(**{parent_column: unit}), user)
        .values(f"{child_column}_id")
        .annotate(
            total=Count("id"),
            poor=Count("id", filter=Q(status=Status.POOR)),
            near_poor=Count("id", filter=Q(status=Status.NEAR_POOR)),
        )
    )
    return {row[f"{child_column}_id"]: row for row in rows}


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_for(request.user, code)
    children = list(selectors.children_for(request.user, unit))
    counts = _household_counts(request.user, unit)
    rows = [(child, counts.get(child.pk, {})) for child in children]
    return render(
        request,
        "areas/unit.html",
        {
            "unit": unit,
            "rows": rows,
            "can_add_village": unit.level == Level.COMMUNE
            and access.can_decide_in(request.user, unit),
            "can_set_area_kind": unit.level != Level.PROVINCE
            and access.can_decide_in(request.user, unit),
        },
    )


def village_new(request: HttpRequest, code: str) -> HttpResponse:
    commune = selectors.unit_for(request.user, code)
    if commune.level != Level.COMMUNE or not access.can_decide_in(request.user, commune):
        raise PermissionDenied
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.village_create(
                actor=request.user,
                commune=commune,
                name=form.cleaned_data["name"],
                unit_type=form.cleaned_data["unit_type"],
                area_kind=form.cleaned_data["area_kind"] or None,
            )
        except services.AreaError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Đã tạo %(name)s.") % {"name": village.name})
            return redirect("areas:unit", code=commune.code)
    return render(request, "areas/village_form.html", {"form": form, "commune": commune})


def area_kind_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_for(request.user, code)
    if unit.level == Level.PROVINCE or not access.can_decide_in(request.user, unit):
        raise PermissionDenied
    form = AreaKindForm(request.POST or None, initial={"area_kind": unit.area_kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.area_kind_override(
                actor=request.user,
                unit=unit,
                area_kind=form.cleaned_data["area_kind"],
                reason=form.cleaned_data["reason"],
            )
        except services.AreaError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã cập nhật khu vực của %(name)s.") % {"name": unit.name})
            return redirect("areas:unit", code=unit.code)
    return render(request, "areas/area_kind_form.html", {"form": form, "unit": unit})


def villages_import(request: HttpRequest) -> HttpResponse:
    reach = access.decision_reach(request.user)
    if reach.empty:
        raise PermissionDenied
    form = VillageImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("Tệp phải là CSV mã hóa UTF-8."))
        else:
            allowed = None
            if not reach.everything:
                allowed = set(
                    AdministrativeUnit.objects.filter(level=Level.COMMUNE)
                    .filter(Q(pk__in=reach.communes) | Q(province__in=reach.provinces))
                    .values_list("pk", flat=True)
                )
            result = services.villages_import_csv(
                actor=request.user, text=text, allowed_communes=allowed
            )
            errors = result.errors
            if not errors:
                messages.success(
                    request, _("Đã tạo %(n)s thôn, tổ dân phố.") % {"n": len(result.created)}
                )
                return redirect("areas:browse")
    return render(request, "areas/villages_import.html", {"form": form, "errors": errors})
