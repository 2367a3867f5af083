"""The admin actions that change things, tried by people who must not use them."""

from __future__ import annotations

import pytest

from grants import transaction
from grants.accounts import services as accounts
from grants.accounts import staff_invitations
from grants.errors import NotAllowed
from grants.permissions import Role
from tests.factories import make_user, sign_in


@pytest.fixture
def targets():
    """A pending invitation and a person, each a target for every admin action."""
    admin = make_user(Role.ADMIN)
    invitation = staff_invitations.invite(
        admin, email="new@example.org", role=Role.ADMIN, link_for=lambda token: token
    )
    person = make_user()
    return admin, invitation, person


def _posts(invitation, person) -> dict[str, dict]:
    return {
        f"/admin/invitations/{invitation.id}/resend": {},
        f"/admin/invitations/{invitation.id}/revoke": {},
        f"/admin/users/{person.id}/deactivate": {"reason": "Because I can"},
        f"/admin/users/{person.id}/reactivate": {},
    }


@pytest.mark.parametrize(
    "roles", [(), (Role.PROGRAMME_OFFICER,), (Role.FINANCE_OFFICER, Role.PANEL_MEMBER)], ids=str
)
def test_only_admins_may_resend_revoke_deactivate_or_reactivate(client, targets, outbox, roles):
    _, invitation, person = targets
    intruder = make_user(*roles)
    transaction.commit()
    outbox.clear()
    sign_in(client, intruder)
    for path, data in _posts(invitation, person).items():
        assert client.post(path, data=data).status_code == 403, path
    assert client.get(f"/admin/users/{person.id}/deactivate").status_code == 403
    assert client.get("/admin/invitations").status_code == 403
    assert invitation.is_live and person.is_active_account and outbox == []


def test_signed_out_people_are_sent_to_sign_in(client, targets):
    _, invitation, person = targets
    for path, data in _posts(invitation, person).items():
        response = client.post(path, data=data)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert invitation.is_live and person.is_active_account


def test_every_admin_action_needs_the_form_token(app, client, targets, outbox):
    admin, invitation, person = targets
    transaction.commit()
    outbox.clear()
    sign_in(client, admin)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path, data in _posts(invitation, person).items():
            assert client.post(path, data=data).status_code == 400, path
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert invitation.is_live and person.is_active_account and outbox == []


def test_the_services_refuse_anyone_who_does_not_manage_people(targets):
    _, invitation, person = targets
    officer = make_user(Role.PROGRAMME_OFFICER)
    for action in (
        lambda: staff_invitations.resend_invitation(officer, invitation, link_for=str),
        lambda: staff_invitations.revoke_invitation(officer, invitation),
        lambda: accounts.deactivate_user(officer, person, reason="No"),
        lambda: accounts.reactivate_user(officer, person),
    ):
        with pytest.raises(NotAllowed):
            action()
    assert invitation.is_live and person.is_active_account
