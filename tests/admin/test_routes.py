"""Admin pages: people and roles, invitations, the audit log."""

from __future__ import annotations

from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in


def test_people_list_and_granting_combined_roles(client):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    person = make_user(name="Pat Person")
    sign_in(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Ada Admin" in page and "Pat Person" in page and "No roles" in page
    response = client.post(
        f"/admin/users/{person.id}",
        data={"roles": ["panel_member", "programme_officer"], "representing": "Young person"},
    )
    assert response.status_code == 302
    listed = client.get("/admin/users").get_data(as_text=True)
    assert "Panel member, Programme officer – Young person" in listed
    assert set(person.roles) == {Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER}


def test_the_person_page_ticks_the_roles_they_hold_and_lists_their_groups(client):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER, name="Pat Person")
    make_group(person, name="Hindley Walkers")
    sign_in(client, admin)
    soup = soup_of(client.get(f"/admin/users/{person.id}"))
    ticked = {box["value"] for box in soup.select("input[name=roles][checked]")}
    assert ticked == {"panel_member", "programme_officer"}
    assert len(soup.select("input[type=checkbox][name=roles]")) == len(Role)
    assert "Hindley Walkers" in soup.get_text()


def test_removing_every_role_leaves_a_group_member(client):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.PANEL_MEMBER)
    group = make_group(person)
    sign_in(client, admin)
    response = client.post(f"/admin/users/{person.id}", data={"representing": ""})
    assert response.status_code == 302
    assert set(person.roles) == set()
    client.post("/sign-out")
    sign_in(client, person)
    assert client.get(f"/groups/{group.id}").status_code == 200


def test_a_change_of_roles_signs_the_person_out_everywhere(app, client):
    admin = make_user(Role.ADMIN)
    person = make_user()
    theirs = app.test_client()
    sign_in(theirs, person)
    assert theirs.get("/account").status_code == 200
    sign_in(client, admin)
    client.post(f"/admin/users/{person.id}", data={"roles": ["programme_officer"]})
    assert theirs.get("/account").status_code == 302  # signed out; they sign in again


def test_last_admin_sees_why_they_cannot_step_down(client):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["panel_member"]})
    assert response.status_code == 200
    assert any("last admin" in message for message in error_messages(response))
    assert set(admin.roles) == {Role.ADMIN}


def test_bad_role_values_are_refused_without_a_crash(client):
    admin = make_user(Role.ADMIN)
    person = make_user()
    sign_in(client, admin)
    for role in ("superuser", "applicant", "x" * 5000):
        response = client.post(f"/admin/users/{person.id}", data={"roles": role})
        assert response.status_code == 200
        assert "Select roles from the list" in error_messages(response)
    assert set(person.roles) == set()


def test_unknown_user_is_404(client):
    sign_in(client, make_user(Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999", data={"roles": "admin"}).status_code == 404


def test_invite_form_errors_keep_what_was_typed(client):
    sign_in(client, make_user(Role.ADMIN))
    response = client.post("/admin/users/invite", data={"email": "new@example.org"})
    assert response.status_code == 200
    assert "Select a role" in error_messages(response)
    assert soup_of(response).find("input", {"name": "email"})["value"] == "new@example.org"


def test_inviting_an_existing_person_asks_them_and_changes_nothing(client, outbox):
    sign_in(client, make_user(Role.ADMIN))
    existing = make_user()
    response = client.post(
        "/admin/users/invite", data={"email": existing.email, "role": "panel_member"}
    )
    assert response.status_code == 302
    assert set(existing.roles) == set()  # the owner accepts, signed in as themselves
    assert [message.to for message in outbox] == [[existing.email]]


def test_audit_log_lists_and_filters_changes(client):
    admin = make_user(Role.ADMIN, email="ada@example.org")
    person = make_user()
    sign_in(client, admin)
    client.post(f"/admin/users/{person.id}", data={"roles": ["programme_officer"]})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.roles_changed" in page and "user.created" in page
    filtered = client.get("/admin/audit?action=user.roles_changed").get_data(as_text=True)
    assert "user.roles_changed" in filtered and "user.created" not in filtered
    by_actor = client.get("/admin/audit?actor=ada@example.org").get_data(as_text=True)
    assert "user.roles_changed" in by_actor and "user.created" not in by_actor
    nobody = client.get("/admin/audit?actor=nobody@example.org").get_data(as_text=True)
    assert "0 entries" in nobody


def test_audit_log_paginates_with_a_constant_number_of_queries(app, client, count_queries):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    few = count_queries(lambda: client.get("/admin/audit"))
    for _ in range(60):
        make_user()
    many = count_queries(lambda: client.get("/admin/audit"))
    assert few == many
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "page=2" in page


def test_the_people_list_makes_the_same_number_of_queries_whatever_the_number_of_people(
    client, count_queries
):
    sign_in(client, make_user(Role.ADMIN))
    few = count_queries(lambda: client.get("/admin/users"))
    for number in range(30):
        make_user(Role.PANEL_MEMBER, Role.FINANCE_OFFICER) if number % 2 else make_user()
    assert count_queries(lambda: client.get("/admin/users")) == few
