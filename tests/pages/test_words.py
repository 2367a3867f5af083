"""Words on pages: a value that is missing never shows as "None".

The demo data (every application status, groups with and without optional details) is walked as
each kind of person would walk it, following links from the home page, so pages added later are
covered without listing them here.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from grants import demo
from grants.accounts.models import User
from grants.extensions import db
from tests.checks import soup_of
from tests.factories import sign_in

# A path's shape: ids and references become one placeholder, so each page type is visited a few
# times rather than once per application.
_ID = re.compile(r"\d+|[A-Z]{2,}-\d{4}-\d+")
_SKIPPED = re.compile(r"/(sign-out|logout)|\.(pdf|csv|json|geojson|zip)$|/download|/export|/files/")
_NONE = re.compile(r"(?<![\w-])None(?![\w-])")
PAGES_PER_PERSON = 200
VISITS_PER_SHAPE = 4


def _links(response) -> list[str]:
    soup = soup_of(response)
    found = []
    for anchor in soup.select("main a[href], header a[href], nav a[href]"):
        parts = urlsplit(anchor["href"])
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not _SKIPPED.search(parts.path):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def walk(client, start: list[str]) -> dict[str, str]:
    """Every page reachable from ``start`` (a few of each shape): path -> visible text."""
    queue, seen, shapes, texts = list(start), set(), Counter(), {}
    while queue and len(texts) < PAGES_PER_PERSON:
        path = queue.pop(0)
        shape = _ID.sub("N", path.split("?")[0])
        if path in seen or shapes[shape] >= VISITS_PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape] += 1
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()  # a download's file
            continue
        soup = soup_of(response)
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        texts[path] = soup.get_text(" ", strip=True)
        queue.extend(_links(response))
    return texts


@pytest.fixture
def demo_data(reference_data):
    list(demo.seed())


@pytest.mark.parametrize(
    "email",
    ["officer@example.org", "applicant@example.org", "finance@example.org", "panel1@example.org"],
)
def test_no_page_says_none_where_a_value_is_missing(client, demo_data, email):
    sign_in(client, db.session.scalar(select(User).where(User.email == email)))
    texts = walk(client, ["/", "/funds/", "/screening/", "/admin/", "/organisations/"])
    assert len(texts) > 5
    saying_none = {path: _NONE.findall(text) for path, text in texts.items() if _NONE.search(text)}
    assert not saying_none, sorted(saying_none)


def test_a_missing_value_in_a_template_is_blank_not_none(app):
    assert app.jinja_env.from_string("[{{ nothing }}]").render(nothing=None) == "[]"
