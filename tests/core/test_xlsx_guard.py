"""Uploaded workbooks are checked before openpyxl reads them: zip bombs, huge declared sheets and
damaged parts are refused with a message, quickly and without the memory a bomb would take."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from openpmo.core import xlsx
from openpmo.core.errors import ParseError
from openpmo.core.finance import load_team_xlsx, read_table


def _workbook_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one part's content swapped (compressed as Excel would)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            body = content if part.filename == name else source.read(part.filename)
            target.writestr(part.filename, body, compress_type=zipfile.ZIP_DEFLATED)
        if name not in source.namelist():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_plain_workbook_reads_as_before():
    book = xlsx.open_workbook(_workbook_bytes([["a", 1], ["b", 2]]), where="upload")
    assert list(xlsx.read_rows(book.active, where="upload")) == [("a", 1), ("b", 2)]


def test_a_zip_bomb_is_refused_from_its_directory(xlsx_bomb):
    data = xlsx_bomb
    assert len(data) < 60_000
    with pytest.raises(ParseError, match="packed .* to 1"):
        xlsx.check_archive(data, where="upload")


def test_a_part_too_large_once_unpacked_is_refused():
    data = _workbook_bytes([["a", 1]])
    with pytest.raises(ParseError, match="once unpacked"):
        xlsx.check_archive(data, where="upload", limits=xlsx.Limits(max_part_bytes=100))


def test_a_sheet_declaring_a_million_rows_is_refused_before_reading():
    good = _workbook_bytes([["a", 1]])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    huge = re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:XFD1048576"', sheet)
    assert huge != sheet
    with pytest.raises(ParseError, match="1,048,576 rows"):
        xlsx.check_archive(_replace_part(good, "xl/worksheets/sheet1.xml", huge), where="upload")


def test_rows_beyond_the_limit_stop_the_read_whatever_the_sheet_declares():
    book = xlsx.open_workbook(_workbook_bytes([[n] for n in range(50)]), where="upload")
    with pytest.raises(ParseError, match="more than 10 rows"):
        list(xlsx.read_rows(book.active, where="upload", limits=xlsx.Limits(max_rows=10)))


def test_truncated_sheet_xml_inside_a_valid_zip_is_a_parse_error():
    good = _workbook_bytes([["a", n] for n in range(200)])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    broken = _replace_part(good, "xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2])
    with pytest.raises(ParseError, match="damaged"):
        book = xlsx.open_workbook(broken, where="upload")
        list(xlsx.read_rows(book.active, where="upload"))


def test_the_engines_reading_workbooks_refuse_the_bomb(tmp_path: Path, xlsx_bomb):
    path = tmp_path / "table.xlsx"
    path.write_bytes(xlsx_bomb)
    with pytest.raises(ParseError, match="packed"):
        read_table(path)
    with pytest.raises(ParseError, match="packed"):
        load_team_xlsx(path)
