"""Granting the finance officer, bank-details viewer or admin role takes two admins: one proposes,
another (neither the proposer nor the person given it) confirms. A single-admin deployment may
turn this off; then every finance officer and admin hears of each grant."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from grants import transaction
from grants.accounts import grant_decisions, role_grants, staff_invitations
from grants.accounts import services as accounts
from grants.accounts.models import GrantStatus, Invitation, RoleGrant, User
from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import PASSWORD, make_user, sign_in


def _link(tokens):
    return lambda token: tokens.append(token) or f"http://localhost/invitations/{token}"


def _invite(admin, email="alias@example.org", role=Role.FINANCE_OFFICER):
    tokens: list[str] = []
    invitation = staff_invitations.invite(admin, email=email, role=role, link_for=_link(tokens))
    return invitation, tokens


def _grant() -> RoleGrant:
    return db.session.scalar(select(RoleGrant).order_by(RoleGrant.id.desc()))


def _actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("role_grant.%"))
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def admins():
    return make_user(Role.ADMIN, name="Ann Admin"), make_user(Role.ADMIN, name="Bo Admin")


def test_an_invited_finance_officer_needs_a_second_admin_before_anything_is_sent(admins, outbox):
    ann, bo = admins
    invitation, tokens = _invite(ann)
    transaction.commit()
    assert [m.to for m in outbox] == [[bo.email]]  # only the other admin hears: nothing to alias
    assert "Ann Admin" in outbox[0].body and "finance officer" in outbox[0].body
    assert "http://localhost/admin/role-grants" in outbox[0].body
    assert tokens == []  # no link was made for anyone
    from grants import invitations

    assert staff_invitations.open_invitation(invitations.reissue(invitation)) is None
    with pytest.raises(DomainError, match="once another admin confirms"):
        staff_invitations.resend_invitation(ann, invitation, link_for=_link(tokens))
    with pytest.raises(NotAllowed, match="You proposed this role"):
        grant_decisions.confirm(ann, _grant(), link_for=_link(tokens))
    outbox.clear()
    grant_decisions.confirm(bo, _grant(), link_for=_link(tokens))
    transaction.commit()
    [sent] = outbox
    assert sent.to == ["alias@example.org"] and tokens[-1] in sent.body
    user = staff_invitations.accept_invitation(tokens[-1], full_name="Al Ias", password=PASSWORD)
    assert set(user.roles) == {Role.FINANCE_OFFICER}
    grant = _grant()
    assert (grant.status, grant.user_id, grant.proposed_by_id, grant.decided_by_id) == (
        GrantStatus.CONFIRMED,
        user.id,
        ann.id,
        bo.id,
    )
    assert grant.took_effect_at is not None
    assert _actions() == ["role_grant.proposed", "role_grant.confirmed"]


def test_adding_a_privileged_role_on_a_persons_page_is_a_proposal(admins, outbox):
    ann, bo = admins
    person = make_user()
    token = person.session_token
    accounts.set_roles(ann, person, {Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN})
    assert set(person.roles) == {Role.PANEL_MEMBER}  # other roles stay one step
    assert [g.role for g in role_grants.pending_for(person)] == [
        Role.FINANCE_OFFICER,
        Role.ADMIN,
    ]
    accounts.set_roles(ann, person, {Role.PANEL_MEMBER, Role.FINANCE_OFFICER})  # again: no copy
    assert len(role_grants.pending_for(person)) == 2
    finance, admin = role_grants.pending_for(person)
    grant_decisions.confirm(bo, finance, link_for=_link([]))
    grant_decisions.refuse(bo, admin)
    db.session.expire_all()
    assert set(person.roles) == {Role.PANEL_MEMBER, Role.FINANCE_OFFICER}
    assert person.session_token != token  # signed out everywhere, as any change of roles
    assert admin.status == GrantStatus.REFUSED and role_grants.pending_for(person) == []


def test_nobody_confirms_a_role_for_themselves(admins):
    ann, bo = admins
    carl = make_user(Role.ADMIN)
    accounts.grant_role(ann, carl, Role.BANK_DETAILS_VIEWER)
    grant = _grant()
    with pytest.raises(NotAllowed, match="This role is for you"):
        grant_decisions.confirm(carl, grant, link_for=_link([]))
    with pytest.raises(NotAllowed, match="This role is for you"):
        grant_decisions.refuse(carl, grant)
    invitation, _ = _invite(ann, email=bo.email.upper(), role=Role.ADMIN)  # Bo's own address
    with pytest.raises(NotAllowed, match="This role is for you"):
        grant_decisions.confirm(bo, _grant(), link_for=_link([]))
    assert Role.BANK_DETAILS_VIEWER not in carl.roles


def test_a_grant_is_decided_once(admins):
    ann, bo = admins
    carl = make_user(Role.ADMIN)
    person = make_user()
    accounts.grant_role(ann, person, Role.FINANCE_OFFICER)
    grant = _grant()
    grant_decisions.confirm(bo, grant, link_for=_link([]))
    with pytest.raises(DomainError, match="already been confirmed"):
        grant_decisions.refuse(carl, grant)
    with pytest.raises(DomainError, match="already been confirmed"):
        grant_decisions.confirm(carl, grant, link_for=_link([]))


def test_the_database_refuses_a_proposer_confirming_their_own_grant(admins):
    ann, _bo = admins
    person = make_user()
    accounts.grant_role(ann, person, Role.FINANCE_OFFICER)
    transaction.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE role_grant SET status = 'confirmed', decided_by_id = proposed_by_id")
        )
        db.session.flush()
    db.session.rollback()


def test_refusing_or_revoking_an_invitation_stops_it_for_good(admins, outbox):
    ann, bo = admins
    refused, tokens = _invite(ann, "one@example.org")
    grant_decisions.refuse(bo, _grant())
    assert refused.revoked_at is not None
    revoked, _ = _invite(ann, "two@example.org")
    staff_invitations.revoke_invitation(ann, revoked)
    assert _grant().status == GrantStatus.WITHDRAWN
    withdrawn, _ = _invite(ann, "three@example.org")
    grant_decisions.refuse(ann, _grant())  # the proposer takes it back
    assert _grant().status == GrantStatus.WITHDRAWN and withdrawn.revoked_at is not None
    with pytest.raises(DomainError):
        grant_decisions.confirm(bo, _grant(), link_for=_link(tokens))
    transaction.commit()
    assert not [m for m in outbox if m.to[0].endswith(("one@example.org", "two@example.org"))]


def test_with_two_person_grants_off_roles_are_granted_at_once_and_everyone_is_told(
    app, monkeypatch, outbox
):
    monkeypatch.setitem(app.config, "TWO_PERSON_ROLE_GRANTS", False)
    ann = make_user(Role.ADMIN, name="Ann Admin")
    finance = make_user(Role.FINANCE_OFFICER)
    viewer = make_user(Role.BANK_DETAILS_VIEWER)
    officer = make_user(Role.PROGRAMME_OFFICER)
    person = make_user(name="New Finance")
    accounts.grant_role(ann, person, Role.FINANCE_OFFICER)
    assert Role.FINANCE_OFFICER in person.roles
    assert _grant().status == GrantStatus.GRANTED_ALONE
    _invite(ann, "invited@example.org", Role.ADMIN)
    transaction.commit()
    told = [m.to[0] for m in outbox if "finance or admin role" in m.subject]
    everyone = sorted([ann.email, finance.email, viewer.email, person.email])
    assert sorted(told) == sorted(everyone + everyone)  # about each grant
    assert officer.email not in told
    assert "invited@example.org" in [m.to[0] for m in outbox]  # the invitation went at once


def test_a_panel_member_invitation_stays_one_step(admins, outbox):
    ann, _bo = admins
    invitation, tokens = _invite(ann, "panel@example.org", Role.PANEL_MEMBER)
    transaction.commit()
    assert [m.to for m in outbox] == [["panel@example.org"]]
    assert staff_invitations.open_invitation(tokens[0]) is not None
    assert _grant() is None


# Through the pages


def test_admins_see_what_waits_and_a_second_admin_confirms_it(client, admins, outbox):
    ann, bo = admins
    person = make_user(name="Pat Person")
    sign_in(client, ann)
    response = client.post(f"/admin/users/{person.id}", data={"roles": ["finance_officer"]})
    assert response.status_code == 302
    flashed = soup_of(client.get("/admin/users")).get_text(" ", strip=True)
    assert "Another admin must confirm: finance officer" in flashed
    page = soup_of(client.get(f"/admin/users/{person.id}")).get_text(" ", strip=True)
    assert "Finance officer, proposed by Ann Admin" in page
    listed = soup_of(client.get("/admin/role-grants"))
    assert "Pat Person" in listed.get_text(" ", strip=True)
    assert not listed.select("form[action$='/confirm']")  # not for the proposer
    grant = _grant()
    client.post(f"/admin/role-grants/{grant.id}/confirm")  # forged anyway
    db.session.expire_all()
    assert grant.status == GrantStatus.PROPOSED and Role.FINANCE_OFFICER not in person.roles
    sign_in(client, bo)
    home = soup_of(client.get("/home")).get_text(" ", strip=True)
    assert "1 role is waiting for an admin to confirm it" in home
    assert client.post(f"/admin/role-grants/{grant.id}/confirm").status_code == 302
    db.session.expire_all()
    assert Role.FINANCE_OFFICER in db.session.get(User, person.id).roles
    assert "waiting for an admin" not in soup_of(client.get("/home")).get_text(" ", strip=True)


def test_inviting_through_the_page_says_the_invitation_waits(client, admins, outbox):
    ann, _bo = admins
    sign_in(client, ann)
    response = client.post(
        "/admin/users/invite", data={"email": "alias@example.org", "role": "finance_officer"}
    )
    assert response.headers["Location"].endswith("/admin/role-grants")
    text_ = soup_of(client.get("/admin/role-grants")).get_text(" ", strip=True)
    assert "We will send the invitation to alias@example.org once they do" in text_
    invitation = db.session.scalar(select(Invitation))
    listed = soup_of(client.get("/admin/invitations"))
    assert "Waiting for another admin" in listed.get_text(" ", strip=True)
    assert not listed.select("form[action$='/resend']")
    response = client.post(f"/admin/invitations/{invitation.id}/resend")  # forged anyway
    assert response.status_code == 302
    transaction.commit()
    assert not [m for m in outbox if m.to == ["alias@example.org"]]


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.PROGRAMME_OFFICER, None])
def test_only_admins_reach_role_grants(client, admins, role):
    ann, _bo = admins
    person = make_user()
    accounts.grant_role(ann, person, Role.FINANCE_OFFICER)
    grant = _grant()
    sign_in(client, make_user(role))
    assert client.get("/admin/role-grants").status_code == 403
    assert client.post(f"/admin/role-grants/{grant.id}/confirm").status_code == 403
    assert client.post(f"/admin/role-grants/{grant.id}/refuse").status_code == 403
    assert _grant().status == GrantStatus.PROPOSED


def test_an_unknown_grant_is_not_found(client, admins):
    sign_in(client, admins[1])
    for path in ("/admin/role-grants/99999999/confirm", "/admin/role-grants/99999999/refuse"):
        assert client.post(path).status_code == 404


def test_the_emailed_link_opens_the_list(admins, outbox):
    ann, _bo = admins
    _invite(ann)
    transaction.commit()
    assert re.search(r"http://localhost/admin/role-grants\b", outbox[0].body)


def test_an_existing_account_offered_a_privileged_role_gets_it_only_after_confirmation(
    admins, outbox
):
    ann, bo = admins
    owner = make_user(email="owner@example.org")
    invitation, tokens = _invite(ann, "owner@example.org")
    transaction.commit()
    assert not [m for m in outbox if m.to == [owner.email]]
    grant_decisions.confirm(bo, _grant(), link_for=_link(tokens))
    transaction.commit()
    [offer] = [m for m in outbox if m.to == [owner.email]]
    assert "already have an account" in offer.body
    staff_invitations.accept_role_invitation(owner, tokens[-1])
    assert Role.FINANCE_OFFICER in owner.roles
    assert _grant().user_id == owner.id and _grant().took_effect_at is not None
    assert role_grants.granted_by_within(owner, ann.id) and role_grants.granted_by_within(
        owner, bo.id
    )
