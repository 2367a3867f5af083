"""A test client that checks every HTML page it receives is well formed for assistive technology.

Every page must have a non-empty <title>, exactly one <h1>, and no duplicate ids; the checks run
on every response of every test, so a page type cannot slip through untested.
"""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup
from flask import g, has_app_context
from flask.testing import FlaskClient

from grants import transaction


class PageProblem(AssertionError):
    pass


def check_page(html: str, path: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    if not title:
        raise PageProblem(f"{path}: page has no <title>")
    headings = soup.find_all("h1")
    if len(headings) != 1:
        raise PageProblem(f"{path}: expected one <h1>, found {len(headings)}")
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = sorted(name for name, count in ids.items() if count > 1)
    if duplicates:
        raise PageProblem(f"{path}: duplicate ids {duplicates}")
    return soup


class CheckedClient(FlaskClient):
    def open(self, *args, **kwargs):
        # Tests hold an app context open, which requests reuse; forget the user Flask-Login cached
        # in ``g`` so each request loads its user afresh, as a real request would.
        # What the test set up before the request is committed first, as it would be had it been
        # made by earlier requests: the request's own transaction then commits or rolls back
        # only its own work.
        if has_app_context():
            g.pop("_login_user", None)
            transaction.commit()
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and not response.is_streamed:
            path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "?")
            check_page(response.get_data(as_text=True), path)
        return response


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_messages(response) -> list[str]:
    """The messages in the page's error summary, as a person would read them."""
    soup = soup_of(response)
    summary = soup.select(".govuk-error-summary__list li")
    return [item.get_text(" ", strip=True) for item in summary]
