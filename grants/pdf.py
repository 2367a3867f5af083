"""PDFs drawn by WeasyPrint from ordinary Jinja templates.

Rendering the HTML and turning it into a PDF are separate steps, so tests (and anyone debugging a
layout) can read exactly what went onto the page. WeasyPrint is allowed to fetch nothing: a
template that pointed at a remote image or a file on disk must never make the server fetch it, so
only data: URIs are let through and the print stylesheet is inline in templates/pdf/base.html.
"""

from __future__ import annotations

import io

from flask import Response, render_template, send_file


def offline_fetcher():
    """A fetcher that refuses every URL except inline data: URIs."""
    # Imported here so the rest of the service runs even where Pango (which WeasyPrint needs) is
    # missing; only PDF pages then fail.
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf_html(template: str, **context) -> str:
    return render_template(template, **context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=offline_fetcher()).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_pdf_html(template, **context))


def pdf_response(pdf: bytes, filename: str, *, private: bool) -> Response:
    """Serve a PDF for the browser to show. Private ones (an application) are never cached, so a
    shared computer's browser does not keep a copy after someone signs out."""
    response = send_file(
        io.BytesIO(pdf), mimetype="application/pdf", download_name=filename, as_attachment=False
    )
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response
