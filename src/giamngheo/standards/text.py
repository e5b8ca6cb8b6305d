"""Bilingual text (Vietnamese first, English second) and the number formats used in messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A message in Vietnamese (`vi`) and English (`en`)."""

    vi: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}

    def join(self, other: Text, separator: str = "; ") -> Text:
        return Text(vi=self.vi + separator + other.vi, en=self.en + separator + other.en)


def format_dong_vi(amount: int) -> str:
    """1500000 -> '1.500.000 đ' (Vietnamese convention: dot groups thousands)."""
    return f"{amount:,}".replace(",", ".") + " đ"


def format_dong_en(amount: int) -> str:
    """1500000 -> '1,500,000 VND'."""
    return f"{amount:,} VND"


def format_number_vi(value: float) -> str:
    """8.0 -> '8', 7.5 -> '7,5' (Vietnamese decimal comma)."""
    return format_number_en(value).replace(".", ",")


def format_number_en(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")
