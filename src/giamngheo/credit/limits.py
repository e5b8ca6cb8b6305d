"""A loan policy's limits: the benefit of its programme row (one source, which a province
corrects on the programme's edit page): ``amount`` is the ceiling per household, ``quantity``
the longest term in months (its ``unit`` says so: "tháng (thời hạn tối đa)"), ``rate`` the
annual rate the policy states (the loan form's default, not enforced: VBSP sets it by notice).
A policy without an amount or a term checks neither (``programmes/data/policies.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from giamngheo.programmes.models import Programme


@dataclass(frozen=True)
class PolicyLimits:
    code: str
    max_amount: Decimal | None
    max_term_months: int | None
    annual_rate: Decimal | None
    legal_basis: str


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def for_programme(programme: Programme) -> PolicyLimits:
    benefit = programme.benefit or {}
    term = _decimal(benefit.get("quantity"))
    in_months = str(benefit.get("unit", "")).startswith("tháng")
    return PolicyLimits(
        code=programme.code,
        max_amount=_decimal(benefit.get("amount")),
        max_term_months=int(term) if term is not None and in_months else None,
        annual_rate=_decimal(benefit.get("rate")),
        legal_basis=programme.legal_basis,
    )
