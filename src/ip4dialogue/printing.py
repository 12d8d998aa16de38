"""HTML to PDF, for every printed file (the outcomes report, the briefing book, badges).

WeasyPrint is imported on first use, because it loads Pango, which a server must not need
just to start; without it a file says why it cannot be made (`ExportUnavailable`). It fetches
nothing but data: URIs, so no text in a document can make the server send a request or read
a file. Fonts are the system's (fontconfig): Noto Sans CJK for Japanese and Korean, chosen by
the `lang` of the text.
"""

from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import URLFetcher

PDF_MIMETYPE = "application/pdf"


class ExportUnavailable(RuntimeError):
    """The export cannot be made on this server, for the reason given."""


def _weasyprint() -> ModuleType:
    """WeasyPrint, imported when first needed, or why it cannot be."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise ExportUnavailable(
            f"the PDF export needs WeasyPrint and Pango (Debian: libpango-1.0-0 "
            f"libpangoft2-1.0-0), which could not be loaded: {error}"
        ) from error
    return weasyprint


def offline_fetcher() -> "URLFetcher":
    """WeasyPrint's fetcher, allowed data: URIs only: no http(s), no file, no redirect."""
    return _weasyprint().URLFetcher(allowed_protocols=("data",), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """A self-contained HTML document (its CSS inline) as a PDF, fetching nothing."""
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=offline_fetcher()).write_pdf()
