"""Every POST form's id-like fields, sent values that cannot be ids: never a 500.

The forms are found, not listed: every GET page of the demo world is visited as each kind of
person, every form that posts is read from the page, and each field that carries an id (its name
ends in "id", or the values it offers are row numbers: a select, radios, checkboxes or a hidden
field holding digits) is sent in turn '²', '-1', '0', a number past the 64-bit range, nothing and
'abc', with the form's other fields as the page filled them. A new form is covered the day its
page appears.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests import page_walk
from tests.fuzz.harness import endpoint_of, post

NOT_IDS = ["²", "-1", "0", "99999999999999999999", "", "abc"]
_DIGITS = re.compile(r"[0-9]+")


def _form_fields(form) -> tuple[dict[str, list[str]], set[str]]:
    """The body a browser would send for this form as the page shows it, and its id-like fields."""
    body: dict[str, list[str]] = {}
    offered: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        kind = field.get("type", "text") if field.name == "input" else field.name
        if kind == "select":
            values = [option.get("value", option.get_text()) for option in field.find_all("option")]
            offered.setdefault(name, []).extend(values)
            chosen = field.find("option", selected=True) or field.find("option")
            body.setdefault(name, []).append(chosen.get("value", "") if chosen else "")
        elif kind in ("radio", "checkbox"):
            offered.setdefault(name, []).append(field.get("value", "on"))
            if field.has_attr("checked"):
                body.setdefault(name, []).append(field.get("value", "on"))
        elif kind == "submit":
            continue
        elif kind == "textarea":
            body.setdefault(name, []).append(field.get_text())
        else:
            body.setdefault(name, []).append(field.get("value", ""))
            if kind == "hidden":
                offered.setdefault(name, []).append(field.get("value", ""))
    id_like = {
        name
        for name, values in offered.items()
        if name.lower().endswith("id")
        or (
            any(_DIGITS.fullmatch(v) for v in values)
            and all(_DIGITS.fullmatch(v) or not v for v in values)
        )
    }
    id_like |= {name for name in body if name.lower().endswith("_id")}
    return body, id_like


def _posting_forms(html: str, page_url: str):
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        if form.get("method", "get").lower() != "post":
            continue
        action = urljoin(page_url, form.get("action") or page_url)
        yield urlsplit(action).path, *_form_fields(form)


@pytest.fixture
def demo_world(runner, reference_data, monkeypatch):
    import weasyprint

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    # PDFs hold no forms: drawing them would only slow the walk.
    monkeypatch.setattr(weasyprint, "HTML", page_walk.PdfHtml)


def test_every_forms_id_fields_refuse_what_is_not_an_id(app, demo_world):
    rules = page_walk.get_routes(app)
    assert page_walk.unfillable(rules) == []
    clients = page_walk.signed_in_clients(app)
    del clients["anonymous"]  # posting needs someone signed in
    # One form per (where it posts, which id fields), with the first person shown it, found
    # before any is sent, so the posts (which may change the data) do not change which are tried.
    forms: dict[tuple, tuple] = {}
    for rule in rules:
        for url in page_walk.urls_of(app, rule):
            for who, client in clients.items():
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    response.close()
                    continue
                for action, body, id_like in _posting_forms(response.get_data(as_text=True), url):
                    endpoint = endpoint_of("POST", action)
                    if id_like and endpoint:
                        forms.setdefault((endpoint, frozenset(id_like)), (who, action, body))
    tried = set()
    for (endpoint, id_like), (who, action, body) in forms.items():
        for name in sorted(id_like):
            for value in NOT_IDS:
                post(clients[who], action, {**body, name: value})
                tried.add((endpoint, name))
    endpoints = {endpoint for endpoint, _ in tried}
    # The forms the issue names are among them, found without being listed.
    assert {"scoring.register", "meetings.attendance"} <= endpoints, endpoints
    assert len(endpoints) >= 15, sorted(endpoints)
