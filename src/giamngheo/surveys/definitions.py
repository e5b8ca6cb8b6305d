"""Form definitions: versioned data files (``surveys/forms/*.toml``) describing each survey form.

A definition names its form (``code``, ``version``), what it is for (``kind``: ``screening`` for
Phiếu A, ``income`` for Phiếu B1, ``deprivation`` for Phiếu B2 and the 2016-2020 Phiếu B), the
rule pack (``standard``) it feeds, and its questions: sections (household or member level) and
fields with a type, allowed values, Vietnamese and English labels and the engine raw field the
answer maps to (``maps_to``, see ``giamngheo.standards.schema``). This module has no Django
model import: it parses and checks definitions and validates answers against them.

Answers have one shape for every form::

    {"household": {"income": 1200000, "wall_durable": true, ...},
     "members": [{"person_id": 12, "age": 40, "sex": "male", ...}, ...]}

A form is changed by publishing a new ``version`` (the stored surveys keep the definition they
were filled with: ``models.FormDefinition``), never by editing a published one.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.lib.errors import DomainError
from giamngheo.lib.formatting import format_money, format_number
from giamngheo.standards import Pack, load_pack, schema

FORMS_DIR: Final = Path(__file__).resolve().parent / "forms"
FORMAT: Final = 1
# Engine inputs that are not survey-schema fields: score A (Circular 07/2021 Art. 1.1) is given,
# not computed (the Phụ lục III tables are not shipped).
SCORE_A: Final = "score_a"
# A results form (kind "flags") maps each yes/no answer to an indicator of its standard:
# ``maps_to = "flag.<indicator code>"``.
FLAG_PREFIX: Final = "flag."


class Kind(StrEnum):
    SCREENING = "screening"  # Phiếu A: needs a full survey or is excluded
    INCOME = "income"  # Phiếu B1: income (or a given score A)
    DEPRIVATION = "deprivation"  # Phiếu B2 (and the 2016-2020 Phiếu B): deprivations + income
    FLAGS = "flags"  # results entered from a summary or another system: income + 0/1 flags


class FieldType(StrEnum):
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    MONEY = "money"
    ENUM = "enum"
    TEXT = "text"


# Which form field types may feed which engine field kinds.
_ENGINE_KINDS: Final = {
    FieldType.BOOL: {schema.Kind.BOOL},
    FieldType.INT: {schema.Kind.INT},
    FieldType.NUMBER: {schema.Kind.NUMBER, schema.Kind.INT},
    FieldType.MONEY: {schema.Kind.MONEY},
    FieldType.ENUM: {schema.Kind.ENUM},
    FieldType.TEXT: set(),
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class FormDefinitionError(DomainError):
    """A form definition file is wrong (a developer's or data maintainer's mistake)."""


@dataclass(frozen=True)
class Choice:
    value: str
    vi: str
    en: str


@dataclass(frozen=True)
class FormField:
    name: str
    section: str
    level: str  # "household" or "member"
    type: FieldType
    vi: str
    en: str
    maps_to: str | None = None
    required: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    excludes: bool = False  # Phiếu A: a "yes" excludes the household from the full survey
    help_vi: str = ""
    help_en: str = ""
    # The indicators of the form's standard whose evaluators read this answer (checked against
    # the rule pack when the file is loaded: ``check_indicators``).
    indicators: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.level}.{self.name}"

    @property
    def label(self) -> str:
        """The question in the current language (messages, pages)."""
        return self.en if _english() else self.vi

    def choice_label(self, value: object) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.en if _english() else choice.vi
        return str(value)


@dataclass(frozen=True)
class Section:
    code: str
    level: str
    vi: str
    en: str


@dataclass(frozen=True)
class FormSpec:
    """One version of one form, parsed and checked."""

    code: str
    version: str
    kind: Kind
    standard: str
    title_vi: str
    title_en: str
    legal_basis: Mapping[str, object]
    sections: tuple[Section, ...]
    fields: tuple[FormField, ...]
    require_one_of: tuple[tuple[str, ...], ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def household_fields(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.level == "household")

    @property
    def member_fields(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.level == "member")

    @property
    def has_members(self) -> bool:
        return bool(self.member_fields)

    def section_fields(self, section: str) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.section == section)

    @property
    def verified(self) -> bool:
        return bool(self.legal_basis.get("verified", False))

    @property
    def sha256(self) -> str:
        return definition_sha256(self.data)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, origin: str = "") -> FormSpec:
        return _parse(data, origin)


def answer_text(spec_field: FormField, value: Any) -> str:
    """A stored answer as a page shows it: the choice's label, Có/Không, money as 1.500.000 đ,
    numbers the Vietnamese way (the survey page and the held field submissions use this)."""
    if value is None:
        return "—"
    if spec_field.type is FieldType.BOOL:
        return _("Có") if value else _("Không")
    if spec_field.type is FieldType.ENUM:
        return spec_field.choice_label(value)
    if spec_field.type is FieldType.MONEY:
        return format_money(value)
    if spec_field.type is FieldType.NUMBER:
        return format_number(value, 1)
    return str(value)


def _english() -> bool:
    return (translation.get_language() or "vi").startswith("en")


def definition_sha256(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- reading and checking definitions ---------------------------------------------------------


def form_files(directory: Path = FORMS_DIR) -> dict[str, Path]:
    """Form code → file (``b2-2022.toml`` defines ``code = "b2-2022"``)."""
    return {path.stem: path for path in sorted(directory.glob("*.toml"))}


def load_form_file(path: Path) -> FormSpec:
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise FormDefinitionError(f"{path}: {exc}") from exc
    spec = _parse(data, str(path))
    if spec.code != path.stem:
        raise FormDefinitionError(f"{path}: code {spec.code!r} must match the file name")
    if any(f.indicators for f in spec.fields):
        try:
            pack = load_pack(spec.standard)
        except LookupError as exc:
            raise FormDefinitionError(f"{path}: standard {spec.standard!r}: {exc}") from exc
        problems = check_indicators(spec, pack)
        if problems:
            raise FormDefinitionError("\n".join(f"{path}: {problem}" for problem in problems))
    return spec


def load_form(code: str, directory: Path = FORMS_DIR) -> FormSpec:
    files = form_files(directory)
    if code not in files:
        raise FormDefinitionError(f"unknown form {code!r}; known: {', '.join(sorted(files))}")
    return load_form_file(files[code])


def load_forms(directory: Path = FORMS_DIR) -> list[FormSpec]:
    return [load_form_file(path) for path in form_files(directory).values()]


def _parse(data: Mapping[str, Any], origin: str) -> FormSpec:
    problems: list[str] = []

    def need(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
        value = table.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            problems.append(f"{where}{key}: missing or not a {getattr(kind, '__name__', kind)}")
            return None
        return value

    known_top = {
        "format",
        "code",
        "version",
        "kind",
        "standard",
        "require_one_of",
        "title",
        "legal_basis",
        "sections",
        "fields",
    }
    for key in set(data) - known_top:
        problems.append(f"{key}: unknown key (allowed: {', '.join(sorted(known_top))})")
    if data.get("format") != FORMAT:
        problems.append(f"format: must be {FORMAT}")
    code = need(data, "code", str, "") or ""
    if code and not _CODE.match(code):
        problems.append(f"code: {code!r} must be lower-case letters, digits and hyphens")
    version = need(data, "version", str, "") or ""
    kind_text = need(data, "kind", str, "") or ""
    try:
        kind = Kind(kind_text)
    except ValueError:
        problems.append(f"kind: must be one of {', '.join(Kind)}")
        kind = Kind.SCREENING
    standard = need(data, "standard", str, "") or ""
    title = need(data, "title", dict, "") or {}
    legal = need(data, "legal_basis", dict, "") or {}
    for key in ("document", "source"):
        need(legal, key, str, "legal_basis.")
    need(legal, "verified", bool, "legal_basis.")

    sections: list[Section] = []
    for index, raw in enumerate(data.get("sections") or []):
        where = f"sections[{index}]."
        level = raw.get("level")
        if level not in ("household", "member"):
            problems.append(f"{where}level: must be 'household' or 'member'")
        sections.append(
            Section(
                need(raw, "code", str, where) or "",
                str(level),
                need(raw, "vi", str, where) or "",
                need(raw, "en", str, where) or "",
            )
        )
    section_level = {s.code: s.level for s in sections}
    if len(section_level) != len(sections):
        problems.append("sections: duplicate section code")

    known_field = {
        "name",
        "section",
        "type",
        "maps_to",
        "required",
        "min",
        "max",
        "choices",
        "excludes",
        "vi",
        "en",
        "help_vi",
        "help_en",
        "indicators",
    }
    fields: list[FormField] = []
    for index, raw in enumerate(data.get("fields") or []):
        where = f"fields[{index}]."
        for key in set(raw) - known_field:
            problems.append(f"{where}{key}: unknown key")
        name = need(raw, "name", str, where) or ""
        if name and not _NAME.match(name):
            problems.append(f"{where}name: {name!r} must be snake_case")
        if name in ("person_id",):
            problems.append(f"{where}name: {name!r} is reserved")
        section = need(raw, "section", str, where) or ""
        if section not in section_level:
            problems.append(f"{where}section: unknown section {section!r}")
        try:
            ftype = FieldType(raw.get("type"))
        except ValueError:
            problems.append(f"{where}type: must be one of {', '.join(FieldType)}")
            ftype = FieldType.TEXT
        level = section_level.get(section, "household")
        choices = tuple(
            Choice(str(c.get("value")), str(c.get("vi", "")), str(c.get("en", "")))
            for c in raw.get("choices") or []
        )
        if ftype is FieldType.ENUM and not choices:
            problems.append(f"{where}choices: an enum needs choices")
        if ftype is not FieldType.ENUM and choices:
            problems.append(f"{where}choices: only an enum has choices")
        maps_to = raw.get("maps_to")
        if isinstance(maps_to, str) and maps_to.startswith(FLAG_PREFIX):
            if kind is not Kind.FLAGS or level != "household" or ftype is not FieldType.BOOL:
                problems.append(
                    f"{where}maps_to: {FLAG_PREFIX}* only for yes/no household questions of a "
                    "results (flags) form"
                )
        elif maps_to is not None:
            _check_mapping(problems, where, name, level, ftype, maps_to, choices)
        bounds = [raw.get(k) for k in ("min", "max")]
        for key, value in zip(("min", "max"), bounds, strict=True):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(f"{where}{key}: must be a whole number")
        excludes = raw.get("excludes", False)
        if excludes and (ftype is not FieldType.BOOL or kind is not Kind.SCREENING):
            problems.append(f"{where}excludes: only for yes/no questions of a screening form")
        indicators = raw.get("indicators", [])
        if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
            problems.append(f"{where}indicators: must be a list of indicator codes")
            indicators = []
        elif indicators and not isinstance(maps_to, str):
            problems.append(f"{where}indicators: only for a question with maps_to")
        fields.append(
            FormField(
                name=name,
                section=section,
                level=level,
                type=ftype,
                vi=need(raw, "vi", str, where) or "",
                en=need(raw, "en", str, where) or "",
                maps_to=maps_to,
                required=bool(raw.get("required", True)),
                minimum=None if bounds[0] is None else Decimal(bounds[0]),
                maximum=None if bounds[1] is None else Decimal(bounds[1]),
                choices=choices,
                excludes=bool(excludes),
                help_vi=str(raw.get("help_vi", "")),
                help_en=str(raw.get("help_en", "")),
                indicators=tuple(indicators),
            )
        )
    names = [(f.level, f.name) for f in fields]
    if len(set(names)) != len(names):
        problems.append("fields: duplicate field name")
    by_name = {f.name: f for f in fields if f.level == "household"}
    groups: list[tuple[str, ...]] = []
    for group in data.get("require_one_of") or []:
        if not isinstance(group, list) or not all(g in by_name for g in group):
            problems.append(f"require_one_of: {group!r} must list household fields")
            continue
        groups.append(tuple(group))
    if kind is Kind.SCREENING and not any(f.excludes for f in fields):
        problems.append("fields: a screening form needs at least one question with excludes")
    if kind in (Kind.INCOME, Kind.DEPRIVATION, Kind.FLAGS) and not {"income", SCORE_A} & {
        f.maps_to for f in fields
    }:
        problems.append("fields: an income or deprivation form needs a field mapped to income")
    if problems:
        raise FormDefinitionError("\n".join(f"{origin or code}: {problem}" for problem in problems))
    return FormSpec(
        code=code,
        version=version,
        kind=kind,
        standard=standard,
        title_vi=str(title.get("vi", "")),
        title_en=str(title.get("en", "")),
        legal_basis=dict(legal),
        sections=tuple(sections),
        fields=tuple(fields),
        require_one_of=tuple(groups),
        data=dict(data),
    )


def _check_mapping(
    problems: list[str],
    where: str,
    name: str,
    level: str,
    ftype: FieldType,
    maps_to: object,
    choices: Sequence[Choice],
) -> None:
    if maps_to == SCORE_A:
        if level != "household" or ftype is not FieldType.INT:
            problems.append(f"{where}maps_to: score_a is a household whole number")
        return
    by_name = (
        schema.HOUSEHOLD_FIELD_BY_NAME if level == "household" else schema.MEMBER_FIELD_BY_NAME
    )
    engine = by_name.get(str(maps_to))
    if engine is None or engine.name in ("household_id", "member_id", "area_type"):
        problems.append(f"{where}maps_to: {maps_to!r} is not a {level} field of the engine schema")
        return
    if engine.kind not in _ENGINE_KINDS[ftype]:
        problems.append(f"{where}type: {ftype} cannot feed the engine's {engine.kind} {maps_to!r}")
    unknown = [c.value for c in choices if c.value not in engine.values]
    if unknown:
        problems.append(f"{where}choices: {unknown} are not values of the engine field {maps_to!r}")


def check_covers_pack(
    spec: FormSpec, household_fields: Sequence[str], member_fields: Sequence[str]
) -> list[str]:
    """Engine fields a deprivation form must map but does not (empty when complete)."""
    mapped_household = {f.maps_to for f in spec.household_fields}
    mapped_member = {f.maps_to for f in spec.member_fields}
    skip = {"household_id", "area_type", "income", "member_id"}
    missing = [f"household.{n}" for n in household_fields if n not in skip | mapped_household]
    missing += [f"member.{n}" for n in member_fields if n not in skip | mapped_member]
    return missing


def indicators_reading(pack: Pack, spec_field: FormField) -> tuple[str, ...]:
    """The indicators of ``pack`` whose evaluators read the engine field ``spec_field`` maps to
    (for a results form: the indicator its ``flag.<code>`` names)."""
    maps_to = spec_field.maps_to or ""
    if maps_to.startswith(FLAG_PREFIX):
        code = maps_to.removeprefix(FLAG_PREFIX)
        return (code,) if code in pack.indicator_codes else ()
    return tuple(
        indicator.code
        for indicator in pack.indicators
        if maps_to
        in (
            indicator.evaluator.household_fields()
            if spec_field.level == "household"
            else indicator.evaluator.member_fields()
        )
    )


def check_indicators(spec: FormSpec, pack: Pack) -> list[str]:
    """Questions whose ``indicators`` are not exactly the indicators of ``pack`` that read their
    answer, in the pack's order (empty when every tie is right)."""
    problems: list[str] = []
    for spec_field in spec.fields:
        if not spec_field.indicators:
            continue
        expected = indicators_reading(pack, spec_field)
        if spec_field.indicators != expected:
            problems.append(
                f"{spec_field.key}: indicators {list(spec_field.indicators)} must be "
                f"{list(expected)} (the indicators of {pack.code} that read {spec_field.maps_to})"
            )
    return problems


def flag_fields(spec: FormSpec) -> dict[str, FormField]:
    """Indicator code → the question of a results (flags) form that answers it."""
    return {
        f.maps_to.removeprefix(FLAG_PREFIX): f
        for f in spec.household_fields
        if f.maps_to and f.maps_to.startswith(FLAG_PREFIX)
    }


def check_covers_flags(spec: FormSpec, indicator_codes: Sequence[str]) -> list[str]:
    """Indicators of the pack a results form does not ask, then questions naming an indicator the
    pack does not have (empty when the form matches the pack)."""
    asked = flag_fields(spec)
    missing = [code for code in indicator_codes if code not in asked]
    return missing + [f"unknown {code}" for code in asked if code not in indicator_codes]


# -- validating answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (``household.income``, ``member.12.age``, ``members``) and a
    Vietnamese message for the user."""

    key: str
    message: str


class SurveyError(DomainError):
    """A refused survey; ``problems`` lists every reason (Vietnamese messages for the user)."""

    def __init__(self, problems: Sequence[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class AnswersInvalid(SurveyError):
    """Answers that do not fit the form."""


@dataclass(frozen=True)
class MemberRef:
    """A member of the household at the survey date, in household order."""

    person_id: int
    name: str


@dataclass(frozen=True)
class CleanAnswers:
    household: dict[str, object]
    members: list[dict[str, object]]  # in household order, each with person_id

    def to_json(self) -> dict[str, object]:
        return {"household": self.household, "members": self.members}


def validate_answers(
    spec: FormSpec, answers: Mapping[str, Any], members: Sequence[MemberRef]
) -> CleanAnswers:
    """Check ``answers`` against ``spec`` and return them normalised (types as in JSON, members
    in household order). Raises ``AnswersInvalid`` listing every problem in Vietnamese."""
    problems: list[Problem] = []
    if not isinstance(answers, Mapping):
        raise AnswersInvalid([Problem("answers", _("Câu trả lời phải là một bảng (đối tượng)."))])
    for key in set(answers) - {"household", "members"}:
        problems.append(
            Problem(str(key), _("Phần không có trong phiếu: «%(name)s».") % {"name": key})
        )
    household_answers = answers.get("household") or {}
    if not isinstance(household_answers, Mapping):
        household_answers = {}
        problems.append(Problem("household", _("Phần thông tin hộ phải là một bảng.")))
    household = _validate_group(spec.household_fields, household_answers, "household", "", problems)
    for group in spec.require_one_of:
        if all(household.get(name) is None for name in group):
            labels = ", ".join(f"«{_label(spec, name)}»" for name in group)
            problems.append(
                Problem(
                    f"household.{group[0]}",
                    _("Cần nhập ít nhất một trong các mục: %(labels)s.") % {"labels": labels},
                )
            )
    clean_members: list[dict[str, object]] = []
    if spec.has_members:
        clean_members = _validate_members(spec, answers.get("members"), members, problems)
    elif answers.get("members"):
        problems.append(Problem("members", _("Phiếu này không có câu hỏi theo từng thành viên.")))
    if problems:
        raise AnswersInvalid(problems)
    return CleanAnswers(household, clean_members)


def _label(spec: FormSpec, name: str) -> str:
    for f in spec.fields:
        if f.name == name:
            return f.label
    return name


def _validate_members(
    spec: FormSpec, raw: object, members: Sequence[MemberRef], problems: list[Problem]
) -> list[dict[str, object]]:
    if not members:
        problems.append(Problem("members", _("Hộ không có thành viên nào vào ngày khảo sát.")))
        return []
    if not isinstance(raw, list):
        problems.append(
            Problem("members", _("Cần trả lời cho từng thành viên của hộ (danh sách thành viên)."))
        )
        return []
    known = {m.person_id: m for m in members}
    given: dict[int, Mapping[str, Any]] = {}
    for index, row in enumerate(raw):
        person = row.get("person_id") if isinstance(row, Mapping) else None
        if isinstance(person, str) and person.isdigit():
            person = int(person)
        if not isinstance(row, Mapping) or isinstance(person, bool) or not isinstance(person, int):
            problems.append(
                Problem(
                    "members",
                    _("Dòng thành viên thứ %(n)s không có mã thành viên (person_id).")
                    % {"n": index + 1},
                )
            )
            continue
        if person not in known:
            problems.append(
                Problem(
                    f"member.{person}",
                    _("Người có mã %(id)s không phải thành viên của hộ vào ngày khảo sát.")
                    % {"id": person},
                )
            )
            continue
        if person in given:
            problems.append(
                Problem(
                    f"member.{person}",
                    _("Thành viên %(name)s được trả lời hai lần.") % {"name": known[person].name},
                )
            )
            continue
        given[person] = row
    clean: list[dict[str, object]] = []
    for member in members:
        row = given.get(member.person_id)
        if row is None:
            problems.append(
                Problem(
                    f"member.{member.person_id}",
                    _("Thiếu câu trả lời cho thành viên %(name)s.") % {"name": member.name},
                )
            )
            continue
        values = {k: v for k, v in row.items() if k != "person_id"}
        prefix = _("Thành viên %(name)s: ") % {"name": member.name}
        answers = _validate_group(
            spec.member_fields, values, f"member.{member.person_id}", prefix, problems
        )
        clean.append({"person_id": member.person_id, **answers})
    return clean


def _validate_group(
    fields: Sequence[FormField],
    raw: Mapping[str, Any],
    key_prefix: str,
    message_prefix: str,
    problems: list[Problem],
) -> dict[str, object]:
    by_name = {f.name: f for f in fields}
    for name in raw:
        if name not in by_name:
            problems.append(
                Problem(
                    f"{key_prefix}.{name}",
                    message_prefix
                    + _("Câu hỏi không có trong phiếu: «%(name)s».") % {"name": name},
                )
            )
    clean: dict[str, object] = {}
    for spec_field in fields:
        value = raw.get(spec_field.name)
        key = f"{key_prefix}.{spec_field.name}"
        if value is None or value == "":
            if spec_field.required:
                problems.append(
                    Problem(
                        key,
                        message_prefix
                        + _("«%(label)s»: chưa trả lời (bắt buộc).") % {"label": spec_field.label},
                    )
                )
            clean[spec_field.name] = None
            continue
        try:
            clean[spec_field.name] = coerce(spec_field, value)
        except ValueError as exc:
            problems.append(Problem(key, message_prefix + str(exc)))
    return clean


def coerce(spec_field: FormField, value: object) -> object:
    """The answer as its JSON type, or ``ValueError`` with a Vietnamese message.

    Strict on JSON input (``true``, ``12``); text from web forms is converted by ``forms.py``
    before it gets here, so a string where a number is expected is a wrong type.
    """
    label = spec_field.label
    if spec_field.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(_("«%(label)s»: phải là Có hoặc Không.") % {"label": label})
        return value
    if spec_field.type is FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError(_("«%(label)s»: phải là chữ.") % {"label": label})
        return value.strip()
    if spec_field.type is FieldType.ENUM:
        allowed = [c.value for c in spec_field.choices]
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(
                _(
                    "«%(label)s»: giá trị «%(value)s» không thuộc các lựa chọn cho phép "
                    "(%(allowed)s)."
                )
                % {
                    "label": label,
                    "value": value,
                    "allowed": "; ".join(c.en if _english() else c.vi for c in spec_field.choices),
                }
            )
        return value
    number: int | float
    if spec_field.type is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError(_("«%(label)s»: phải là một số.") % {"label": label})
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
            raise ValueError(_("«%(label)s»: phải là một số.") % {"label": label})
    else:
        whole = _whole(value)
        if whole is None:
            message = (
                _("«%(label)s»: phải là số tiền nguyên (đồng), không có phần lẻ.")
                if spec_field.type is FieldType.MONEY
                else _("«%(label)s»: phải là số nguyên.")
            )
            raise ValueError(message % {"label": label})
        number = whole
    low, high = spec_field.minimum, spec_field.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            message = _("«%(label)s»: phải từ %(min)s trở lên.")
        elif low is None:
            message = _("«%(label)s»: không được lớn hơn %(max)s.")
        else:
            message = _("«%(label)s»: phải từ %(min)s đến %(max)s.")
        raise ValueError(message % {"label": label, "min": low, "max": high})
    return number


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        try:
            if value == int(value):
                return int(value)
        except (ValueError, OverflowError, InvalidOperation):
            return None
    return None
