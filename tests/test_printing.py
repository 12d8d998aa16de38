"""The printing machinery every PDF goes through: offline, and honest when it cannot work."""

import sys
from contextlib import closing

import pytest

from ip4dialogue.printing import ExportUnavailable, html_to_pdf, offline_fetcher
from tests.pdfs import weasyprint_loaded  # noqa: F401 (a fixture)


def test_the_fetcher_reads_data_uris_and_refuses_every_other_url(weasyprint_loaded):  # noqa: F811
    fetcher = offline_fetcher()
    with closing(fetcher.fetch("data:text/plain,inline")) as response:
        assert response.read() == b"inline"
    for url in ("http://127.0.0.1:9/x.png", "https://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_without_weasyprint_nothing_prints_and_the_reason_is_given(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(ExportUnavailable, match="needs WeasyPrint and Pango"):
        html_to_pdf("<p>hello</p>")
