"""Reading submissions exported from ODK Central or KoboToolbox, with bounded memory.

Accepted files:

- **ODK Central "CSV (zip)"** (Submissions → Download → "All data and media files"): a zip with
  the main table ``<formId>.csv`` (columns ``SubmissionDate``, the questions by their group path
  joined with ``-`` such as ``grp_income-income``, a geopoint split into ``gps-Latitude``,
  ``gps-Longitude``, ``gps-Altitude``, ``gps-Accuracy``, ``meta-instanceID``, ``KEY``…), one
  table per repeat ``<formId>-members.csv`` (the repeat's questions, ``PARENT_KEY`` = the
  submission's ``KEY``, ``KEY``) and the attachments under ``media/``. The export without group
  paths (``groupPaths=false``) is read the same way: a column is matched by its last segment.
- **KoboToolbox JSON** (``/api/v2/assets/<uid>/data.json``, or a list of its ``results``): keys
  are group paths joined with ``/`` (``grp_income/income``, ``meta/instanceID``), a repeat is a
  list under its path. Its attachments are not in the JSON; a zip holding the ``.json`` and the
  photos (by file name, anywhere in the zip) brings them.

The zip is checked before anything is decompressed (member count, total and per-member size,
compression ratio, encryption: the xlsx reader's limits, ``lib.tabular.Limits``); the main CSV is
streamed row by row; repeat tables are grouped by ``PARENT_KEY`` (bounded by the row limit);
a JSON file is read whole and is limited to ``FIELD_JSON_MAX_BYTES``. A file that cannot be read
raises ``ExportError`` (Vietnamese) before any submission is handed out.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from giamngheo.fieldcollection import xlsform
from giamngheo.lib import tabular
from giamngheo.lib.errors import DomainError
from giamngheo.lib.formatting import format_number

META_COLUMNS = frozenset(
    {
        "SubmissionDate",
        "KEY",
        "PARENT_KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
        "start",
        "end",
        "deviceid",
        "instanceID",
        "instanceName",
        xlsform.HEAD_NAME,
        xlsform.MEMBER_COUNT,
        xlsform.MEMBER_NAME,
        "member_note",
    }
)
GPS_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")


class ExportError(DomainError):
    """The file cannot be read as a submissions export (Vietnamese message)."""


def json_max_bytes() -> int:
    return int(settings.FIELD_JSON_MAX_BYTES)


@dataclass
class Submission:
    """One submission as read, values still text (typed by ``answers_of`` against the form)."""

    number: int  # 1-based position in the file, for messages
    instance_id: str
    values: dict[str, Any]  # question name → value (household level and metadata)
    members: list[dict[str, Any]] = field(default_factory=list)
    photo_loader: Callable[[], bytes | None] | None = None

    def get(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value).strip()


# -- the zip --------------------------------------------------------------------------------------


def _safe_zip(handle: IO[bytes], size: int) -> zipfile.ZipFile:
    limits = tabular.Limits.from_settings()
    tabular.check_file_size(size, limits)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ExportError(
            _("Tệp nén bị hỏng hoặc không trọn vẹn (không mở được); hãy tải lại tệp xuất.")
        ) from error
    infos = archive.infolist()
    max_members = int(settings.FIELD_ZIP_MAX_MEMBERS)
    if len(infos) > max_members:
        archive.close()
        raise ExportError(
            _("Tệp nén có %(count)s tệp, vượt quá giới hạn %(limit)s.")
            % {"count": format_number(len(infos)), "limit": format_number(max_members)}
        )
    total = 0
    for info in infos:
        name = info.filename
        problem = ""
        if info.flag_bits & 0x1:
            problem = _("Tệp nén có mật khẩu: hãy xuất lại không đặt mật khẩu.")
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problem = _("Tệp nén dùng kiểu nén không hỗ trợ.")
        elif name.startswith("/") or ".." in name.split("/"):
            problem = _("Tệp nén chứa đường dẫn không hợp lệ.")
        total += info.file_size
        too_big = info.file_size > limits.max_uncompressed_bytes
        too_big = too_big or total > limits.max_uncompressed_bytes
        bomb = info.file_size > tabular.RATIO_FLOOR_BYTES and info.file_size > (
            limits.max_ratio * max(info.compress_size, 1)
        )
        if not problem and (too_big or bomb):
            problem = _(
                "Tệp nén giải nén ra quá lớn (phần “%(member)s”): tệp quá lớn hoặc là tệp nén "
                "độc hại (zip bomb)."
            ) % {"member": name[:100]}
        if problem:
            archive.close()
            raise ExportError(problem)
    return archive


def _csv_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[dict[str, str]]:
    limits = tabular.Limits.from_settings()
    where = info.filename[:100]
    try:
        with archive.open(info) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.DictReader(text)
            for count, row in enumerate(reader, start=1):
                if count >= limits.max_rows:
                    raise ExportError(
                        _("Bảng “%(name)s” có hơn %(limit)s dòng: hãy xuất theo từng đợt.")
                        % {"name": where, "limit": format_number(limits.max_rows)}
                    )
                if None in row:
                    raise ExportError(
                        _("Bảng “%(name)s”, dòng %(line)s: nhiều cột hơn tiêu đề.")
                        % {"name": where, "line": count + 1}
                    )
                yield row
    except UnicodeDecodeError as error:
        raise ExportError(
            _("Bảng “%(name)s” không phải văn bản UTF-8.") % {"name": where}
        ) from error
    except csv.Error as error:
        raise ExportError(
            _("Bảng “%(name)s” không đọc được như CSV (%(error)s).")
            % {"name": where, "error": str(error)[:200]}
        ) from error
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise ExportError(
            _("Tệp nén bị hỏng hoặc không trọn vẹn (phần “%(name)s”).") % {"name": where}
        ) from error


def _header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[str]:
    try:
        with archive.open(info) as raw:
            first = raw.readline(1024 * 1024)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise ExportError(
            _("Tệp nén bị hỏng hoặc không trọn vẹn (phần “%(name)s”).")
            % {"name": info.filename[:100]}
        ) from error
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(
            _("Bảng “%(name)s” không phải văn bản UTF-8.") % {"name": info.filename[:100]}
        ) from error
    return next(csv.reader([line]), [])


def _name(column: str) -> str:
    """A question's name from its export column: the last segment of the group path."""
    return column.replace("/", "-").rsplit("-", 1)[-1]


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    gps: dict[str, str] = {}
    for column, value in row.items():
        if column is None:
            continue
        name = _name(column)
        if name in GPS_PARTS and _name(column[: -len(name) - 1]) == xlsform.GPS:
            gps[name] = "" if value is None else str(value)
            continue
        values[name] = value
    if gps:
        values[xlsform.GPS] = " ".join(gps.get(part, "") or "0" for part in GPS_PARTS).strip()
        if not gps.get("Latitude"):
            values[xlsform.GPS] = ""
    return values


def _photo_loader(
    archive: zipfile.ZipFile, media: Mapping[str, zipfile.ZipInfo], name: str
) -> Callable[[], bytes | None]:
    def load() -> bytes | None:
        info = media.get(posixpath.basename(name))
        if info is None:
            return None
        limit = photo_max_bytes()
        if info.file_size > limit:
            raise ExportError(
                _("Ảnh “%(name)s” lớn %(size)s, vượt quá giới hạn %(limit)s.")
                % {
                    "name": name[:100],
                    "size": tabular.format_size(info.file_size),
                    "limit": tabular.format_size(limit),
                }
            )
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
            raise ExportError(_("Ảnh “%(name)s” bị hỏng.") % {"name": name[:100]}) from error

    return load


def photo_max_bytes() -> int:
    return int(settings.FIELD_PHOTO_MAX_BYTES)


def _read_central(archive: zipfile.ZipFile) -> Iterator[Submission]:
    tables = [
        i
        for i in archive.infolist()
        if i.filename.lower().endswith(".csv") and "/" not in i.filename
    ]
    media = {
        posixpath.basename(i.filename): i
        for i in archive.infolist()
        if not i.is_dir() and not i.filename.lower().endswith((".csv", ".json"))
    }
    main = [t for t in tables if "PARENT_KEY" not in _header(archive, t)]
    if len(main) != 1:
        raise ExportError(
            _(
                "Không nhận ra tệp xuất của ODK Central: cần đúng một bảng chính (.csv, không có "
                "cột PARENT_KEY) trong tệp nén."
            )
        )
    members: dict[str, list[dict[str, Any]]] = {}
    repeats = [t for t in tables if t is not main[0]]
    for table in repeats:
        if not table.filename.rsplit(".", 1)[0].endswith(f"-{xlsform.MEMBERS}"):
            continue
        for row in _csv_rows(archive, table):
            parent = row.get("PARENT_KEY") or ""
            members.setdefault(parent, []).append(_values(row))
    for number, row in enumerate(_csv_rows(archive, main[0]), start=1):
        values = _values(row)
        key = row.get("KEY") or values.get("instanceID") or ""
        instance = str(values.get("instanceID") or key).strip()
        photo = str(values.get(xlsform.PHOTO) or "")
        yield Submission(
            number=number,
            instance_id=instance,
            values=values,
            members=members.get(key, []),
            photo_loader=_photo_loader(archive, media, photo) if photo else None,
        )


# -- Kobo JSON ------------------------------------------------------------------------------------


def _flatten_json(record: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    values: dict[str, Any] = {}
    members: list[dict[str, Any]] = []
    for key, value in record.items():
        name = _name(str(key))
        if name == xlsform.MEMBERS and isinstance(value, list):
            members = [_values(m) if isinstance(m, Mapping) else {} for m in value]
            continue
        if isinstance(value, list | dict):
            continue  # _attachments, _geolocation, _tags, _notes…
        values[name] = value
    if not values.get("instanceID") and record.get("_uuid"):
        values["instanceID"] = f"uuid:{record['_uuid']}"
    return values, members


def _too_big_json(size: int) -> str:
    return _("Tệp JSON lớn %(size)s, vượt quá giới hạn %(limit)s.") % {
        "size": tabular.format_size(size),
        "limit": tabular.format_size(json_max_bytes()),
    }


def _read_json(data: bytes, media: Mapping[str, Callable[[], bytes | None]]) -> list[Submission]:
    if len(data) > json_max_bytes():
        raise ExportError(_too_big_json(len(data)))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ExportError(
            _("Tệp JSON không đọc được: %(error)s") % {"error": str(error)[:200]}
        ) from error
    records = document.get("results") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise ExportError(
            _("Tệp JSON không phải tệp xuất của KoboToolbox (cần danh sách “results”).")
        )
    submissions = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            values: dict[str, Any] = {}
            members: list[dict[str, Any]] = []
        else:
            values, members = _flatten_json(record)
        photo = posixpath.basename(str(values.get(xlsform.PHOTO) or ""))
        submissions.append(
            Submission(
                number=number,
                instance_id=str(values.get("instanceID") or "").strip(),
                values=values,
                members=members,
                photo_loader=media.get(photo),
            )
        )
    return submissions


def read_export(path: Path) -> Iterator[Submission]:
    """The submissions of the export at ``path`` (see the module's docstring)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
        handle.seek(0)
        if head.startswith(b"PK"):
            with _safe_zip(handle, size) as archive:
                names = [i.filename for i in archive.infolist()]
                jsons = [i for i in archive.infolist() if i.filename.lower().endswith(".json")]
                if jsons and not any(n.lower().endswith(".csv") for n in names):
                    media = {
                        posixpath.basename(i.filename): _photo_loader(
                            archive, {posixpath.basename(i.filename): i}, i.filename
                        )
                        for i in archive.infolist()
                        if not i.is_dir() and i not in jsons
                    }
                    if jsons[0].file_size > json_max_bytes():
                        raise ExportError(_too_big_json(jsons[0].file_size))
                    yield from _read_json(archive.read(jsons[0]), media)
                    return
                yield from _read_central(archive)
            return
        if path.suffix.lower() == ".json" or head.lstrip()[:1] in (b"{", b"["):
            if size > json_max_bytes():
                raise ExportError(_too_big_json(size))
            yield from _read_json(handle.read(), {})
            return
    raise ExportError(
        _(
            "Chỉ nhận tệp xuất của ODK Central (.zip: CSV và ảnh) hoặc của KoboToolbox (.json, "
            "hoặc .zip chứa tệp .json và ảnh)."
        )
    )
