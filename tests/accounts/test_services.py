"""Account rules: registration, sign-in, password resets, invitations and roles."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.accounts import services, staff_invitations
from grants.accounts.models import Invitation, User
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Role
from tests.factories import PASSWORD, make_user


def _link(captured: list):
    def link_for(token: str) -> str:
        captured.append(token)
        return f"http://localhost/link/{token}"

    return link_for


def test_registration_stores_an_argon2_hash_never_the_password(caplog):
    caplog.set_level(logging.DEBUG)
    user = services.register_applicant(
        email=" New@Example.org ", full_name="New Person", password=PASSWORD, link_for=_link([])
    )
    assert user.email == "new@example.org"
    assert set(user.roles) == set()  # anyone may register; roles come only from an admin
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "12 characters or more"),
        ("password1234", "too easy to guess"),
        ("qwertyuiop123", "too easy to guess"),
        ("new@example.org1", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(DomainError, match=message) as raised:
        services.register_applicant(
            email="new@example.org", full_name="New Person", password=password, link_for=_link([])
        )
    assert raised.value.field == "password"


def test_an_email_address_has_one_account_and_its_owner_hears_of_another_attempt(outbox):
    owner = make_user(email="taken@example.org")
    tokens: list[str] = []
    made = services.register_applicant(
        email="TAKEN@example.org", full_name="X Y", password=PASSWORD, link_for=_link(tokens)
    )
    transaction.commit()
    assert made is None and tokens == []
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert [message.to for message in outbox] == [[owner.email]]
    assert "Someone tried to create" in outbox[0].subject
    assert "http://localhost/password-reset" in outbox[0].body


def test_authenticate_checks_password_and_refuses_inactive_accounts():
    user = make_user(email="a@example.org")
    assert services.authenticate("A@example.org", PASSWORD) == user
    assert services.authenticate("a@example.org", "wrong password here") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    user.is_active_account = False
    db.session.commit()
    assert services.authenticate("a@example.org", PASSWORD) is None


def test_password_reset_link_works_once_and_proves_the_address(outbox):
    user = make_user(confirmed=False)
    tokens: list[str] = []
    services.request_password_reset(user.email, _link(tokens))
    transaction.commit()
    assert len(outbox) == 1 and outbox[0].to == [user.email]
    assert tokens[0] in outbox[0].body
    old_session = user.get_id()

    services.reset_password(tokens[0], "a brand new passphrase")
    assert services.authenticate(user.email, "a brand new passphrase") == user
    assert user.get_id() != old_session  # other sessions are signed out
    assert user.email_confirmed  # the link was emailed to them
    with pytest.raises(DomainError, match="already been used"):
        services.reset_password(tokens[0], "another new passphrase")


def test_password_reset_link_expires(app, outbox):
    user = make_user()
    tokens: list[str] = []
    services.request_password_reset(user.email, _link(tokens))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        assert services.user_for_reset_token(tokens[0]) is None
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600


def test_password_reset_for_unknown_email_sends_nothing(outbox):
    services.request_password_reset("nobody@example.org", _link([]))
    assert outbox == []


def test_tampered_reset_tokens_are_refused():
    assert services.user_for_reset_token("not-a-token") is None


def test_admin_invitation_creates_an_account_with_the_role(outbox):
    admin = make_user(Role.ADMIN)
    tokens: list[str] = []
    staff_invitations.invite(
        admin, email="Panel@Example.org", role=Role.PANEL_MEMBER, link_for=_link(tokens)
    )
    transaction.commit()
    assert outbox[0].to == ["panel@example.org"]
    user = staff_invitations.accept_invitation(tokens[0], full_name="Pat Panel", password=PASSWORD)
    assert set(user.roles) == {Role.PANEL_MEMBER} and user.email == "panel@example.org"
    assert user.email_confirmed  # the link went to that mailbox
    with pytest.raises(DomainError, match="already been used"):
        staff_invitations.accept_invitation(tokens[0], full_name="Pat Panel", password=PASSWORD)


def test_expired_invitation_cannot_be_used(outbox):
    admin = make_user(Role.ADMIN)
    tokens: list[str] = []
    invitation = staff_invitations.invite(
        admin, email="late@example.org", role=Role.PROGRAMME_OFFICER, link_for=_link(tokens)
    )
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert staff_invitations.open_invitation(tokens[0]) is None


def test_only_a_hash_of_the_invitation_token_is_stored(outbox):
    admin = make_user(Role.ADMIN)
    tokens: list[str] = []
    staff_invitations.invite(
        admin, email="x@example.org", role=Role.PANEL_MEMBER, link_for=_link(tokens)
    )
    stored = db.session.scalar(select(Invitation.token_hash))
    assert tokens[0] not in stored


def test_an_invitation_from_before_roles_combined_makes_an_account_with_no_role(outbox):
    """Old "applicant" invitations were migrated to an empty role: they still work."""
    admin = make_user(Role.ADMIN)
    tokens: list[str] = []
    invitation = staff_invitations.invite(
        admin, email="old@example.org", role=Role.PANEL_MEMBER, link_for=_link(tokens)
    )
    invitation.role = None
    db.session.flush()
    user = staff_invitations.accept_invitation(tokens[0], full_name="Old Invite", password=PASSWORD)
    assert set(user.roles) == set()


def test_roles_combine_and_each_can_be_granted_and_removed(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_PERSON_ROLE_GRANTS", False)  # tests/admin/test_role_grants
    admin = make_user(Role.ADMIN)
    user = make_user(Role.PANEL_MEMBER)
    services.set_roles(admin, user, {Role.PANEL_MEMBER, Role.FINANCE_OFFICER})
    assert set(user.roles) == {Role.PANEL_MEMBER, Role.FINANCE_OFFICER}
    services.remove_role(admin, user, Role.PANEL_MEMBER)
    services.grant_role(admin, user, Role.PROGRAMME_OFFICER)
    db.session.expire_all()
    assert set(user.roles) == {Role.FINANCE_OFFICER, Role.PROGRAMME_OFFICER}
    services.set_roles(admin, user, set())
    db.session.expire_all()
    assert set(user.roles) == set()


def test_the_last_admin_cannot_remove_themselves():
    admin = make_user(Role.ADMIN, Role.PROGRAMME_OFFICER)
    with pytest.raises(NotAllowed, match="last admin"):
        services.set_roles(admin, admin, {Role.PROGRAMME_OFFICER})
    assert Role.ADMIN in admin.roles
    second = make_user(Role.ADMIN)
    services.set_roles(second, admin, {Role.PROGRAMME_OFFICER})
    assert set(admin.roles) == {Role.PROGRAMME_OFFICER}
    with pytest.raises(NotAllowed, match="last admin"):
        services.remove_role(second, second, Role.ADMIN)


def test_a_closed_admin_account_does_not_count_as_the_other_admin():
    admin = make_user(Role.ADMIN)
    closed = make_user(Role.ADMIN)
    closed.is_active_account = False
    db.session.flush()
    with pytest.raises(NotAllowed, match="last admin"):
        services.remove_role(admin, admin, Role.ADMIN)
    services.remove_role(admin, closed, Role.ADMIN)  # an inactive admin may lose the role
    assert set(closed.roles) == set()


def test_role_changes_are_audited_with_before_and_after(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_PERSON_ROLE_GRANTS", False)  # tests/admin/test_role_grants
    admin = make_user(Role.ADMIN)
    user = make_user(Role.PANEL_MEMBER)
    services.set_roles(
        admin, user, {Role.PANEL_MEMBER, Role.FINANCE_OFFICER}, representing="Young person"
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.roles_changed"))
    assert event.actor_id == admin.id
    assert event.before["roles"] == ["panel_member"]
    assert event.after["roles"] == ["panel_member", "finance_officer"]
    assert event.after["granted"] == ["finance_officer"] and event.after["removed"] == []
    assert user.representing == "Young person"


def test_a_change_of_roles_signs_the_person_out_everywhere_but_saving_the_same_does_not():
    admin = make_user(Role.ADMIN)
    user = make_user()
    before = user.session_token
    services.set_roles(admin, user, set())
    assert user.session_token == before
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.roles_changed"))
        is None
    )
    services.grant_role(admin, user, Role.PANEL_MEMBER)
    assert user.session_token != before


def test_an_invitation_works_once_even_when_two_acceptances_race(outbox):
    """The second acceptance finds the row already used (the conditional update matches nothing)."""
    from grants import invitations
    from grants.accounts.models import Invitation as InvitationModel

    admin = make_user(Role.ADMIN)
    tokens: list[str] = []
    staff_invitations.invite(
        admin, email="race@example.org", role=Role.PROGRAMME_OFFICER, link_for=_link(tokens)
    )
    first = staff_invitations.open_invitation(tokens[0])
    invitations.use(first)
    stale = InvitationModel(id=first.id, accepted_at=None, expires_at=first.expires_at)
    with pytest.raises(DomainError, match="already been used"):
        invitations.use(stale)


@pytest.mark.parametrize("roles", [(), (Role.PROGRAMME_OFFICER, Role.PANEL_MEMBER)])
def test_only_admins_change_roles(roles):
    person = make_user()
    with pytest.raises(NotAllowed):
        services.grant_role(make_user(*roles), person, Role.ADMIN)
    assert set(person.roles) == set()


def test_inviting_an_existing_account_changes_nothing_until_its_owner_accepts(outbox):
    admin = make_user(Role.ADMIN)
    owner = make_user(email="owner@example.org")
    tokens: list[str] = []
    staff_invitations.invite(
        admin, email="Owner@example.org", role=Role.PROGRAMME_OFFICER, link_for=_link(tokens)
    )
    transaction.commit()
    assert set(owner.roles) == set()
    assert outbox[0].to == ["owner@example.org"] and "already have an account" in outbox[0].body
    with pytest.raises(NotAllowed, match="sent to owner@example.org"):
        staff_invitations.accept_role_invitation(admin, tokens[0])
    with pytest.raises(DomainError, match="already exists"):  # nor make a second account
        staff_invitations.accept_invitation(tokens[0], full_name="Someone Else", password=PASSWORD)
    old_session = owner.session_token
    staff_invitations.accept_role_invitation(owner, tokens[0])
    assert set(owner.roles) == {Role.PROGRAMME_OFFICER} and owner.session_token != old_session
    with pytest.raises(DomainError, match="already been used"):
        staff_invitations.accept_role_invitation(owner, tokens[0])
