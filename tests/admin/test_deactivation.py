"""Deactivating a person: they cannot sign in or stay signed in; their records stay."""

from __future__ import annotations

import pytest

from grants import transaction
from grants.accounts import services as accounts
from grants.audit import AuditEvent
from grants.errors import NotAllowed
from grants.extensions import db
from grants.organisations import services as organisations
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import PASSWORD, make_group, make_user, sign_in


def _audit(user) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id))
            .where(AuditEvent.action.in_(["user.deactivated", "user.reactivated"]))
            .order_by(AuditEvent.id)
        )
    )


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in_but_their_records_stay(app, client):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.PANEL_MEMBER, email="pat@example.org", name="Pat Person")
    group = make_group(person, name="Hindley Walkers")
    theirs = app.test_client()
    sign_in(theirs, person)
    assert theirs.get("/account").status_code == 200
    sign_in(client, admin)
    page = soup_of(client.get(f"/admin/users/{person.id}"))
    button = page.select_one(f"a[href='/admin/users/{person.id}/deactivate']")
    assert button.get_text(strip=True) == "Deactivate account"
    response = client.post(f"/admin/users/{person.id}/deactivate", data={"reason": "Moved away"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{person.id}"
    assert person.is_active_account is False
    assert theirs.get("/account").status_code == 302  # their open session has ended
    response = theirs.post("/sign-in", data={"email": "pat@example.org", "password": PASSWORD})
    assert response.status_code != 302
    assert theirs.get("/account").status_code == 302
    assert set(person.roles) == {Role.PANEL_MEMBER}
    assert person in organisations.members_of(group)
    [event] = _audit(person)
    assert event.actor_id == admin.id
    assert event.before["active"] is True and event.after["active"] is False
    assert event.after["reason"] == "Moved away"
    shown = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Deactivated: they cannot sign in" in shown and "Reactivate account" in shown
    assert "(deactivated)" in client.get("/admin/users").get_data(as_text=True)


def test_a_reason_is_needed_to_deactivate(client):
    admin = make_user(Role.ADMIN)
    person = make_user()
    sign_in(client, admin)
    response = client.post(f"/admin/users/{person.id}/deactivate", data={"reason": "   "})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter why you are deactivating this account"]
    assert person.is_active_account is True


def test_nobody_deactivates_themselves(client):
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN)
    sign_in(client, admin)
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "You cannot deactivate your own account" in page
    response = client.post(f"/admin/users/{admin.id}/deactivate", data={"reason": "Testing"})
    assert response.status_code == 200
    assert any("your own account" in message for message in error_messages(response))
    db.session.refresh(admin)
    assert admin.is_active_account is True and _audit(admin) == []


def test_the_last_active_admin_is_never_deactivated():
    admin = make_user(Role.ADMIN)
    other_admin = make_user(Role.ADMIN)
    accounts.deactivate_user(admin, other_admin, reason="Left")
    with pytest.raises(NotAllowed, match="last admin"):
        accounts.deactivate_user(other_admin, admin, reason="Left")
    assert admin.is_active_account is True


def test_reactivating_lets_them_sign_in_again_with_their_roles(client):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.FINANCE_OFFICER, email="pat@example.org")
    accounts.deactivate_user(admin, person, reason="On leave")
    sign_in(client, admin)
    response = client.post(f"/admin/users/{person.id}/reactivate")
    assert response.status_code == 302
    assert person.is_active_account is True
    assert [event.action for event in _audit(person)] == ["user.deactivated", "user.reactivated"]
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": "pat@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_deactivating_or_reactivating_twice_is_explained_and_changes_nothing(client):
    admin = make_user(Role.ADMIN)
    person = make_user()
    sign_in(client, admin)
    page = client.post(f"/admin/users/{person.id}/reactivate", follow_redirects=True)
    assert "already active" in page.get_data(as_text=True)
    accounts.deactivate_user(admin, person, reason="Left")
    transaction.commit()
    response = client.post(f"/admin/users/{person.id}/deactivate", data={"reason": "Again"})
    assert any("already deactivated" in message for message in error_messages(response))
    assert len(_audit(person)) == 1


def test_unknown_people_are_404(client):
    sign_in(client, make_user(Role.ADMIN))
    for user_id in ("999999", "99999999999999999999"):
        assert client.get(f"/admin/users/{user_id}/deactivate").status_code == 404
        assert client.post(f"/admin/users/{user_id}/reactivate").status_code == 404
