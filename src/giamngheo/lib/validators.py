"""Input hygiene shared by forms, imports, services and (later) the API.

Pure functions: each takes a value, returns it cleaned, or raises ``InvalidInput`` (a Django
``ValidationError``, so a form field can list the ``validate_*`` wrappers in ``validators=``)
with a Vietnamese message. Services call the ``clean_*``/``check_*`` functions inside
``reraise_as(TheirError)`` so their callers keep catching the one error type they know.

Why these rules:
- Names are compared, searched and printed on certificates. The same name typed on two
  keyboards may arrive composed (NFC, "ễ" as one code point) or decomposed (NFD, "e" + two
  marks); storing NFC makes equal names equal bytes (exact match, unique checks, exports).
- Bidirectional control characters (Unicode TR 9: embeddings, overrides, isolates, marks) make
  text display in another order than it is stored ("Trojan Source", CVE-2021-42574): a name or
  address could look like another household's on a posted list. Vietnamese is written left to
  right, so no legitimate name or address needs them.
- Other control characters (NUL, ESC, …) cannot be stored by PostgreSQL (NUL) or written to an
  xlsx file (openpyxl refuses C0 controls), so accepting them turns into a 500 later.
- Invisible format characters (zero-width space, joiners, soft hyphen, BOM) would let two names
  look identical but differ; names refuse them too.
- Phone numbers: Vietnam's numbering since the fixed-line (2017) and mobile (2018) renumbering:
  a mobile number is 10 digits "0" + 9, a fixed line 11 digits "02" + area code + subscriber
  number; the old 11-digit mobile numbers (01x…) no longer exist. People write
  them "+84 912 345 678", "(024) 3826.1234", "84-912-345-678": separators and the country code
  are accepted on input, and the one canonical national form "0…" is stored, so that the same
  number is the same text in every table (search, duplicates, masking).
- Citizen IDs (số định danh cá nhân, Decree 137/2015/NĐ-CP Art. 13): exactly 12 digits; a
  number pasted as "0382 0100 1234" or "038.201.001.234" is the same number.
- Dates: nothing the registry records (a birth of a living person, a meeting, a decision)
  happened before 1900, and none of it has happened yet if it is in the future; years like 0001
  also break date arithmetic (posting deadlines) and formatting.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# The earliest year of a birth or a recorded act. A constant rather than a setting: the oldest
# people alive were born after 1900 and every act the software records (Decision 24/2021/QĐ-TTg
# review, surveys, trainings) is from this century; a year before it is a typing error.
EARLIEST_YEAR = 1900
EARLIEST_DATE = dt.date(EARLIEST_YEAR, 1, 1)

# Accepted input spellings of a date (forms and imports): dd/mm/yyyy as written in Vietnam, and
# ISO, which spreadsheets and other software produce. Also valid for Polars' ``strptime``.
DATE_INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")

# Phone numbers: separators people type; the country code (+84, 0084, or a bare 84 in front of
# a full national number without its 0, as a spreadsheet shows "+84…" typed as a number),
# optionally followed by the national 0 ("+84 (0) 912…"); the canonical national form.
PHONE_MAX_LENGTH = 11
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE_COUNTRY_CODE = re.compile(r"^(?:\+84|0084|84(?=[0-9]{9,10}$))0?")
_PHONE = re.compile(r"0[0-9]{9}|02[0-9]{9}")

# Citizen IDs: the separators accepted in a pasted number and the stored form. Plain patterns
# valid in Python's ``re`` and in the Rust syntax of Polars, so the import checks a whole column
# with the very same rule (``registry.imports.parse``).
CITIZEN_ID_LENGTH = 12
CITIZEN_ID_SEPARATORS = "[ \t\n\r\u00a0.]"  # spaces (also no-break), tabs, line breaks, dots
CITIZEN_ID_PATTERN = r"^[0-9]{12}$"

# Unicode bidirectional formatting characters (TR 9 §2): LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI,
# PDI; LRM, RLM; the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
# The same rules as regular expressions in the Rust syntax Polars uses, for vectorised checks of
# a whole imported column (names: any control or format character; free text: controls other
# than tab and line breaks, and the bidi controls). Every bidi control is a format (Cf) character.
POLARS_HIDDEN_IN_NAME = r"[\p{Cc}\p{Cf}]"
POLARS_HIDDEN_IN_TEXT = (
    r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\x{202A}-\x{202E}\x{2066}-\x{2069}"
    r"\x{200E}\x{200F}\x{061C}]"
)
# Controls that free text may keep (line breaks in notes, a tab pasted from a spreadsheet).
_TEXT_WHITESPACE = frozenset("\t\n\r")
_SPACES = re.compile(r"\s+")


class InvalidInput(ValidationError):
    """A value refused by a validator; ``str(error)`` / ``error.message`` is for the user."""

    def __init__(self, message: str) -> None:
        # Not "invalid": form fields replace an error of a code they know by their own message.
        super().__init__(message, code="refused_input")

    def __str__(self) -> str:
        return str(self.message)


@contextmanager
def reraise_as(error: Callable[[str], Exception]) -> Iterator[None]:
    """Turn ``InvalidInput`` raised in the block into ``error(message)`` (a service's own
    error type, which its views and imports already catch)."""
    try:
        yield
    except InvalidInput as exc:
        raise error(str(exc.message)) from exc


def _label(label: str | None, default: str) -> str:
    return label if label else default


def _refuse_hidden(text: str, label: str, *, allow: frozenset[str]) -> None:
    for ch in text:
        if ch in BIDI_CONTROLS:
            raise InvalidInput(
                _(
                    "%(label)s chứa ký tự điều khiển hướng chữ (U+%(code)04X), có thể làm chữ "
                    "hiển thị sai thứ tự; hãy gõ lại."
                )
                % {"label": label, "code": ord(ch)}
            )
        category = unicodedata.category(ch)
        if ch not in allow and category in ("Cc", "Cs"):
            raise InvalidInput(
                _("%(label)s chứa ký tự điều khiển không được phép (U+%(code)04X); hãy gõ lại.")
                % {"label": label, "code": ord(ch)}
            )


def _check_length(text: str, label: str, max_length: int | None) -> None:
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(
            _("%(label)s dài quá %(max)d ký tự (hiện có %(n)d).")
            % {"label": label, "max": max_length, "n": len(text)}
        )


def clean_name(text: str, *, label: str | None = None, max_length: int | None = None) -> str:
    """A person's, household's or place's name: NFC, trimmed, inner whitespace collapsed to one
    space; bidi controls, control and invisible format characters refused. Tabs and line breaks
    are whitespace and collapse like spaces (a paste from a spreadsheet), not errors."""
    label = _label(label, _("Tên"))
    text = unicodedata.normalize("NFC", str(text))
    _refuse_hidden(text, label, allow=_TEXT_WHITESPACE)
    for ch in text:
        if unicodedata.category(ch) == "Cf":
            raise InvalidInput(
                _("%(label)s chứa ký tự ẩn (U+%(code)04X); hãy gõ lại.")
                % {"label": label, "code": ord(ch)}
            )
    cleaned = _SPACES.sub(" ", text).strip()
    _check_length(cleaned, label, max_length)
    return cleaned


def clean_text(text: str, *, label: str | None = None, max_length: int | None = None) -> str:
    """Free text (addresses, notes, reasons): NFC and trimmed; line breaks and tabs kept; bidi
    controls, NUL and other control characters refused."""
    label = _label(label, _("Nội dung"))
    text = unicodedata.normalize("NFC", str(text))
    _refuse_hidden(text, label, allow=_TEXT_WHITESPACE)
    cleaned = text.strip()
    _check_length(cleaned, label, max_length)
    return cleaned


def clean_phone(value: str | None, *, label: str | None = None) -> str:
    """A Vietnamese phone number in its canonical national form ("0912345678",
    "02438261234"), or "" when none is given. Spaces, dots, dashes, parentheses and the
    country code (+84, 0084, 84) are accepted and removed; anything else is refused."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    compact = _PHONE_SEPARATORS.sub("", text)
    canonical = _PHONE_COUNTRY_CODE.sub("0", compact, count=1)
    if not _PHONE.fullmatch(canonical):
        raise InvalidInput(
            _(
                "%(label)s “%(value)s” không hợp lệ: số di động gồm 10 chữ số, số cố định 11 "
                "chữ số (bắt đầu bằng 02), đều bắt đầu bằng 0 hoặc +84."
            )
            % {"label": _label(label, _("Số điện thoại")), "value": text[:40]}
        )
    return canonical


def clean_citizen_id(value: str | None, *, label: str | None = None) -> str | None:
    """A personal ID number (12 digits, spaces and dots removed), or None when none is given
    (NULL, so the partial unique constraint ignores unknown numbers). An 11-digit number most
    often lost its leading zero in a spreadsheet: the message says so."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    compact = re.sub(CITIZEN_ID_SEPARATORS, "", text)
    if re.fullmatch(CITIZEN_ID_PATTERN, compact):
        return compact
    label = _label(label, _("Số định danh cá nhân"))
    if re.fullmatch(r"[0-9]{11}", compact):
        raise InvalidInput(
            _(
                "%(label)s “%(value)s” có 11 chữ số: có thể đã mất số 0 ở đầu (hãy định dạng "
                "cột là Văn bản và ghi đủ 12 chữ số)."
            )
            % {"label": label, "value": text[:40]}
        )
    raise InvalidInput(
        _("%(label)s phải gồm đúng 12 chữ số (đang là “%(value)s”).")
        % {"label": label, "value": text[:40]}
    )


def _today() -> dt.date:
    """Today in Vietnam (settings.TIME_ZONE is Asia/Ho_Chi_Minh): at 23:30 UTC it is already
    tomorrow in Hà Nội, and a birth recorded then is not "in the future"."""
    return timezone.localdate()


def check_event_date(
    value: dt.date, *, label: str | None = None, allow_future: bool = False
) -> dt.date:
    """A date on which something happened (a meeting, a posting, a decision): from 1900 and,
    unless ``allow_future`` (a planned date), not after today."""
    label = _label(label, _("Ngày"))
    if value < EARLIEST_DATE:
        raise InvalidInput(
            _("%(label)s không thể trước năm %(year)d.") % {"label": label, "year": EARLIEST_YEAR}
        )
    if not allow_future and value > _today():
        raise InvalidInput(_("%(label)s không thể ở tương lai.") % {"label": label})
    return value


def check_birth_date(value: dt.date, *, label: str | None = None) -> dt.date:
    return check_event_date(value, label=_label(label, _("Ngày sinh")))


def check_birth_year(value: int, *, label: str | None = None) -> int:
    label = _label(label, _("Năm sinh"))
    if value < EARLIEST_YEAR:
        raise InvalidInput(
            _("%(label)s không thể trước năm %(year)d.") % {"label": label, "year": EARLIEST_YEAR}
        )
    if value > _today().year:
        raise InvalidInput(_("%(label)s không thể ở tương lai.") % {"label": label})
    return value


# -- form field validators (``validators=[...]``): same rules, value unchanged -----------------


def validate_name(value: str) -> None:
    clean_name(value)


def validate_text(value: str) -> None:
    clean_text(value)


def validate_birth_date(value: dt.date) -> None:
    check_birth_date(value)


def validate_event_date(value: dt.date) -> None:
    check_event_date(value)


def validate_birth_year(value: int) -> None:
    check_birth_year(value)


def validate_phone(value: str) -> None:
    clean_phone(value)


def validate_citizen_id(value: str) -> None:
    clean_citizen_id(value)
