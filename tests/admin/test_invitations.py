"""Pending staff and panel invitations: listed, sent again with a new link, revoked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants import transaction
from grants.accounts import services as accounts
from grants.accounts import staff_invitations
from grants.accounts.models import Invitation
from grants.audit import AuditEvent
from grants.clock import as_aware, utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import PASSWORD, make_user, sign_in


def _invite(admin, email="new.officer@example.org"):
    """An invitation and the token its email carries."""
    tokens = []
    invitation = staff_invitations.invite(
        admin, email=email, role=Role.PROGRAMME_OFFICER, link_for=lambda t: tokens.append(t) or t
    )
    return invitation, tokens[0]


def _emailed_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+)", message.body)[1]


def _actions(invitation) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(
                AuditEvent.object_type == "Invitation", AuditEvent.object_id == str(invitation.id)
            )
            .order_by(AuditEvent.id)
        )
    )


def test_the_list_shows_only_pending_invitations_with_their_state(client):
    admin = make_user(Role.ADMIN)
    _invite(admin, "waiting@example.org")
    expired, _ = _invite(admin, "expired@example.org")
    expired.expires_at = utcnow() - timedelta(days=1)
    _, accepted_token = _invite(admin, "joined@example.org")
    staff_invitations.accept_invitation(accepted_token, full_name="Jo Joined", password=PASSWORD)
    revoked, _ = _invite(admin, "revoked@example.org")
    staff_invitations.revoke_invitation(admin, revoked)
    sign_in(client, admin)
    soup = soup_of(client.get("/admin/invitations"))
    rows = [row.get_text(" ", strip=True) for row in soup.select("tbody tr")]
    assert len(rows) == 2
    assert "expired@example.org" in rows[0] and "Expired" in rows[0]
    assert "waiting@example.org" in rows[1] and "Until" in rows[1]
    assert "2 pending invitations" in soup.get_text()
    assert soup.find("a", string="Pending invitations")["href"] == "/admin/invitations"


def test_with_none_pending_the_list_says_so_instead_of_an_empty_table(client):
    sign_in(client, make_user(Role.ADMIN))
    soup = soup_of(client.get("/admin/invitations"))
    assert soup.select("table") == []
    assert "There are no pending invitations" in soup.get_text()


def test_sending_again_gives_a_new_link_and_expiry_and_the_old_link_stops_working(client, outbox):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    client.post(
        "/admin/users/invite", data={"email": "new.officer@example.org", "role": "panel_member"}
    )
    old_link = _emailed_path(outbox[0])
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(days=1)  # even an expired one can go again
    response = client.post(f"/admin/invitations/{invitation.id}/resend")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/invitations"
    assert len(outbox) == 2 and outbox[1].to == ["new.officer@example.org"]
    new_link = _emailed_path(outbox[1])
    assert new_link != old_link
    db.session.refresh(invitation)
    assert invitation.is_live and as_aware(invitation.expires_at) > utcnow() + timedelta(days=1)
    assert _actions(invitation) == ["invitation.created", "invitation.resent"]
    client.post("/sign-out")
    assert "expired or has already been used" in client.get(old_link).get_data(as_text=True)
    response = client.post(
        new_link, data={"full_name": "Nia New", "password": PASSWORD, "confirm_password": PASSWORD}
    )
    assert response.status_code == 302
    assert set(accounts.find_by_email("new.officer@example.org").roles) == {Role.PANEL_MEMBER}


def test_a_revoked_invitation_link_stops_working_and_the_revocation_is_audited(client):
    admin = make_user(Role.ADMIN)
    invitation, token = _invite(admin)
    sign_in(client, admin)
    response = client.post(f"/admin/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert "There are no pending invitations" in client.get("/admin/invitations").get_data(
        as_text=True
    )
    assert _actions(invitation) == ["invitation.created", "invitation.revoked"]
    client.post("/sign-out")
    assert "expired or has already been used" in client.get(f"/invitations/{token}").get_data(
        as_text=True
    )
    with pytest.raises(DomainError):
        staff_invitations.accept_invitation(token, full_name="Too Late", password=PASSWORD)


def test_an_accepted_invitation_cannot_be_revoked_or_sent_again(client, outbox):
    admin = make_user(Role.ADMIN)
    invitation, token = _invite(admin)
    staff_invitations.accept_invitation(token, full_name="Nia New", password=PASSWORD)
    transaction.commit()
    outbox.clear()
    sign_in(client, admin)
    for action in ("revoke", "resend"):
        response = client.post(
            f"/admin/invitations/{invitation.id}/{action}", follow_redirects=True
        )
        assert "already been accepted or revoked" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.revoked_at is None and outbox == []
    assert _actions(invitation) == ["invitation.created", "invitation.accepted"]


def test_a_revoked_invitation_cannot_be_sent_again_or_revoked_twice(client, outbox):
    admin = make_user(Role.ADMIN)
    invitation, token = _invite(admin)
    staff_invitations.revoke_invitation(admin, invitation)
    transaction.commit()
    outbox.clear()
    with pytest.raises(DomainError, match="already been accepted or revoked"):
        staff_invitations.resend_invitation(admin, invitation, link_for=str)
    with pytest.raises(DomainError, match="already been accepted or revoked"):
        staff_invitations.revoke_invitation(admin, invitation)
    transaction.commit()
    assert outbox == [] and staff_invitations.open_invitation(token) is None


def test_sent_again_to_an_address_that_now_has_an_account_it_offers_the_role(client, outbox):
    """The account is never changed by the admin: its owner is asked to accept the role."""
    admin = make_user(Role.ADMIN)
    invitation, _ = _invite(admin, "pat@example.org")
    pat = make_user(email="pat@example.org")
    transaction.commit()
    outbox.clear()
    sign_in(client, admin)
    client.post(f"/admin/invitations/{invitation.id}/resend", follow_redirects=True)
    (message,) = outbox
    assert message.to == ["pat@example.org"]
    assert message.subject.startswith("You have been offered a new role")
    db.session.expire_all()
    assert pat.roles == set()


def test_unknown_invitations_are_404(client):
    sign_in(client, make_user(Role.ADMIN))
    for invitation_id in ("999999", "99999999999999999999"):
        for action in ("resend", "revoke"):
            assert client.post(f"/admin/invitations/{invitation_id}/{action}").status_code == 404
