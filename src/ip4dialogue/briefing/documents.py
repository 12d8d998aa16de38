"""What is printed, as ready-to-print text (frozen dataclasses, made by `services`), and the
pure functions that lay it out as A4 PDFs: objects in, document out.

Every file is one self-contained HTML document rendered by `ip4dialogue.printing`, offline.
Text is escaped by the templates; the document's `lang` picks the Noto Sans CJK variant for
Japanese or Korean, and any name in another script falls back to a font that has it.
"""

from dataclasses import dataclass

from flask import render_template

from ip4dialogue.printing import html_to_pdf


@dataclass(frozen=True)
class SessionEntry:
    """One session of the programme, as the book prints it."""

    time: str  # in the dialogue's zone: "09:00–10:30"
    title: str
    kind: str
    room: str  # "" when it has none
    status: str  # "" when confirmed, else "Cancelled", "To be confirmed"
    cancelled: bool
    description: str
    people: tuple[str, ...]  # "Chair: Dr Kim Min-jun, KIDA": only those who may be named
    unnamed: int  # how many more take part, not named under the Chatham House Rule
    recommendations: tuple[str, ...]  # "R1 Map the industrial bases"
    themes: tuple[str, ...]


@dataclass(frozen=True)
class BookDay:
    heading: str  # "Tuesday 11 May 2027"
    sessions: tuple[SessionEntry, ...]


@dataclass(frozen=True)
class NamedPerson:
    """A confirmed participant who consented to be named."""

    name: str
    institution: str
    country: str


@dataclass(frozen=True)
class RecommendationText:
    number: int
    short_title: str
    text: str  # verbatim

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.text.splitlines() if line.strip())


@dataclass(frozen=True)
class BriefingBook:
    """One dialogue's book, in the reader's language; times in the dialogue's zone."""

    language: str  # "en", "ja", "ko": the document's lang
    series: str  # "" outside a series
    title: str
    dates: str
    place: str  # "Grand Hyatt, Seoul, South Korea", or ""
    conveners: str  # "United States Studies Centre and Korea Foundation", or ""
    chatham_house: bool
    cancelled: bool  # the dialogue itself; then the cover says so
    summary: str
    format: str  # "In person", "Hybrid", "Online"
    zone: str  # "Asia/Seoul"
    rooms: tuple[str, ...]
    release: str  # "Release 3, 28 Nov 2026, 10:04 KST", or "" before the first
    generated_on: str
    days: tuple[BookDay, ...]
    participants: tuple[NamedPerson, ...]
    report: str  # the report's title, or ""
    recommendations: tuple[RecommendationText, ...]


@dataclass(frozen=True)
class NameCard:
    """What a badge and a tent card say of one participant."""

    name: str
    institution: str
    country: str


@dataclass(frozen=True)
class CardSheet:
    """Badges or tent cards for one dialogue, in the language of whoever prints them."""

    language: str
    dialogue: str  # its title
    dates: str
    cards: tuple[NameCard, ...]


BADGES_PER_PAGE = 8  # 2 x 4 on A4: 105 x 74 mm each, the size of common badge holders


def book_pdf(book: BriefingBook) -> bytes:
    return html_to_pdf(render_template("briefing/book.html", book=book))


def badges_pdf(sheet: CardSheet) -> bytes:
    pages = [
        sheet.cards[start : start + BADGES_PER_PAGE]
        for start in range(0, len(sheet.cards), BADGES_PER_PAGE)
    ]
    html = render_template("briefing/badges.html", sheet=sheet, pages=pages, name_size=name_size)
    return html_to_pdf(html)


def tent_cards_pdf(sheet: CardSheet) -> bytes:
    html = render_template("briefing/tent_cards.html", sheet=sheet, name_size=name_size)
    return html_to_pdf(html)


def name_size(name: str, longest: int, largest: float, smallest: float) -> float:
    """A font size (pt) that fits `name` on a line of `longest` characters at `largest`
    points: shrunk in proportion, down to `smallest`, below which it wraps instead. A CJK
    character is as wide as two Latin ones."""
    width = sum(2 if ord(char) >= 0x1100 else 1 for char in name)
    if width <= longest:
        return largest
    return max(smallest, round(largest * longest / width, 1))
