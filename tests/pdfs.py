"""Reading printed files back as their readers' software would: pypdf for the text and the
fonts, poppler's pdftoppm for what a page looks like. Shared by every area that prints.

Without WeasyPrint's Pango, or poppler, PDF tests skip, saying why, unless
IP4DIALOGUE_REQUIRE_PDF=1 (as in CI); without a font for Japanese, the tests of CJK text skip
unless IP4DIALOGUE_REQUIRE_CJK_FONTS=1. Fixtures are imported by the conftest of each area.
"""

import os
import shutil
import subprocess
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from ip4dialogue.printing import ExportUnavailable, offline_fetcher


def require(variable: str, reason: str) -> None:
    """Skip, saying why, unless `variable`=1 (as in CI) makes what is missing a failure."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{variable}=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def weasyprint_loaded() -> None:
    """WeasyPrint, with the Pango it loads."""
    try:
        offline_fetcher()
    except ExportUnavailable as error:
        require("IP4DIALOGUE_REQUIRE_PDF", str(error))


@pytest.fixture
def cjk_font() -> None:
    """A font that fontconfig offers for Japanese."""
    found = ""
    if shutil.which("fc-list"):
        listing = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True)
        found = listing.stdout.strip()
    if not found:
        require("IP4DIALOGUE_REQUIRE_CJK_FONTS", "no font for Japanese (fc-list :lang=ja)")


@pytest.fixture
def pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        require("IP4DIALOGUE_REQUIRE_PDF", "no pdftoppm (Debian: poppler-utils)")
    return path


def pdf_lines(data: bytes) -> list[str]:
    """The PDF's text as pypdf extracts it, line by line."""
    return [
        line for page in PdfReader(BytesIO(data)).pages for line in page.extract_text().split("\n")
    ]


def pdf_text(data: bytes) -> str:
    """All of the PDF's text, white space folded: a long line wraps over several."""
    return " ".join(" ".join(pdf_lines(data)).split())


def font_names(data: bytes) -> set[str]:
    """The names of the fonts the PDF's pages use (embedded subsets: ABCDEF+NotoSansCJKjp)."""
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def assert_in_order(lines: Iterable[str], expected: Iterable[str]) -> None:
    """Each expected text is in a line after the line that holds the one before it."""
    remaining = iter(lines)
    for text in expected:
        assert any(text in line for line in remaining), f"{text!r} missing or out of order"


def page_image(pdftoppm: str, data: bytes, page: int, folder: Path, dpi: int = 50) -> Path:
    """Page `page` (from 1) rendered as a PNG, as a reader's viewer would draw it."""
    (folder / "file.pdf").write_bytes(data)
    name, number = f"page-{page}", str(page)
    subprocess.run(
        [
            pdftoppm,
            "-r",
            str(dpi),
            "-png",
            "-f",
            number,
            "-l",
            number,
            "-singlefile",
            "file.pdf",
            name,
        ],
        cwd=folder,
        check=True,
    )
    return folder / f"{name}.png"


def dark_pixels(image: Path) -> int:
    """How many pixels of the image are darker than mid-grey: 0 for a blank page."""
    with Image.open(image) as picture:
        return sum(picture.convert("L").histogram()[:128])
