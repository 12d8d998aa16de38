"""Tables people open in a spreadsheet program: as CSV and as XLSX, from the same rows.

A cell that starts like a formula (=, +, -, @, a tab or a carriage return) would run when the
file is opened; it gets a leading quote in both formats, and an XLSX cell is always stored as
text, never as a formula or a number the program might reinterpret.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

from ip4dialogue.database import utcnow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Row = Sequence[object]


def spreadsheet_safe(value: object) -> str:
    """A cell no spreadsheet will run: text starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def as_csv(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return out.getvalue()


def as_xlsx(rows: Iterable[Row], sheet: str) -> bytes:
    """An XLSX workbook of one sheet, its first row bold and frozen as the heading."""
    from openpyxl import Workbook  # only the organisers who ask for XLSX pay for importing it
    from openpyxl.styles import Font

    book = Workbook()
    table = book.active
    table.title = sheet[:31]  # the longest name a sheet may have
    for row in rows:
        table.append([spreadsheet_safe(value) for value in row])
    for line in table.iter_rows():
        for cell in line:
            cell.data_type = "s"  # text, whatever it looks like
    for cell in table[1]:
        cell.font = Font(bold=True)
    table.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_download(text: str, slug: str, what: str) -> Response:
    """CSV text as an export; a BOM first, so spreadsheet programs read UTF-8 names."""
    return download("\ufeff" + text, slug, f"{what}.csv", "text/csv")


def download(body: str | bytes, slug: str, what: str, mimetype: str) -> Response:
    """An export to save, named after the dialogue, what it holds and the day."""
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": attachment(slug, what)}
    )


def attachment(slug: str, what: str) -> str:
    """The Content-Disposition of an export: a file named after the dialogue, what it holds
    and the day it was made: seoul-2027-registrations-20270501.xlsx."""
    name, extension = what.rsplit(".", 1)
    return f'attachment; filename="{slug}-{name}-{utcnow():%Y%m%d}.{extension}"'
