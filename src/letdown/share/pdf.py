"""The report as a PDF, made on the server by WeasyPrint from the same template as the page.
Only the app's own stylesheet is read (from the static files, never over the network)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class PdfUnavailable(Exception):
    """WeasyPrint cannot draw here: Debian's Pango is not installed on the server."""


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    # Nothing is fetched while printing: no request leaves the server.
    raise ValueError(f"not fetched: {url}")


PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def report_pdf(context: dict[str, object], paper: str = "a4") -> bytes:
    # Imported here: without Pango the rest of letdown still runs, only the PDF is missing.
    try:
        from weasyprint import CSS, HTML
    except (OSError, ImportError) as exc:  # Pango's libraries missing, or WeasyPrint itself
        raise PdfUnavailable(str(exc)) from exc
    html = render_to_string("share/report_print.html", context)
    stylesheet = finders.find("letdown/report.css")
    assert stylesheet is not None, "report.css ships with the app"
    document = HTML(string=html, url_fetcher=_no_fetch, base_url="/")
    page = CSS(string=f"@page {{ size: {PAGE_SIZES[paper]}; }}")
    return document.write_pdf(  # type: ignore[no-any-return]
        stylesheets=[CSS(filename=str(stylesheet)), page]
    )
