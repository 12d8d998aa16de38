"""One edition's outcomes, grouped by recommendation, as a PDF and a Word file for the report's
authors, who read, annotate and quote from them.

Both files are laid out from one sequence of blocks (`contents`), so they say the same things in
the same order and each renderer only decides how a kind of block looks. The PDF is HTML that
`ip4dialogue.printing` renders, offline, with the system's fonts (Noto Sans CJK for Japanese
and Korean); the Word file names its East Asian font so that Word renders CJK too.
"""

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from itertools import chain
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from flask import render_template

from ip4dialogue.printing import html_to_pdf
from ip4dialogue.templating import xml_text

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SUBTITLE = "Outcomes, grouped by recommendation and theme"
CHATHAM_HOUSE = (
    "These outcomes are non-attributed: the sessions were held under the Chatham House Rule, "
    "so no view is ascribed to a speaker or to their organisation."
)
NO_OUTCOMES = "No session took up this recommendation in this edition."
LATIN_FONT = "Calibri"  # Word's own, on every install; LibreOffice substitutes Carlito
EAST_ASIAN_FONT = "Noto Sans CJK JP"  # its Japanese glyphs, and Hangul as well


@dataclass(frozen=True)
class OutcomeEntry:
    """What one session concluded about a recommendation, attributed to no one."""

    session: str  # the session's title
    when: str  # formatted, e.g. "Tue 12 May 2026, 10:00-11:30 (Asia/Seoul)"
    assessment: str  # its label, e.g. "Broad agreement"
    summary: str
    agreement: str  # "" when there was none, as for the next two
    disagreement: str
    next_steps: str


@dataclass(frozen=True)
class RecommendationSection:
    """A recommendation of the report, and what this edition's sessions made of it."""

    number: int
    short_title: str
    text: str  # verbatim
    themes: tuple[str, ...]
    outcomes: tuple[OutcomeEntry, ...]  # none: the book says no session took it up


@dataclass(frozen=True)
class ThemeIndex:
    """A theme of the report, and the recommendations that serve it."""

    title: str
    recommendation_numbers: tuple[int, ...]


@dataclass(frozen=True)
class OutcomesBook:
    """One edition's outcomes, grouped by recommendation, its texts ready to print."""

    series: str  # "Indo-Pacific Security Dialogue"
    dialogue: str  # the dialogue's title
    edition: int | None
    dates: str  # formatted, e.g. "11-12 May 2026"
    place: str  # e.g. "Seoul, Republic of Korea", or ""
    report: str  # the report's title
    generated_on: str  # formatted
    chatham_house: bool  # then the book says the outcomes are non-attributed
    themes: tuple[ThemeIndex, ...]
    recommendations: tuple[RecommendationSection, ...]


class Kind(enum.StrEnum):
    """What a block is, which decides how each format lays it out."""

    LINE = "line"  # a line of the title page
    TITLE = "title"  # the dialogue's title, on the title page
    NOTE = "note"  # a statement set apart: the Chatham House Rule, no outcomes
    PART = "part"  # a heading that opens a page: the index, each recommendation
    HEADING = "heading"  # an outcome's session
    FIELD = "field"  # a label and a short value on one line
    TEXT = "text"  # long text, under its label
    QUOTE = "quote"  # a recommendation's words, verbatim


LONG_TEXT = frozenset({Kind.NOTE, Kind.TEXT, Kind.QUOTE})  # in paragraphs


@dataclass(frozen=True)
class Block:
    """One piece of the book, in reading order."""

    kind: Kind
    text: str
    label: str = ""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Each line of the text, blank ones left out: a line break the author typed is a
        paragraph."""
        return tuple(line.strip() for line in self.text.splitlines() if line.strip())


def contents(book: OutcomesBook) -> Iterator[Block]:
    """The title page, the index of themes, then each recommendation with its outcomes. Blocks
    without text are left out, heading and all; short ones are put on one line."""
    parts = chain(
        _title_page(book),
        _theme_index(book.themes),
        *map(_recommendation, book.recommendations),
    )
    for block in parts:
        text = xml_text(block.text)
        if block.kind not in LONG_TEXT:
            text = " ".join(text.split())
        if text.strip():
            yield Block(block.kind, text, " ".join(xml_text(block.label).split()))


def document_title(book: OutcomesBook) -> str:
    """The file's own title, which readers show in their title bar."""
    return f"{book.dialogue} – outcomes"


def _title_page(book: OutcomesBook) -> Iterator[Block]:
    yield Block(Kind.LINE, book.series)
    if book.edition is not None:
        yield Block(Kind.LINE, f"Edition {book.edition}")
    yield Block(Kind.TITLE, book.dialogue)
    yield Block(Kind.LINE, " · ".join(part for part in (book.dates, book.place) if part.strip()))
    yield Block(Kind.LINE, SUBTITLE)
    yield Block(Kind.FIELD, book.report, "Report")
    yield Block(Kind.FIELD, book.generated_on, "Generated on")
    if book.chatham_house:
        yield Block(Kind.NOTE, CHATHAM_HOUSE)


def _theme_index(themes: Iterable[ThemeIndex]) -> Iterator[Block]:
    yield Block(Kind.PART, "Index of themes")
    for theme in themes:
        yield Block(Kind.FIELD, recommendation_numbers(theme.recommendation_numbers), theme.title)


def recommendation_numbers(numbers: tuple[int, ...]) -> str:
    """e.g. "Recommendations 1, 3 and 4", "Recommendation 2", "No recommendation"."""
    if not numbers:
        return "No recommendation"
    *others, last = numbers
    if not others:
        return f"Recommendation {last}"
    return f"Recommendations {', '.join(map(str, others))} and {last}"


def _recommendation(section: RecommendationSection) -> Iterator[Block]:
    yield Block(Kind.PART, f"Recommendation {section.number}: {section.short_title}")
    yield Block(Kind.QUOTE, section.text)
    yield Block(Kind.FIELD, "; ".join(section.themes), "Themes")
    if not section.outcomes:
        yield Block(Kind.NOTE, NO_OUTCOMES)
    for entry in section.outcomes:
        yield from _outcome(entry)


def _outcome(entry: OutcomeEntry) -> Iterator[Block]:
    yield Block(Kind.HEADING, entry.session)
    yield Block(Kind.FIELD, entry.when, "When")
    yield Block(Kind.FIELD, entry.assessment, "Assessment")
    yield Block(Kind.TEXT, entry.summary, "Summary")
    yield Block(Kind.TEXT, entry.agreement, "Points of agreement")
    yield Block(Kind.TEXT, entry.disagreement, "Points of disagreement")
    yield Block(Kind.TEXT, entry.next_steps, "Next steps")


def outcomes_pdf(book: OutcomesBook) -> bytes:
    """The book as an A4 PDF, "page N of M" in the footer; renders in the app's context."""
    html = render_template(
        "outcomes/book.html", book=book, title=document_title(book), blocks=tuple(contents(book))
    )
    return html_to_pdf(html)


WORD_STYLES = {
    Kind.LINE: "Subtitle",
    Kind.TITLE: "Title",
    Kind.NOTE: "Intense Quote",
    Kind.PART: "Heading 1",
    Kind.HEADING: "Heading 2",
    Kind.FIELD: "Normal",
    Kind.TEXT: "Normal",
    Kind.QUOTE: "Quote",
}
LABEL_STYLE = "Heading 3"


def outcomes_docx(book: OutcomesBook) -> bytes:
    """The book as a Word file: A4, "page N of M" in the footer, Word's own styles."""
    document = Document()
    _set_up(document, book)
    for block in contents(book):
        _write(document, block)
    file = BytesIO()
    document.save(file)
    return file.getvalue()


def _set_up(document: "WordDocument", book: OutcomesBook) -> None:
    """A4 pages numbered in the footer, each part on a page of its own, fonts for Latin and CJK
    text, and the file's own title and author."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    _page_numbers(section.footer.paragraphs[0])
    for name in {*WORD_STYLES.values(), LABEL_STYLE}:
        _name_fonts(document.styles[name])
    document.styles[WORD_STYLES[Kind.PART]].paragraph_format.page_break_before = True
    properties = document.core_properties
    properties.title = document_title(book)
    properties.subject = book.report
    properties.author = properties.last_modified_by = book.series
    properties.created = properties.modified = datetime.now(UTC)


def _name_fonts(style: ParagraphStyle) -> None:
    """The Latin and East Asian fonts, named outright: a theme's fonts, which the headings use,
    would win over them, so those are dropped."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script, font in (
        ("ascii", LATIN_FONT),
        ("hAnsi", LATIN_FONT),
        ("eastAsia", EAST_ASIAN_FONT),
    ):
        fonts.attrib.pop(qn(f"w:{script}Theme"), None)
        fonts.set(qn(f"w:{script}"), font)


def _page_numbers(paragraph: Paragraph) -> None:
    """Centred "page N of M", from fields that Word fills in as it lays out the pages."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"  # shown until Word updates the field
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _write(document: "WordDocument", block: Block) -> None:
    """A field on one line, its label in bold; other blocks under their label, if any, one
    paragraph for each of theirs."""
    style = WORD_STYLES[block.kind]
    if block.kind is Kind.FIELD:
        paragraph = document.add_paragraph(style=style)
        paragraph.add_run(f"{block.label}: ").bold = True
        paragraph.add_run(block.text)
        return
    if block.label:
        document.add_paragraph(block.label, style=LABEL_STYLE)
    for text in block.paragraphs:
        document.add_paragraph(text, style=style)
