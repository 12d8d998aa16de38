"""Reading a list of invitees as organisers paste it: from a spreadsheet (tab-separated),
a CSV file (commas or semicolons, quoted or not), or an address book ("Name" <email>, many
to a line). Pure functions: each line becomes invitees or one problem that names it.

Cells are taken as email, name and organisation, in that order; a first line of column names
may add a "language" column (en, ja or ko), which the address-book form does not have."""

import csv
import re
from dataclasses import dataclass, field
from email.utils import getaddresses

from flask_babel import gettext as _

from ip4dialogue.i18n import LANGUAGES

HEADER_WORDS = {"email", "e-mail", "email address", "e-mail address", "mail"}
LANGUAGE_WORDS = {"language", "lang"}
_BRACKETED = re.compile(r"<[^<>@\s]+@[^<>\s]+>")


@dataclass(frozen=True)
class ListedInvitee:
    line: int
    email: str
    name: str = ""
    affiliation: str = ""
    language: str = ""  # none given: the list's


@dataclass(frozen=True)
class LineProblem:
    line: int
    text: str
    message: str


@dataclass
class ListReading:
    invitees: list[ListedInvitee] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


def read_invitees(text: str) -> ListReading:
    """Every non-blank line of `text` read; a first line of column names is skipped, after
    noting which column, if any, gives the language."""
    reading = ListReading()
    language_column = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if number == 1 and _is_header(line):
            language_column = _language_column(line)
            continue
        try:
            reading.invitees += _read_line(number, line, language_column)
        except ValueError as problem:
            reading.problems.append(LineProblem(number, line.strip(), str(problem)))
    return reading


def _is_header(line: str) -> bool:
    return "@" not in line and any(cell.lower() in HEADER_WORDS for cell in _cells(line))


def _language_column(header: str) -> int | None:
    names = [cell.lower() for cell in _cells(header)]
    return next((index for index, name in enumerate(names) if name in LANGUAGE_WORDS), None)


def _take_language(cells: list[str], column: int | None) -> str:
    """The line's language, taken out of its cells: a code the site speaks (in any case), or
    "" where the list has no language column or the line leaves it empty."""
    given = cells.pop(column) if column is not None and column < len(cells) else ""
    if given and given.lower() not in LANGUAGES:
        raise ValueError(
            _(
                "Unknown language “%(language)s”: write en, ja or ko, or leave it empty.",
                language=given,
            )
        )
    return given.lower()


def _read_line(number: int, line: str, language_column: int | None) -> list[ListedInvitee]:
    if _BRACKETED.search(line):
        return _address_book_line(number, line)
    cells = _cells(line)
    language = _take_language(cells, language_column)
    cells = [cell for cell in cells if cell]
    addresses = [cell for cell in cells if "@" in cell]
    if not addresses:
        raise ValueError("No email address on this line.")
    if len(addresses) == len(cells):  # a list of bare addresses
        return [ListedInvitee(number, address, language=language) for address in addresses]
    if len(addresses) > 1:
        raise ValueError("More than one address beside a name: put each invitee on a line.")
    others = [cell for cell in cells if cell != addresses[0]]
    return [ListedInvitee(number, addresses[0], *others[:2], language=language)]


def _address_book_line(number: int, line: str) -> list[ListedInvitee]:
    """`"Kim, Dr" <kim@example.org>; Lee <lee@example.org>`, or one such address followed by
    the organisation after a separator."""
    head, _, tail = line.rpartition(">")
    listed = head.replace(";", ",") + ">"  # address books separate with either
    pairs = [(name, address) for name, address in getaddresses([listed]) if address]
    if not pairs:
        raise ValueError("No email address on this line.")
    affiliation = tail.strip(" \t,;")
    if affiliation and len(pairs) > 1:
        raise ValueError("An organisation after several addresses: put each invitee on a line.")
    return [
        ListedInvitee(number, address, name.strip(), affiliation if len(pairs) == 1 else "")
        for name, address in pairs
    ]


def _cells(line: str) -> list[str]:
    """The cells of one line, split on its separator: a tab (a spreadsheet's copy), else a
    semicolon (a European CSV), else a comma; quotes are honoured."""
    separator = next((mark for mark in "\t;" if mark in line), ",")
    return [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
