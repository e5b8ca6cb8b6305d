"""Checks of uploaded files, shared by every form that takes one: size, and what the file really
is (by its first bytes, not its name).

- ``UploadLimitHandler`` (first in ``FILE_UPLOAD_HANDLERS``) stops storing a file once it
  passes ``UPLOAD_MAX_BYTES``: the rest of the body is read and dropped, and the form gets an
  ``OversizedUpload`` holding only the size, which ``check_size`` refuses with a message. A huge
  upload therefore fills neither memory nor the temporary directory, and never becomes a 5xx.
- ``validate_table_upload``: the household/survey import (.xlsx or .csv), the container or text
  checked by ``lib.tabular`` before a job is queued.
- ``validate_csv_text``: a small UTF-8 CSV read in the request (villages).
- ``validate_scan``: signed minutes, PDF, JPEG or PNG.

Limits are settings (docs/import-export.md "Limits").
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Final, TypeAlias

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext as _

from giamngheo.lib import tabular

HEAD_BYTES: Final = 8192
Upload: TypeAlias = "UploadedFile[Any]"
SCAN_KINDS: Final = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}  # kind → file extension


def upload_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", tabular.Limits().max_bytes))


class OversizedUpload(UploadedFile):  # type: ignore[type-arg]
    """Stands for a file dropped because it passed ``UPLOAD_MAX_BYTES``: no content, its size."""

    oversized = True

    def __init__(
        self,
        name: str,
        content_type: str | None,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class UploadLimitHandler(FileUploadHandler):
    """Passes a file's chunks on to the next handlers (memory, temporary file) until the file
    passes ``UPLOAD_MAX_BYTES``; then keeps only its size."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_max_bytes()
        self.oversized = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.oversized or start + len(raw_data) > self.limit:
            self.oversized = True
            return None  # the next handlers do not get this chunk
        return raw_data

    def file_complete(self, file_size: int) -> Upload | None:
        if not self.oversized:
            return None  # the next handler returns the stored file
        return OversizedUpload(
            self.file_name or "",
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


def check_size(upload: Upload, limit: int, *, hint: str = "") -> None:
    size = int(upload.size or 0)
    if getattr(upload, "oversized", False) or size > limit:
        message = _("Tệp lớn %(size)s, vượt quá giới hạn %(limit)s.") % {
            "size": tabular.format_size(size),
            "limit": tabular.format_size(limit),
        }
        raise ValidationError(f"{message} {hint}".strip(), code="too_large")


def read_head(upload: Upload, size: int = HEAD_BYTES) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def validate_table_upload(upload: Upload) -> None:
    """An import file: .xlsx or .csv by name, within ``UPLOAD_MAX_BYTES``, and really what the
    name says (an xlsx container that holds a workbook; a UTF-8 text without NUL bytes)."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix in {".xls", ".ods"}:
        raise ValidationError(
            _("Không nhận tệp %(suffix)s: hãy “Lưu thành” Excel Workbook (.xlsx) rồi tải lên.")
            % {"suffix": suffix}
        )
    if suffix not in {".xlsx", ".csv"}:
        raise ValidationError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    check_size(upload, upload_max_bytes(), hint=_("Hãy chia nhỏ tệp theo xã."))
    limits = tabular.Limits.from_settings()
    try:
        if suffix == ".xlsx":
            upload.seek(0)
            tabular.open_xlsx_zip(upload, int(upload.size or 0), limits).close()
        else:
            tabular.check_text_chunks(upload.chunks())
    except tabular.TableError as error:
        raise ValidationError(str(error), code="unreadable") from error
    finally:
        upload.seek(0)


def validate_csv_text(upload: Upload, limit: int) -> str:
    """A small CSV upload as text (UTF-8, a BOM dropped), or a ``ValidationError``."""
    check_size(upload, limit)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        return tabular.decode_text(data if isinstance(data, bytes) else data.encode())
    except tabular.TableError as error:
        raise ValidationError(str(error), code="unreadable") from error


def validate_scan(upload: Upload) -> Upload:
    """A scan of a signed paper: PDF, JPEG or PNG by its first bytes, within
    ``SCAN_MAX_BYTES``. The stored name gets the extension of what the file is."""
    check_size(upload, int(getattr(settings, "SCAN_MAX_BYTES", 20 * 1024 * 1024)))
    kind = tabular.sniff(read_head(upload))
    extension = SCAN_KINDS.get(kind)
    if extension is None:
        raise ValidationError(
            _("Bản chụp phải là tệp PDF, JPEG hoặc PNG (tệp này là %(kind)s).")
            % {"kind": tabular.kind_label(kind)},
            code="wrong_type",
        )
    stem = Path(upload.name or "").stem or "bien-ban"
    upload.name = f"{stem}.{extension}"
    return upload
