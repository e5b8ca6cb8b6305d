"""The deliveries' pages: totals (per programme with the tree roll-up, area, year) and their
Excel export, one support or a health-insurance card for a household, the bulk entry from a
list of households, the delivery sheet import, a support's page and receipt, and graduation
and reach. Reads are scoped (``access.scoped``); writes go through the services."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import selectors as account_selectors
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.jobs import files
from giamngheo.jobs import selectors as job_selectors
from giamngheo.jobs import services as job_services
from giamngheo.jobs.models import Job
from giamngheo.lib import clock, params
from giamngheo.lib.formatting import format_number
from giamngheo.lib.views import form_attempt, form_page
from giamngheo.programmes.deliveries import (
    exports,
    forms,
    imports,
    reach,
    receipts,
    selectors,
    services,
)
from giamngheo.programmes.deliveries.jobs import IMPORT_JOB
from giamngheo.programmes.models import BeneficiaryEntry, BeneficiaryList, ListState, Programme
from giamngheo.programmes.services import support_record_create
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Household, Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BULK_MAX_HOUSEHOLDS = 1000
INLINE_MAX_BYTES = 512 * 1024  # larger sheets go to a background job


def _filters(request: HttpRequest) -> dict[str, Any]:
    code = request.GET.get("programme") or ""
    programme = Programme.objects.filter(code=code).first() if code else None
    if code and programme is None:
        raise Http404
    area_code = request.GET.get("area") or ""
    area = account_selectors.unit_for(request.user, area_code) if area_code else None
    year = params.year_param(request)
    return {"programme": programme, "area": area, "year": year}


def _query(filters: dict[str, Any]) -> str:
    parts = []
    if filters["programme"]:
        parts.append(f"programme={filters['programme'].code}")
    if filters["area"]:
        parts.append(f"area={filters['area'].code}")
    if filters["year"]:
        parts.append(f"year={filters['year']}")
    return "&".join(parts)


def _years() -> range:
    this = clock.today().year
    return range(this, this - 7, -1)


def index(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.support_rows(request.user, **filters)
    return render(
        request,
        "programmes/deliveries/index.html",
        {
            **filters,
            "by_programme": selectors.totals_by_programme(rows),
            "by_area": selectors.totals_by_area(rows, filters["area"]),
            "by_year": selectors.totals_by_year(rows),
            "grand": selectors.grand_total(rows),
            "recent": rows.select_related("household", "programme").order_by(
                "-delivered_on", "-pk"
            )[:50],
            "programmes": selectors.programmes(),
            "areas": account_selectors.children_for(request.user, filters["area"])[:200],
            "years": _years(),
            "query": _query(filters),
            "can_enter": not access.change_reach(request.user).empty,
        },
    )


def export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.support_rows(request.user, **filters)
    # Made while the user waits: a filter matching more rows than a web process should hold is
    # narrowed first (by area, year or programme).
    limit = settings.EXPORT_MAX_ROWS
    count = rows.count()
    if count > limit:
        messages.error(
            request,
            _(
                "Có %(count)s lượt hỗ trợ theo bộ lọc này, quá %(limit)s dòng của một tệp Excel "
                "tải ngay: hãy chọn địa bàn, năm hoặc chương trình hẹp hơn."
            )
            % {"count": format_number(count), "limit": format_number(limit)},
        )
        query = _query(filters)
        return redirect(reverse("deliveries:index") + (f"?{query}" if query else ""))
    response = HttpResponse(
        exports.deliveries_workbook(request.user, rows, filters["area"]), content_type=XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="cap-phat-ho-tro.xlsx"'
    return response


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.support_for(request.user, pk)
    card = selectors.card_for_record(record)
    full = access.can_see_personal_data(request.user, record.village)
    return render(
        request,
        "programmes/deliveries/detail.html",
        {
            "record": record,
            "card": card,
            "card_number": selectors.shown_card_number(card, full=full),
        },
    )


def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.support_for(request.user, pk)
    full = access.can_see_personal_data(request.user, record.village)
    response = HttpResponse(
        receipts.receipt_pdf(record, full_numbers=full), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{record.pk}.pdf"'
    return response


def signing_sheet(request: HttpRequest) -> HttpResponse:
    """The signing sheet of one programme's deliveries on one day (``?programme=&date=``,
    optionally ``&area=``), the rows the user may see."""
    filters = _filters(request)
    day = params.date_param(request, "date")
    if filters["programme"] is None or day is None:
        raise Http404
    records = list(
        selectors.support_rows(request.user, programme=filters["programme"], area=filters["area"])
        .filter(delivered_on=day)
        .select_related("household", "person", "village")
        .order_by("village__name", "household__code", "pk")[:2000]
    )
    issuer = filters["area"].name if filters["area"] else _("Ban chỉ đạo giảm nghèo")
    pdf = receipts.signing_sheet_pdf(
        records,
        title=f"{filters['programme'].code} · {filters['programme'].name}",
        issuer=issuer,
        day=day,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ky-nhan-{day:%Y%m%d}.pdf"'
    return response


def _household_for_change(request: HttpRequest, household_pk: int) -> Household:
    household = registry_selectors.household_for(request.user, household_pk)
    if not access.can_change_area(request.user, household.village):
        raise PermissionDenied
    return household


def _members(household: Household) -> Any:
    return Person.objects.filter(memberships__household=household).distinct().order_by("full_name")


def household_new(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _household_for_change(request, household_pk)
    form = forms.SupportForm(request.POST or None, members=_members(household))
    if request.method == "POST" and form.is_valid():
        data = form.support()
        record = form_attempt(
            form,
            lambda: support_record_create(
                actor=request.user,
                household=household,
                person=form.cleaned_data["person"],
                source_app=services.SOURCE_APP,
                **{**data, "description": data["description"] or ""},
            ),
        )
        if record is not None:
            return redirect("deliveries:detail", pk=record.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    return form_page(
        request,
        form,
        title=_("Ghi khoản hỗ trợ cho hộ %(code)s") % {"code": household.code},
        back=back,
        crumbs=[(str(household), back)],
        status=400 if form.errors else 200,
    )


def card_new(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _household_for_change(request, household_pk)
    form = forms.CardForm(request.POST or None, members=_members(household))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        card = form_attempt(
            form,
            lambda: services.health_insurance_card_create(
                actor=request.user,
                household=household,
                person=data["person"],
                programme=data["programme"],
                card_number=data["card_number"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                issued_by=data["issued_by"],
                amount=data["amount"],
                delivered_on=data["delivered_on"],
                funding_source=data["funding_source"],
                delivered_by=data["delivered_by"],
                decision_number=data["decision_number"],
            ),
        )
        if card is not None:
            return redirect("deliveries:detail", pk=card.support_record_id)
    back = reverse("registry:household_detail", args=[household.pk])
    return form_page(
        request,
        form,
        title=_("Ghi thẻ bảo hiểm y tế cho hộ %(code)s") % {"code": household.code},
        back=back,
        crumbs=[(str(household), back)],
        status=400 if form.errors else 200,
    )


def _bulk_area(request: HttpRequest) -> AdministrativeUnit | None:
    code = request.GET.get("area") or ""
    if not code:
        return None
    area = account_selectors.unit_for(request.user, code)
    if area.level not in {Level.COMMUNE, Level.VILLAGE}:
        raise Http404
    return area


def _approved_list(request: HttpRequest) -> BeneficiaryList | None:
    list_id = params.id_param(request, "list")
    if list_id is None:
        return None
    return access.get_visible_or_404(
        BeneficiaryList.objects.select_related("programme", "area"),
        request.user,
        {"village": ""},
        pk=list_id,
        state=ListState.APPROVED,
    )


def bulk(request: HttpRequest) -> HttpResponse:
    """Deliver one support to each household of a list: an approved beneficiary list
    (``?list=``: its included households, its programme) or the households of a commune or
    village (``?area=``, the poor and near-poor first); only households the user may change."""
    change = access.change_reach(request.user)
    if change.empty:
        raise PermissionDenied
    approved = _approved_list(request)
    area = approved.area if approved is not None else _bulk_area(request)
    if area is None:
        villages = (
            AdministrativeUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
            .filter(access.area_filter(change, province="province", commune="parent", village="pk"))
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        lists = access.scoped(
            BeneficiaryList.objects.filter(state=ListState.APPROVED), request.user, village=""
        ).select_related("programme", "area")
        return render(
            request,
            "programmes/deliveries/bulk_area.html",
            {
                "communes": access.changeable_communes(request.user)[:500],
                "villages": villages[:2000],
                "lists": lists.order_by("-approved_on", "-pk")[:100],
            },
        )
    households = access.scoped(Household.objects.all(), request.user).filter(
        access.area_filter(change)
    )
    if approved is not None:
        households = households.filter(
            pk__in=BeneficiaryEntry.objects.filter(beneficiary_list=approved, included=True).values(
                "household_id"
            )
        )
    else:
        households = households.filter(selectors.area_q(area))
    ids = list(
        households.order_by("status", "code").values_list("pk", flat=True)[:BULK_MAX_HOUSEHOLDS]
    )
    chosen = Household.objects.filter(pk__in=ids).select_related("village").order_by("code")
    initial: dict[str, Any] = {}
    if approved is not None:
        initial = {"programme": approved.programme_id, "households": ids}
    form = forms.BulkForm(request.POST or None, households=chosen, initial=initial)
    if request.method == "POST" and form.is_valid():
        note = approved.title if approved is not None else ""
        records = form_attempt(
            form,
            lambda: services.deliveries_bulk_create(
                actor=request.user,
                households=list(form.cleaned_data["households"]),
                **{
                    **form.support(),
                    "description": form.cleaned_data["description"] or note,
                },
            ),
        )
        if records is not None:
            return redirect(f"{reverse('deliveries:index')}?area={area.code}")
    back = reverse("deliveries:index")
    title = (
        _("Cấp phát theo danh sách thụ hưởng · %(title)s") % {"title": approved.title}
        if approved is not None
        else _("Cấp phát theo danh sách hộ · %(area)s") % {"area": area.name}
    )
    return form_page(
        request,
        form,
        title=title,
        back=back,
        crumbs=[(_("Cấp phát hỗ trợ"), back)],
        status=400 if form.errors else 200,
    )


def import_page(request: HttpRequest) -> HttpResponse:
    if access.change_reach(request.user).empty:
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        programme = form.cleaned_data["programme"]
        name = Path(upload.name or "tep.xlsx").name
        if upload.size and upload.size > INLINE_MAX_BYTES:
            province, commune = job_selectors.filing_area(request.user)
            job = job_services.job_enqueue(
                actor=request.user,
                kind=IMPORT_JOB,
                parameters={
                    "file": files.save_upload(upload),
                    "file_name": name,
                    "programme": programme.pk if programme else None,
                },
                province=province,
                commune=commune,
            )
            return redirect("deliveries:import_detail", pk=job.pk)
        suffix = Path(name).suffix.lower() or ".xlsx"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            report = imports.import_deliveries(
                actor=request.user, path=path, file_name=name, programme=programme
            )
    return render(
        request,
        "programmes/deliveries/import.html",
        {"form": form, "report": report},
        status=400 if (form.errors or (report and report.errors)) else 200,
    )


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job: Job = job_selectors.job_for(request.user, pk, kinds=(IMPORT_JOB,))
    return render(
        request, "programmes/deliveries/import_job.html", {"job": job, "result": job.result or {}}
    )


def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-cap-phat.xlsx"'
    return response


def _reach_context(request: HttpRequest) -> dict[str, Any]:
    filters = _filters(request)
    year = filters["year"] or clock.today().year
    found = reach.programme_reach(
        request.user, year=year, programme=filters["programme"], area=filters["area"]
    )
    return {
        **filters,
        "year": year,
        "reach": found,
        "statuses": [
            (label, found.by_status.get(code, 0))
            for code, label in Household._meta.get_field("status").choices  # type: ignore[union-attr]
            if found.by_status.get(code)
        ],
        "priorities": [
            (
                Household._meta.get_field(name).verbose_name,  # type: ignore[union-attr]
                found.by_priority.get(name, 0),
            )
            for name in reach.PRIORITY_GROUPS
        ],
        "poor": reach.poor_without_support(request.user, year=year, area=filters["area"]),
    }


def reach_page(request: HttpRequest) -> HttpResponse:
    context = _reach_context(request)
    poor = context["poor"]
    return render(
        request,
        "programmes/deliveries/reach.html",
        {
            **context,
            "poor": poor[:500],
            "poor_count": poor.count(),
            "programmes": selectors.programmes(),
            "areas": account_selectors.children_for(request.user, context["area"])[:200],
            "years": _years(),
            "query": _query(context),
        },
    )


def reach_export(request: HttpRequest) -> HttpResponse:
    context = _reach_context(request)
    response = HttpResponse(
        exports.reach_workbook(
            context["reach"],
            context["poor"],
            year=context["year"],
            statuses=context["statuses"],
            priorities=context["priorities"],
        ),
        content_type=XLSX,
    )
    response["Content-Disposition"] = f'attachment; filename="bao-phu-{context["year"]}.xlsx"'
    return response
