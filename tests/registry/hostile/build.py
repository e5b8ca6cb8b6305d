"""Hand-built xlsx containers for tests of the reader (``lib.tabular``): the XML parts an
attacker controls, written directly, since openpyxl cannot write a lying or hostile file."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeAlias

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# A part: its text or bytes, or a function yielding its bytes (streamed into the zip).
Part: TypeAlias = str | bytes | Callable[[], Iterator[bytes]]


def sheet_xml(rows: str, *, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">{dim}<sheetData>{rows}</sheetData></worksheet>'
    )


def inline(ref: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def number(ref: str, value: object, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


def row(number_: int, *cells: str) -> str:
    return f'<row r="{number_}">{"".join(cells)}</row>'


def table_rows(rows: Sequence[Sequence[object]], start: int = 1) -> str:
    """Rows of inline strings and numbers (None: no cell), numbered from ``start``."""
    out = []
    for offset, values in enumerate(rows):
        n = start + offset
        cells = []
        for index, value in enumerate(values):
            if value is None:
                continue
            ref = f"{column_letters(index)}{n}"
            cells.append(
                number(ref, value) if isinstance(value, int | float) else inline(ref, str(value))
            )
        out.append(row(n, *cells))
    return "".join(out)


def column_letters(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def workbook_bytes(
    sheets: Sequence[tuple[str, Part]],
    *,
    shared: str | None = None,
    styles: str | None = None,
    date1904: bool = False,
    chartsheets: Iterable[str] = (),
    extra: Sequence[tuple[str, Part]] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """An xlsx: ``sheets`` as (name, sheet XML) in order; chart sheets (names) after them."""
    entries: list[str] = []
    relations: list[str] = []
    members: list[tuple[str, Part]] = []
    number_ = 0
    for name, xml in sheets:
        number_ += 1
        entries.append(f'<sheet name="{name}" sheetId="{number_}" r:id="rId{number_}"/>')
        relations.append(
            f'<Relationship Id="rId{number_}" Type="{RELS}/worksheet" '
            f'Target="worksheets/sheet{number_}.xml"/>'
        )
        members.append((f"xl/worksheets/sheet{number_}.xml", xml))
    for name in chartsheets:
        number_ += 1
        entries.append(f'<sheet name="{name}" sheetId="{number_}" r:id="rId{number_}"/>')
        relations.append(
            f'<Relationship Id="rId{number_}" Type="{RELS}/chartsheet" '
            f'Target="chartsheets/sheet{number_}.xml"/>'
        )
        members.append((f"xl/chartsheets/sheet{number_}.xml", f'<chartsheet xmlns="{MAIN}"/>'))
    if shared is not None:
        relations.append(
            f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        members.append(("xl/sharedStrings.xml", shared))
    if styles is not None:
        relations.append(f'<Relationship Id="rIdY" Type="{RELS}/styles" Target="styles.xml"/>')
        members.append(("xl/styles.xml", styles))
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">{pr}'
        f"<sheets>{''.join(entries)}</sheets></workbook>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr(
            _info("[Content_Types].xml"),
            '<?xml version="1.0" encoding="UTF-8"?><Types '
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            _info("_rels/.rels"),
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(_info("xl/workbook.xml"), workbook, compress_type=compression)
        archive.writestr(
            _info("xl/_rels/workbook.xml.rels"),
            f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(relations)}</Relationships>',
        )
        for name, data in [*members, *extra]:
            if callable(data):
                info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
                info.compress_type = compression
                with archive.open(info, "w", force_zip64=True) as member:
                    for block in data():
                        member.write(block)
            else:
                archive.writestr(_info(name), data, compress_type=compression)
    return buffer.getvalue()


def _info(name: str) -> zipfile.ZipInfo:
    """A member with a fixed date: the committed corpus is the same each time it is made."""
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def styles_xml(number_formats: Sequence[int | str]) -> str:
    """cellXfs with one xf per entry: a built-in numFmtId (int) or a custom format code."""
    custom = [
        (164 + i, code) for i, code in enumerate(f for f in number_formats if isinstance(f, str))
    ]
    ids = iter(i for i, _code in custom)
    xfs = "".join(
        f'<xf numFmtId="{f if isinstance(f, int) else next(ids)}"/>' for f in number_formats
    )
    fmts = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{code.replace(chr(34), "&quot;")}"/>'
        for i, code in custom
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
        f'<numFmts count="{len(custom)}">{fmts}</numFmts>'
        f'<cellXfs count="{len(number_formats)}">{xfs}</cellXfs></styleSheet>'
    )


def zip_bomb(uncompressed_bytes: int) -> bytes:
    """A valid-looking xlsx whose sheet is ``uncompressed_bytes`` of blanks inside sheetData
    (deflate packs them about 1,000 to 1), streamed: never held in memory."""

    def blanks() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        chunk = b" " * (1024 * 1024)
        for _ in range(uncompressed_bytes // len(chunk)):
            yield chunk
        yield b"</sheetData></worksheet>"

    return workbook_bytes([("Sheet1", blanks)])


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Patch the uncompressed size recorded for ``member`` (local header and central
    directory) to ``declared``: a zip that lies about what it holds."""
    return patch_member(data, member, size=declared)


def patch_member(
    data: bytes, member: str, *, size: int | None = None, flags: int | None = None
) -> bytes:
    """Overwrite fields of ``member``'s local header and central directory entry."""
    raw = bytearray(data)
    name = member.encode()
    # (signature, offset of flags, offset of uncompressed size, offset of the name)
    for signature, flag_at, size_at, name_at in (
        (b"PK\x03\x04", 6, 22, 30),
        (b"PK\x01\x02", 8, 24, 46),
    ):
        start = 0
        while (position := raw.find(signature, start)) >= 0:
            start = position + 4
            if raw[position + name_at : position + name_at + len(name)] != name:
                continue
            if size is not None:
                struct.pack_into("<I", raw, position + size_at, size)
            if flags is not None:
                struct.pack_into("<H", raw, position + flag_at, flags)
    return bytes(raw)
