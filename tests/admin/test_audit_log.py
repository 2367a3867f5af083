"""The audit log as a table of what changed, linked to the things changed, with partial filters."""

from __future__ import annotations

from grants.accounts import services as accounts
from grants.admin.audit_entries import readable
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in


def _rows(response) -> list[list]:
    return [row.find_all(["td", "th"]) for row in soup_of(response).select("tbody tr")]


def _texts(response) -> list[str]:
    return [" ".join(cell.get_text(" ", strip=True) for cell in row) for row in _rows(response)]


def test_each_entry_shows_only_the_fields_that_changed_as_before_and_after(client):
    admin = make_user(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    person = make_user(name="Pat Person")
    accounts.set_roles(admin, person, {Role.PROGRAMME_OFFICER, Role.PANEL_MEMBER})
    sign_in(client, admin)
    response = client.get("/admin/audit?action=roles_changed")
    [row] = _rows(response)
    when_and_who, what, changes = row
    assert when_and_who.get_text(" ", strip=True).endswith("Ada Admin ada@example.org")
    assert what.get_text(" ", strip=True) == f"user.roles_changed User {person.id}"
    assert what.find("a")["href"] == f"/admin/users/{person.id}"
    lines = [item.get_text(" ", strip=True) for item in changes.select("li")]
    # Nothing before: only the new values, not "(blank) →" for each.
    assert lines == [
        "Roles: Panel member, Programme officer",
        "Granted: Panel member, Programme officer",
    ]
    page = response.get_data(as_text=True)
    assert "None" not in page and "Pat Person" not in changes.get_text()  # unchanged: not shown

    accounts.set_roles(admin, person, {Role.PROGRAMME_OFFICER})
    newest = _rows(client.get("/admin/audit?action=roles_changed"))[0]
    assert [item.get_text(" ", strip=True) for item in newest[2].select("li")] == [
        "Roles: Panel member, Programme officer → changed to Programme officer",
        "Removed: Panel member",
    ]


def test_recorded_values_read_as_words():
    assert readable(None) == readable("") == readable([]) == readable({}) == "(blank)"
    assert readable(True) == "Yes" and readable(False) == "No"
    assert readable(["finance_officer", "admin"]) == "Finance officer, admin"
    assert readable({"full_name": "Pat", "notes": None}) == "full name: Pat; notes: (blank)"
    assert readable(150000, "budget_pence") == "£1,500"
    assert readable("2026-03-27T16:00:00+00:00") == "27 March 2026 at 4:00pm"
    assert readable("under_10k") == "Under 10k" and readable("Hindley Walkers") == "Hindley Walkers"


def test_objects_link_to_their_pages_where_the_reader_may_open_them(client):
    admin = make_user(Role.ADMIN)
    member = make_user()
    group = make_group(member, name="Hindley Walkers")
    sign_in(client, admin)
    response = client.get("/admin/audit")
    links = {
        cells[1].find("a").get_text(strip=True): cells[1].find("a") for cells in _rows(response)
    }
    assert links[f"Organisation {group.id}"]["href"] == f"/groups/{group.id}"
    assert links[f"User {member.id}"]["href"] == f"/admin/users/{member.id}"


def test_filters_match_part_of_the_text_in_any_case(client):
    admin = make_user(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    person = make_user(name="Pat Person")
    make_group(person)
    sign_in(client, admin)
    client.post(f"/admin/users/{person.id}", data={"roles": ["programme_officer"]})

    def actions(query: str) -> list[str]:
        rows = _rows(client.get(query))
        return sorted(cells[1].get_text(" ", strip=True).split()[0] for cells in rows)

    assert actions("/admin/audit?action=ROLES") == ["user.roles_changed"]
    assert actions("/admin/audit?object_type=organ") == ["organisation.created"]
    assert actions("/admin/audit?actor=ADA") == ["user.roles_changed"]
    assert actions("/admin/audit?actor=Pat+Pers") == ["organisation.created"]
    assert actions("/admin/audit?actor=example.org&action=user.") == ["user.roles_changed"]
    # What is typed is text, not a pattern: "_" and "%" match only themselves.
    assert actions("/admin/audit?action=user_roles") == []
    assert actions("/admin/audit?action=%25") == []
    assert actions("/admin/audit?action=roles_") == ["user.roles_changed"]


def test_odd_filters_are_answered_without_a_crash(client):
    sign_in(client, make_user(Role.ADMIN))
    for query in ({"action": "x" * 5000}, {"actor": "\\%_'\""}, {"object_type": "日本"}):
        response = client.get("/admin/audit", query_string=query)
        assert response.status_code == 200
    response = client.get("/admin/audit", query_string={"action": "x" * 5000})
    assert error_messages(response) == ["Action must be 80 characters or fewer"]


def test_a_page_of_mixed_entries_costs_the_same_queries_however_many_there_are(
    client, count_queries
):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    group = make_group(make_user())
    few = count_queries(lambda: client.get("/admin/audit"))
    for _ in range(30):
        person = make_user()
        make_group(person)
        accounts.grant_role(admin, person, Role.PANEL_MEMBER)
    assert count_queries(lambda: client.get("/admin/audit")) == few
    last_page = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert (
        f'href="/groups/{group.id}"' in last_page and f'href="/admin/users/{admin.id}"' in last_page
    )
