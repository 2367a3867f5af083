"""Admin pages: people and roles, invitations, the audit log."""

from __future__ import annotations

from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in


def test_people_list_and_role_change(client):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    person = make_user(name="Pat Person")
    sign_in(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Ada Admin" in page and "Pat Person" in page
    response = client.post(
        f"/admin/users/{person.id}/role",
        data={"role": "panel_member", "representing": "Young person"},
    )
    assert response.status_code == 302
    assert "Panel member – Young person" in client.get("/admin/users").get_data(as_text=True)


def test_last_admin_sees_why_they_cannot_step_down(client):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "applicant"})
    assert response.status_code == 200
    assert any("last admin" in message for message in error_messages(response))


def test_bad_role_values_are_refused_without_a_crash(client):
    admin = make_user(Role.ADMIN)
    person = make_user()
    sign_in(client, admin)
    for role in ("", "superuser", "x" * 5000):
        response = client.post(f"/admin/users/{person.id}/role", data={"role": role})
        assert response.status_code == 200
        assert error_messages(response)


def test_unknown_user_is_404(client):
    sign_in(client, make_user(Role.ADMIN))
    assert client.get("/admin/users/999999/role").status_code == 404


def test_invite_form_errors_keep_what_was_typed(client):
    sign_in(client, make_user(Role.ADMIN))
    response = client.post("/admin/users/invite", data={"email": "new@example.org"})
    assert response.status_code == 200
    assert "Select a role" in error_messages(response)
    assert soup_of(response).find("input", {"name": "email"})["value"] == "new@example.org"


def test_inviting_an_existing_person_is_explained(client, outbox):
    sign_in(client, make_user(Role.ADMIN))
    existing = make_user()
    response = client.post(
        "/admin/users/invite", data={"email": existing.email, "role": "panel_member"}
    )
    assert any("already exists" in message for message in error_messages(response))
    assert outbox == []


def test_audit_log_lists_and_filters_changes(client):
    admin = make_user(Role.ADMIN, email="ada@example.org")
    person = make_user()
    sign_in(client, admin)
    client.post(f"/admin/users/{person.id}/role", data={"role": "finance_officer"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.role_changed" in page and "user.created" in page
    filtered = client.get("/admin/audit?action=user.role_changed").get_data(as_text=True)
    assert "user.role_changed" in filtered and "user.created" not in filtered
    by_actor = client.get("/admin/audit?actor=ada@example.org").get_data(as_text=True)
    assert "user.role_changed" in by_actor and "user.created" not in by_actor
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
