"""Finding a person by part of their name or email address."""

from __future__ import annotations

import pytest

from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in


def _names(response) -> list[str]:
    return [row.find("td").get_text(strip=True) for row in soup_of(response).select("tbody tr")]


def test_people_are_found_by_part_of_their_name_or_email_in_any_case(client):
    sign_in(client, make_user(Role.ADMIN, name="Ada Admin", email="ada@council.example"))
    make_user(name="Pat Smith", email="pat@example.org")
    make_user(name="Sam Jones", email="SMITHY@example.org".lower())
    make_user(name="Jo Bloggs", email="jo@example.org")
    response = client.get("/admin/users?q=SMIT")
    assert _names(response) == ["Pat Smith", "Sam Jones"]
    soup = soup_of(response)
    assert soup.find("input", {"name": "q"})["value"] == "SMIT"
    assert "2 people matching “SMIT”" in soup.get_text()
    assert _names(client.get("/admin/users?q=council.EXAMPLE")) == ["Ada Admin"]
    assert len(_names(client.get("/admin/users?q=+"))) == 4  # blank: everyone


def test_wildcards_typed_in_a_search_are_plain_text(client):
    sign_in(client, make_user(Role.ADMIN, name="Ada Admin"))
    make_user(name="Ann_Lee")
    make_user(name="AnnXLee")
    make_user(name="100% Club")
    make_user(name="1000 Club")
    assert _names(client.get("/admin/users?q=n_l")) == ["Ann_Lee"]
    assert _names(client.get("/admin/users?q=100%25")) == ["100% Club"]
    assert _names(client.get("/admin/users?q=%25")) == ["100% Club"]


def test_search_results_are_paginated_and_keep_the_search(app, client):
    sign_in(client, make_user(Role.ADMIN))
    for number in range(app.config["PAGE_SIZE"] + 1):
        make_user(name=f"Walker {number:03}")
    first = soup_of(client.get("/admin/users?q=walker"))
    assert len(first.select("tbody tr")) == app.config["PAGE_SIZE"]
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "q=walker" in next_link and "page=2" in next_link
    assert _names(client.get(next_link)) == [f"Walker {app.config['PAGE_SIZE']:03}"]


@pytest.mark.parametrize(
    "query", ["x" * 5000, "'; DROP TABLE user; --", "\\", "%_%", "\u202eevil", "日本語", "😀"]
)
def test_odd_searches_are_answered_without_a_crash(client, query):
    sign_in(client, make_user(Role.ADMIN))
    response = client.get("/admin/users", query_string={"q": query})
    assert response.status_code == 200
    kept = soup_of(response).find("input", {"name": "q"})["value"]
    assert kept == query.replace("\u202e", "")  # reversing controls are dropped on the way in
    if len(query) > 100:
        assert error_messages(response) == ["Search must be 100 characters or fewer"]
