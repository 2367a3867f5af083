"""Offline groups cannot be taken over: a handover needs a second officer, nobody hands a group
to themselves, and the recorded contact is told (by email, or by a letter to post). A change of
the contact's details is told to the old contact."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from grants import transaction
from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.invitations import issue
from grants.organisations import handover, letters, offline
from grants.organisations import services as organisations
from grants.organisations.models import GroupInvitation, GroupLetter
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import group_details, make_user, sign_in

PHONE_ONLY = offline.OfflineContact(name="Maureen Holt", phone="01942 123456", email=None)
WITH_EMAIL = offline.OfflineContact(
    name="Maureen Holt", phone="01942 123456", email="maureen.holt@example.org"
)


@pytest.fixture
def officer():
    return make_user(Role.PROGRAMME_OFFICER, name="Pat Proposer", email="pat@example.org")


@pytest.fixture
def approver():
    return make_user(Role.PROGRAMME_OFFICER, name="Ann Approver", email="ann@example.org")


def _group(officer, contact=PHONE_ONLY):
    return offline.create_offline_group(officer, group_details(), contact)


def _actions(prefix):
    query = select(AuditEvent.action).where(AuditEvent.action.like(f"{prefix}%"))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _token(outbox, address):
    [message] = [m for m in outbox if m.to == [address] and "/groups/invitations/" in m.body]
    return re.search(r"/groups/invitations/(\S+)", message.body)[1]


def test_an_officers_invitation_is_a_proposal_and_sends_nothing_to_the_invitee(
    officer, approver, outbox
):
    group = _group(officer)
    proposal = handover.propose(officer, group, "Jo@Example.org", approve_link="http://x/h")
    transaction.commit()
    assert proposal.is_pending and proposal.email == "jo@example.org"
    assert not [m for m in outbox if m.to == ["jo@example.org"]]
    [asked] = [m for m in outbox if "needs your approval" in m.subject]
    assert asked.to == [approver.email] and "http://x/h" in asked.body  # not the proposer
    assert db.session.scalar(select(GroupInvitation)) is None  # no link exists to follow
    assert _actions("group_handover") == ["group_handover.proposed"]


def test_the_proposer_cannot_approve_their_own_handover(officer, approver, outbox):
    group = _group(officer)
    proposal = handover.propose(officer, group, "jo@example.org", approve_link="")
    with pytest.raises(NotAllowed, match="another programme officer must approve"):
        handover.approve(officer, proposal, invitation_link=lambda token: token)
    assert proposal.is_pending


@pytest.mark.parametrize("role", [None, Role.FINANCE_OFFICER, Role.ADMIN, Role.PANEL_MEMBER])
def test_only_programme_officers_approve(officer, role):
    proposal = handover.propose(officer, _group(officer), "jo@example.org", approve_link="")
    with pytest.raises(NotAllowed):
        handover.approve(make_user(role), proposal, invitation_link=lambda token: token)


def test_a_second_officer_approves_and_the_invitee_joins(officer, approver, outbox):
    group = _group(officer, WITH_EMAIL)
    proposal = handover.propose(officer, group, "jo@example.org", approve_link="")
    handover.approve(approver, proposal, lambda token: f"http://x/groups/invitations/{token}")
    transaction.commit()
    jo = make_user(email="jo@example.org")
    organisations.accept_group_invitation(jo, _token(outbox, "jo@example.org"))
    assert organisations.members_of(group) == [jo] and group.main_contact_id == jo.id
    assert _actions("group_handover") == ["group_handover.proposed", "group_handover.approved"]
    with pytest.raises(DomainError, match="already been approved"):
        handover.approve(make_user(Role.PROGRAMME_OFFICER), proposal, lambda token: token)


def test_the_recorded_contact_is_emailed_at_the_recorded_address(officer, approver, outbox):
    group = _group(officer, WITH_EMAIL)
    proposal = handover.propose(officer, group, "jo@example.org", approve_link="")
    handover.approve(approver, proposal, lambda token: token)
    transaction.commit()
    [told] = [m for m in outbox if m.to == ["maureen.holt@example.org"]]
    assert "being handed over" in told.subject
    assert "jo@example.org" in told.body
    assert "Pat Proposer" in told.body and "Ann Approver" in told.body
    assert letters.to_post(group) == []


def test_a_contact_without_email_gets_a_letter_the_group_page_asks_to_post(
    client, officer, approver, outbox
):
    group = _group(officer, PHONE_ONLY)
    proposal = handover.propose(officer, group, "jo@example.org", approve_link="")
    handover.approve(approver, proposal, lambda token: token)
    [letter] = letters.to_post(group)
    assert letter.recipient.splitlines()[:2] == ["Maureen Holt", "Pemberton Allotment Society"]
    assert "WN5 8AB" in letter.recipient and "jo@example.org" in letter.body
    sign_in(client, officer)
    page = soup_of(client.get(f"/groups/{group.id}"))
    assert "Letters to post" in page.get_text()
    pdf_link = page.find("a", string=re.compile("being handed over"))["href"]
    assert pdf_link == f"/groups/{group.id}/letters/{letter.id}.pdf"
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "private, no-store"
    posted = client.post(f"/groups/{group.id}/letters/{letter.id}/posted")
    assert posted.status_code == 302
    db.session.expire_all()
    assert letters.to_post(group) == [] and letter.posted_by_id == officer.id
    assert "Letters to post" not in soup_of(client.get(f"/groups/{group.id}")).get_text()
    again = client.post(f"/groups/{group.id}/letters/{letter.id}/posted", follow_redirects=True)
    assert "already been marked as posted" in again.get_data(as_text=True)
    assert _actions("group_letter") == ["group_letter.written", "group_letter.posted"]


def test_letters_are_for_programme_officers_and_of_their_own_group(client, officer, approver):
    group = _group(officer)
    handover.approve(
        approver, handover.propose(officer, group, "jo@example.org", ""), lambda token: token
    )
    [letter] = letters.to_post(group)
    other = _group(officer)
    sign_in(client, officer)
    assert client.get(f"/groups/{other.id}/letters/{letter.id}.pdf").status_code == 404
    assert client.post(f"/groups/{other.id}/letters/{letter.id}/posted").status_code == 404
    sign_in(client, make_user(Role.FINANCE_OFFICER))
    assert client.get(f"/groups/{group.id}/letters/{letter.id}.pdf").status_code == 403
    with pytest.raises(NotFound):
        letters.get(officer, other, letter.id)


# Nobody hands a group over to themselves


def test_an_officer_cannot_propose_a_handover_to_their_own_address(officer):
    group = _group(officer)
    with pytest.raises(DomainError, match="cannot hand a group over to yourself"):
        handover.propose(officer, group, " PAT@example.org ", approve_link="")


def test_an_officer_cannot_approve_a_handover_to_their_own_address(officer, approver):
    proposal = handover.propose(officer, _group(officer), "ann@example.org", approve_link="")
    with pytest.raises(NotAllowed, match="cannot hand a group over to yourself"):
        handover.approve(approver, proposal, lambda token: token)


@pytest.mark.parametrize("who", ["proposer", "approver"])
def test_neither_officer_may_accept_the_handover_under_another_address(
    officer, approver, outbox, who
):
    group = _group(officer)
    proposal = handover.propose(officer, group, "jo@example.org", approve_link="")
    tokens = []
    handover.approve(approver, proposal, tokens.append)
    taker = officer if who == "proposer" else approver
    taker.email = "jo@example.org"  # changed their own account's address to the invited one
    with pytest.raises(NotAllowed, match="proposed or approved"):
        organisations.accept_group_invitation(taker, tokens[0])
    assert organisations.members_of(group) == []


def test_an_officers_invitation_without_an_approved_handover_does_not_stand(officer):
    """One made the old way, or forged into the table: it never hands the group over."""
    group = _group(officer)
    invitation = GroupInvitation(organisation=group, email="jo@example.org", invited_by=officer)
    token = issue(invitation)
    db.session.add(invitation)
    db.session.flush()
    with pytest.raises(DomainError, match="no longer stands"):
        organisations.accept_group_invitation(make_user(email="jo@example.org"), token)
    assert organisations.members_of(group) == []


def test_the_officer_can_no_longer_invite_directly(officer):
    with pytest.raises(NotAllowed, match="another programme officer approves"):
        organisations.invite_member(officer, _group(officer), "jo@example.org", lambda t: t)


def test_one_handover_waits_at_a_time_and_a_refused_one_sends_nothing(officer, approver, outbox):
    group = _group(officer, WITH_EMAIL)
    first = handover.propose(officer, group, "jo@example.org", approve_link="")
    with pytest.raises(DomainError, match="already waiting for approval"):
        handover.propose(make_user(Role.PROGRAMME_OFFICER), group, "kim@example.org", "")
    handover.refuse(approver, first)
    transaction.commit()
    assert not [m for m in outbox if "jo@example.org" in m.to or "handed over" in m.subject]
    withdrawn = handover.propose(officer, group, "kim@example.org", approve_link="")
    handover.refuse(officer, withdrawn)  # the proposer may withdraw their own
    assert _actions("group_handover") == ["group_handover.proposed", "group_handover.refused"] * 2
    with pytest.raises(DomainError, match="already been approved, refused or withdrawn"):
        handover.approve(approver, withdrawn, lambda token: token)


# The pages


def test_the_proposer_and_the_approver_use_the_pages(client, officer, approver, outbox):
    group = _group(officer, WITH_EMAIL)
    sign_in(client, officer)
    form = soup_of(client.get(f"/groups/{group.id}/invite"))
    assert form.h1.get_text() == "Hand this group over to someone from it"
    sent = client.post(f"/groups/{group.id}/invite", data={"email": "jo@example.org"})
    assert sent.status_code == 302
    assert "Another programme officer must approve" in client.get(sent.location).get_data(
        as_text=True
    )
    home = soup_of(client.get("/home"))
    assert home.find("a", href="/groups/handovers") is None  # nothing for the proposer to do
    [proposal] = handover.proposed_by(officer)
    refused = client.post(f"/groups/handovers/{proposal.id}/approve")
    assert refused.status_code == 403
    sign_in(client, approver)
    home = soup_of(client.get("/home"))
    assert "1 handover of a group is waiting" in home.get_text()
    queue = soup_of(client.get("/groups/handovers"))
    assert "jo@example.org" in queue.get_text() and "Maureen Holt" in queue.get_text()
    approved = client.post(f"/groups/handovers/{proposal.id}/approve")
    assert approved.status_code == 302
    db.session.expire_all()
    assert not proposal.is_pending and proposal.decided_by_id == approver.id
    assert _token(outbox, "jo@example.org")
    assert client.post("/groups/handovers/99999/approve").status_code == 404


def test_the_group_page_shows_a_handover_waiting(client, officer):
    group = _group(officer)
    handover.propose(officer, group, "jo@example.org", approve_link="")
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    text = soup_of(client.get(f"/groups/{group.id}")).get_text()
    assert "Pat Proposer asked on" in text and "jo@example.org" in text


# Contact changes are told to the old contact


def test_a_change_of_contact_email_is_told_at_the_old_address(officer, outbox):
    group = _group(officer, WITH_EMAIL)
    transaction.commit()
    outbox.clear()
    colleague = make_user(Role.PROGRAMME_OFFICER, name="Col League")
    new = offline.OfflineContact(name="Maureen Holt", phone="0161 496 0123", email="x@example.org")
    offline.update_offline_group(colleague, group, group_details(), new)
    transaction.commit()
    [told] = outbox
    assert told.to == ["maureen.holt@example.org"]
    assert "Col League" in told.body
    assert "Email address: from maureen.holt@example.org to x@example.org" in told.body
    assert "Phone number: from 01942 123456 to 0161 496 0123" in told.body


def test_a_change_for_a_contact_with_only_a_phone_is_a_letter_to_the_old_address(officer):
    group = _group(officer, PHONE_ONLY)
    new = offline.OfflineContact(name="Someone Else", phone="0161 496 0123", email=None)
    offline.update_offline_group(
        officer, group, group_details(address_line_1="9 Elsewhere Street"), new
    )
    [letter] = letters.to_post(group)
    assert letter.recipient.splitlines()[0] == "Maureen Holt"
    assert "1 Orrell Road" in letter.recipient  # where the contact was, not the new address
    assert "from 01942 123456 to 0161 496 0123" in letter.body


def test_other_changes_tell_nobody(officer, outbox):
    group = _group(officer, WITH_EMAIL)
    transaction.commit()
    outbox.clear()
    offline.update_offline_group(officer, group, group_details(name="Astley Growers"), WITH_EMAIL)
    transaction.commit()
    assert outbox == [] and db.session.scalar(select(GroupLetter)) is None
