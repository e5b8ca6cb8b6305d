"""Hand-made exports following the published formats, built from the XLSForm's own names
(``xlsform`` constants and each question's group path), for the import tests.

ODK Central's "CSV (zip)": the main table ``<formId>.csv`` (``SubmissionDate``, questions by
group path joined with ``-``, a geopoint split into ``-Latitude``/``-Longitude``/``-Altitude``/
``-Accuracy``, ``meta-instanceID``, ``KEY``, Central's metadata columns), a repeat table
``<formId>-members.csv`` (``PARENT_KEY`` = the submission's ``KEY``, ``KEY`` = ``…/members[n]``)
and the attachments under ``media/``. KoboToolbox's JSON: ``{"count", "results": [...]}`` with
``/``-joined paths and repeats as lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image

from giamngheo.fieldcollection import xlsform
from giamngheo.registry.models import Household
from giamngheo.surveys import definitions, selectors
from giamngheo.surveys.definitions import FieldType, FormSpec


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _text(spec_field: definitions.FormField, value: Any) -> str:
    if value is None:
        return ""
    if spec_field.type is FieldType.BOOL:
        return xlsform.YES if value else xlsform.NO
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def submission(
    household: Household,
    answers: dict[str, Any],
    *,
    form: str = "b2-2022",
    review_year: int = 2025,
    on: dt.date = dt.date(2025, 10, 1),
    version: int | None = None,
    instance: str | None = None,
    photo: str = "",
) -> dict[str, Any]:
    """One submission as ``{"main": {column: text}, "members": [{column: text}]}``."""
    spec = definitions.load_form(form)
    instance = instance or f"uuid:{uuid.uuid4()}"
    photo = photo or f"{instance.removeprefix('uuid:')[:8]}.png"
    main: dict[str, str] = {
        "SubmissionDate": "2025-10-02T03:04:05.000Z",
        "start": "2025-10-01T08:00:00.000+07:00",
        "end": "2025-10-01T08:20:00.000+07:00",
        "deviceid": "collect:abc",
        xlsform.FORM_CODE: form,
        xlsform.REVIEW_YEAR: str(review_year),
        xlsform.HOUSEHOLD: household.code,
        xlsform.HOUSEHOLD_VERSION: str(household.version if version is None else version),
        xlsform.HEAD_NAME: household.head_name,
        xlsform.SURVEYED_ON: on.isoformat(),
        xlsform.SURVEYOR_NAME: "Cộng tác viên Một",
        f"{xlsform.GPS}-Latitude": "21.0285",
        f"{xlsform.GPS}-Longitude": "105.8542",
        f"{xlsform.GPS}-Altitude": "12",
        f"{xlsform.GPS}-Accuracy": "4.5",
        xlsform.PHOTO: photo,
    }
    for section in spec.sections:
        for spec_field in spec.section_fields(section.code):
            if spec_field.level == "household":
                column = f"{xlsform.group_name(section.code)}-{spec_field.name}"
                main[column] = _text(spec_field, answers["household"].get(spec_field.name))
    main[xlsform.MEMBER_COUNT] = str(len(answers.get("members", [])))
    main.update(
        {
            "meta-instanceID": instance,
            "KEY": instance,
            "SubmitterID": "5",
            "SubmitterName": "ctv",
            "AttachmentsPresent": "1",
            "AttachmentsExpected": "1",
            "Status": "",
            "ReviewState": "",
            "DeviceID": "collect:abc",
            "Edits": "0",
            "FormVersion": "1.20251001",
        }
    )
    members = []
    names = {m.person_id: m.person.full_name for m in selectors.members_at(household, on)}
    for index, member in enumerate(answers.get("members", []), start=1):
        row = {
            xlsform.PERSON_ID: str(member["person_id"]),
            xlsform.MEMBER_NAME: names.get(member["person_id"], ""),
        }
        for spec_field in spec.member_fields:
            row[spec_field.name] = _text(spec_field, member.get(spec_field.name))
        row["PARENT_KEY"] = instance
        row["KEY"] = f"{instance}/{xlsform.MEMBERS}[{index}]"
        members.append(row)
    return {"main": main, "members": members, "instance": instance, "spec": spec}


def _csv(rows: list[dict[str, str]]) -> bytes:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def central_zip(path: Path, subs: list[dict[str, Any]], *, photo: bytes | None = None) -> Path:
    spec: FormSpec = subs[0]["spec"]
    form_id = xlsform.form_id(spec)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{form_id}.csv", _csv([s["main"] for s in subs]))
        members = [m for s in subs for m in s["members"]]
        if spec.has_members:
            archive.writestr(f"{form_id}-{xlsform.MEMBERS}.csv", _csv(members))
        for s in subs:
            if s["main"].get(xlsform.PHOTO):
                archive.writestr(f"media/{s['main'][xlsform.PHOTO]}", photo or png_bytes())
    return path


def kobo_json(path: Path, subs: list[dict[str, Any]]) -> Path:
    """KoboToolbox's JSON: paths joined with ``/``, a geopoint as one text, the repeat as a list
    under its name with ``members/<question>`` keys, ``_uuid`` and ``_attachments``."""
    results = []
    for s in subs:
        record: dict[str, Any] = {}
        gps = []
        for column, value in s["main"].items():
            if column.startswith(f"{xlsform.GPS}-"):
                gps.append(value)
                continue
            if column in {"KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"}:
                continue
            record[column.replace("-", "/")] = value
        record[xlsform.GPS] = " ".join(gps)
        record[xlsform.MEMBERS] = [
            {f"{xlsform.MEMBERS}/{k}": v for k, v in m.items() if k not in ("PARENT_KEY", "KEY")}
            for m in s["members"]
        ]
        record["_uuid"] = s["instance"].removeprefix("uuid:")
        record["_attachments"] = [{"filename": f"ctv/attachments/x/{s['main'][xlsform.PHOTO]}"}]
        record["_geolocation"] = [21.0285, 105.8542]
        results.append(record)
    path.write_text(json.dumps({"count": len(results), "results": results}, ensure_ascii=False))
    return path
