"""The credit pages: loans (list, detail, new, repayment, check of use, write-off), revolving
funds (list, new, the chain, the next turn) and the portfolio of an area (page and Excel)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import selectors as visible
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.credit import exports, forms, selectors, services
from giamngheo.credit.models import Lender, Loan, LoanStatus, RevolvingFund
from giamngheo.lib import clock, idempotency
from giamngheo.lib.formatting import format_number, format_percent
from giamngheo.lib.views import form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Household

PAGE_SIZE = 50


def _area(request: HttpRequest) -> AdministrativeUnit | None:
    code = request.GET.get("area") or None
    return visible.unit_for(request.user, code) if code else None


def _choice(request: HttpRequest, name: str, allowed: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


def loan_list(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    status = _choice(request, "status", LoanStatus.values)
    lender = _choice(request, "lender", Lender.values)
    rows = selectors.loans(request.user, area=area, status=status, lender=lender)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "credit/loan_list.html",
        {
            "page": page,
            "area": area,
            "status": status,
            "lender": lender,
            "statuses": LoanStatus.choices,
            "lenders": Lender.choices,
            "filter_query": query.urlencode(),
        },
    )


def _loan_to_change(request: HttpRequest, pk: int) -> Loan:
    loan = selectors.loan_for(request.user, pk)
    if not access.can_change_area(request.user, loan.village):
        raise PermissionDenied
    return loan


def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_for(request.user, pk)
    today = clock.today()
    overdue = services.loan_overdue(loan, today)
    can_change = access.can_change_area(request.user, loan.village)
    return render(
        request,
        "credit/loan_detail.html",
        {
            "loan": loan,
            "instalments": loan.instalments.all(),
            "repayments": loan.repayments.all(),
            "checks": loan.checks.all(),
            "overdue": overdue,
            "overdue_days": overdue.days(today),
            "today": today,
            "is_open": loan.status in (LoanStatus.ACTIVE, LoanStatus.OVERDUE),
            "can_change": can_change,
            "can_decide": access.can_decide_in(request.user, loan.commune),
        },
    )


def _household_to_change(request: HttpRequest) -> Household:
    try:
        pk = int(request.GET.get("household", ""))
    except ValueError as exc:
        raise Http404 from exc
    household = registry_selectors.household_for(request.user, pk)
    if not access.can_change_area(request.user, household.village):
        raise PermissionDenied
    return household


def loan_new(request: HttpRequest) -> HttpResponse:
    household = _household_to_change(request)
    form = forms.LoanForm(
        request.POST or None,
        household=household,
        initial={"disbursed_on": clock.today(), "lender": Lender.VBSP, "instalment_months": 12},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        loan = form_attempt(
            form,
            lambda: services.loan_create(
                actor=request.user,
                household=household,
                borrower=data["borrower"],
                programme=data["programme"],
                lender=data["lender"],
                lender_name=data["lender_name"],
                contract_number=data["contract_number"],
                amount=data["amount"],
                annual_rate=data["annual_rate"],
                term_months=data["term_months"],
                instalment_months=data["instalment_months"],
                purpose=data["purpose"],
                disbursed_on=data["disbursed_on"],
                submission_key=data["submission_key"],
            ),
        )
        if loan is not None:
            if idempotency.replayed(loan):
                messages.info(request, _("Khoản vay này đã được ghi trước đó; không ghi lần nữa."))
            else:
                messages.success(request, _("Đã ghi khoản vay và lịch trả nợ."))
            return redirect("credit:loan_detail", pk=loan.pk)
    return form_page(
        request,
        form,
        title=_("Ghi khoản vay cho hộ %(code)s") % {"code": household.code},
        back=reverse("registry:household_detail", args=[household.pk]),
        crumbs=[
            (_("Tín dụng chính sách"), reverse("credit:loan_list")),
            (household.code, reverse("registry:household_detail", args=[household.pk])),
        ],
        intro=_(
            "Khoản vay được ghi vào các khoản hỗ trợ của hộ. Mức vay và thời hạn được kiểm tra "
            "theo chính sách (dữ liệu của tỉnh)."
        ),
    )


def _loan_form_page(
    request: HttpRequest, loan: Loan, form: object, title: str, intro: str = ""
) -> HttpResponse:
    back = reverse("credit:loan_detail", args=[loan.pk])
    return form_page(
        request,
        form,  # type: ignore[arg-type]
        title=title,
        back=back,
        crumbs=[
            (_("Tín dụng chính sách"), reverse("credit:loan_list")),
            (_("Khoản vay #%(pk)d") % {"pk": loan.pk}, back),
        ],
        intro=intro,
    )


def repayment_new(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan_to_change(request, pk)
    due = services.loan_next_unpaid(loan)
    initial: dict[str, object] = {"paid_on": clock.today()}
    if due is not None:
        initial.update(principal=due.principal, interest=due.interest)
    form = forms.RepaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_attempt(
            form,
            lambda: services.repayment_record(
                actor=request.user,
                loan=loan,
                paid_on=data["paid_on"],
                principal=data["principal"],
                interest=data["interest"],
                note=data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("Đã ghi khoản trả nợ."))
            return redirect("credit:loan_detail", pk=loan.pk)
    return _loan_form_page(
        request,
        loan,
        form,
        _("Ghi trả nợ · khoản vay #%(pk)d") % {"pk": loan.pk},
        _("Dư nợ còn lại: %(left)s đồng.")
        % {"left": format_number(loan.amount - loan.principal_repaid)},
    )


def check_new(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan_to_change(request, pk)
    form = forms.UseCheckForm(request.POST or None, initial={"checked_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_attempt(
            form,
            lambda: services.use_check_record(
                actor=request.user,
                loan=loan,
                checked_on=data["checked_on"],
                checker=data["checker"],
                finding=data["finding"],
                note=data["note"],
                follow_up=data["follow_up"],
            ),
        )
        if done is not None:
            messages.success(request, _("Đã ghi kết quả kiểm tra sử dụng vốn."))
            return redirect("credit:loan_detail", pk=loan.pk)
    return _loan_form_page(
        request,
        loan,
        form,
        _("Kiểm tra sử dụng vốn vay · khoản vay #%(pk)d") % {"pk": loan.pk},
        _("Mục đích: %(purpose)s") % {"purpose": loan.purpose},
    )


def write_off(request: HttpRequest, pk: int) -> HttpResponse:
    loan = selectors.loan_for(request.user, pk)
    if not access.can_decide_in(request.user, loan.commune):
        raise PermissionDenied
    form = forms.WriteOffForm(request.POST or None, initial={"written_off_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        done = form_attempt(
            form,
            lambda: services.loan_write_off(
                actor=request.user,
                loan=loan,
                written_off_on=form.cleaned_data["written_off_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, _("Đã xóa nợ khoản vay."))
            return redirect("credit:loan_detail", pk=loan.pk)
    return _loan_form_page(request, loan, form, _("Xóa nợ · khoản vay #%(pk)d") % {"pk": loan.pk})


# -- revolving funds ------------------------------------------------------------------------


def fund_list(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    return render(
        request,
        "credit/fund_list.html",
        {
            "funds": selectors.funds(request.user, area=area),
            "area": area,
            "can_create": access.decidable_communes(request.user).exists(),
        },
    )


def fund_new(request: HttpRequest) -> HttpResponse:
    communes = access.decidable_communes(request.user)
    if not communes.exists():
        raise PermissionDenied
    form = forms.FundForm(
        request.POST or None, communes=communes, initial={"started_on": clock.today()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fund = form_attempt(
            form,
            lambda: services.fund_create(
                actor=request.user,
                commune=data["commune"],
                programme=data["programme"],
                name=data["name"],
                kind=data["kind"],
                share_to_rotate=data["share_percent"] / Decimal(100),
                cycle_months=data["cycle_months"],
                rules_basis=data["rules_basis"],
                started_on=data["started_on"],
                note=data["note"],
            ),
        )
        if fund is not None:
            messages.success(request, _("Đã lập quỹ quay vòng."))
            return redirect("credit:fund_detail", pk=fund.pk)
    return form_page(
        request,
        form,
        title=_("Lập quỹ quay vòng"),
        back=reverse("credit:fund_list"),
        crumbs=[(_("Quỹ quay vòng"), reverse("credit:fund_list"))],
        intro=_(
            "Quy định quay vòng (tỷ lệ chuyển tiếp, chu kỳ) theo quyết định của tỉnh; ghi căn cứ."
        ),
    )


def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = selectors.fund_for(request.user, pk)
    chain = selectors.fund_chain(fund)
    last = chain[-1] if chain else None
    return render(
        request,
        "credit/fund_detail.html",
        {
            "fund": fund,
            "chain": chain,
            "share_label": format_percent(float(fund.share_to_rotate)),
            "next_due": services.next_turn_due(fund, last) if last is not None else None,
            "least_next": services.minimum_next_value(fund, last) if last is not None else None,
            "can_decide": access.can_decide_in(request.user, fund.commune),
        },
    )


def _fund_to_decide(request: HttpRequest, pk: int) -> RevolvingFund:
    fund = selectors.fund_for(request.user, pk)
    if not access.can_decide_in(request.user, fund.commune):
        raise PermissionDenied
    return fund


def fund_turn_new(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund_to_decide(request, pk)
    form = forms.FundTurnForm(request.POST or None, initial={"passed_on": clock.today()})
    picker.remember(form, request.user, request.POST, "receiver")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receiver = picker.picked(form, request.user, "receiver")
        if receiver is not None and receiver.commune_id != fund.commune_id:
            form.add_error("receiver", _("Hộ đã chọn không thuộc xã của quỹ."))
        elif receiver is not None:
            turn = form_attempt(
                form,
                lambda: services.fund_turn_record(
                    actor=request.user,
                    fund=fund,
                    receiver=receiver,
                    value=data["value"],
                    description=data["description"],
                    passed_on=data["passed_on"],
                    decision_number=data["decision_number"],
                ),
            )
            if turn is not None:
                messages.success(request, _("Đã ghi lượt quay vòng."))
                return redirect("credit:fund_detail", pk=fund.pk)
    back = reverse("credit:fund_detail", args=[fund.pk])
    return form_page(
        request,
        form,
        title=_("Ghi lượt quay vòng · %(name)s") % {"name": fund.name},
        back=back,
        crumbs=[(_("Quỹ quay vòng"), reverse("credit:fund_list")), (fund.name, back)],
        intro=_("Hộ chuyển là hộ nhận ở lượt trước; hộ nhận do xã chọn."),
    )


# -- portfolio ------------------------------------------------------------------------------


def portfolio(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    data = selectors.portfolio(request.user, area=area, on=clock.today())
    return render(
        request,
        "credit/portfolio.html",
        {"data": data, "area": area, "children": visible.children_for(request.user, area)},
    )


def portfolio_xlsx(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    on = clock.today()
    data = selectors.portfolio(request.user, area=area, on=on)
    response = HttpResponse(
        exports.portfolio_workbook(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"du-no-{area.code if area else 'tat-ca'}-{on:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
