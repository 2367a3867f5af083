"""Nobody removes everyone else from a group: removing the main contact, or the last-but-one
member, needs the main contact's agreement or an officer's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants import transaction
from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations import removals, services
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import make_group, make_user, sign_in
from tests.organisations.test_membership import join, membership_of

LINK = "http://localhost/groups/1"


@pytest.fixture
def founder():
    return make_user(name="Fay Founder", email="fay@example.org")


@pytest.fixture
def group(founder):
    return make_group(founder, name="Pemberton Allotment Society")


@pytest.fixture
def taker(group, founder):
    return join(group, founder, "taker@example.org", name="Tom Taker")


@pytest.fixture
def third(group, founder):
    return join(group, founder, "third@example.org", name="Tess Third")


def _actions():
    query = select(AuditEvent.action).where(AuditEvent.action.like("organisation.removal%"))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_a_member_cannot_remove_the_main_contact_alone(group, founder, taker, third):
    with pytest.raises(DomainError, match="needs the agreement of Fay Founder"):
        services.remove_member(taker, group, membership_of(founder, group).id)
    assert services.is_member(founder, group.id) and group.main_contact_id == founder.id


def test_a_member_cannot_remove_the_last_but_one_member_alone(group, founder, taker, third):
    services.remove_member(taker, group, membership_of(third, group).id)  # two are left: fine
    assert services.members_of(group) == [founder, taker]
    with pytest.raises(DomainError, match="needs the agreement"):
        services.remove_member(taker, group, membership_of(founder, group).id)


def test_the_main_contact_may_remove_down_to_themselves_and_anyone_may_leave(
    group, founder, taker, third
):
    services.remove_member(third, group, membership_of(third, group).id)  # leaving
    services.remove_member(founder, group, membership_of(taker, group).id)
    assert services.members_of(group) == [founder]


def test_the_takeover_in_the_issue_is_stopped(group, founder, taker, third, outbox):
    """Remove everyone else, founder included, then change the bank details: refused at the
    founder, however the removals are ordered."""
    with pytest.raises(DomainError):
        services.remove_member(taker, group, membership_of(founder, group).id)
    services.remove_member(taker, group, membership_of(third, group).id)
    with pytest.raises(DomainError):
        services.remove_member(taker, group, membership_of(founder, group).id)
    assert founder in services.members_of(group)


def test_asking_emails_the_main_contact_and_removes_nobody(group, founder, taker, third, outbox):
    transaction.commit()
    outbox.clear()
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    transaction.commit()
    assert services.is_member(founder, group.id)
    [asked] = [m for m in outbox if "asks to remove" in m.subject]
    assert asked.to == [founder.email] and LINK in asked.body and "Fay Founder" in asked.body
    assert _actions() == ["organisation.removal_requested"]
    with pytest.raises(DomainError, match="already been asked"):
        removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    assert removals.pending_for(group) == [request]


def test_the_main_contact_agrees_and_the_member_is_removed(group, founder, taker, outbox):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    removals.agree(founder, group, request.id)
    assert services.members_of(group) == [taker]
    assert group.main_contact_id == taker.id
    assert _actions() == ["organisation.removal_requested", "organisation.removal_agreed"]
    with pytest.raises(DomainError, match="already been agreed"):  # a second click
        removals.agree(make_user(Role.PROGRAMME_OFFICER), group, request.id)


def test_an_officer_outside_the_group_may_agree_or_refuse(group, founder, taker, third):
    officer = make_user(Role.PROGRAMME_OFFICER)
    first = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    removals.refuse(officer, group, first.id)
    assert services.is_member(founder, group.id)
    second = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    removals.agree(officer, group, second.id)
    assert not services.is_member(founder, group.id)
    ended = membership_of(founder, group)
    assert ended.ended_by_id == taker.id  # the person who asked, with the officer's agreement


@pytest.mark.parametrize("who", ["requester", "other_member", "finance", "officer_in_group"])
def test_nobody_else_may_agree(group, founder, taker, third, who):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    actor = {
        "requester": taker,
        "other_member": third,
        "finance": make_user(Role.FINANCE_OFFICER),
        "officer_in_group": join(group, founder, "officer@example.org"),
    }[who]
    if who == "officer_in_group":
        actor.roles.add(Role.PROGRAMME_OFFICER)
    with pytest.raises(NotAllowed):
        removals.agree(actor, group, request.id)
    assert services.is_member(founder, group.id)


def test_the_requester_may_withdraw(group, founder, taker):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    removals.refuse(taker, group, request.id)
    assert not request.is_pending and services.is_member(founder, group.id)


def test_a_request_of_another_group_is_not_found(group, founder, taker):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    other_founder = make_user()
    other = make_group(other_founder, name="Ince Pensioners Club")
    with pytest.raises(NotFound):
        removals.agree(other_founder, other, request.id)


def test_agreement_rechecks_that_one_member_is_left(group, founder, taker, third):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    services.remove_member(founder, group, membership_of(taker, group).id)
    services.remove_member(founder, group, membership_of(third, group).id)
    with pytest.raises(DomainError):
        removals.agree(founder, group, request.id)
    assert services.members_of(group) == [founder]


# The pages


def test_the_remove_page_asks_for_agreement_and_the_main_contact_agrees_on_the_group_page(
    client, group, founder, taker, outbox
):
    sign_in(client, taker)
    path = f"/groups/{group.id}/members/{membership_of(founder, group).id}/remove"
    page = soup_of(client.get(path))
    assert "needs the agreement of Fay Founder" in page.get_text()
    assert page.find("button", string=lambda s: s and "Ask for agreement" in s)
    response = client.post(path)
    assert response.status_code == 302
    assert "We have asked Fay Founder to agree" in client.get(response.location).get_data(
        as_text=True
    )
    assert services.is_member(founder, group.id)
    [request] = removals.pending_for(group)
    refused = client.post(f"/groups/{group.id}/removals/{request.id}/agree")
    assert refused.status_code == 403
    sign_in(client, founder)
    shown = soup_of(client.get(f"/groups/{group.id}"))
    assert "Tom Taker asked on" in shown.get_text()
    agreed = client.post(f"/groups/{group.id}/removals/{request.id}/agree")
    assert agreed.status_code == 302
    db.session.expire_all()
    assert not services.is_member(founder, group.id)


def test_an_officer_agrees_from_the_group_page(client, group, founder, taker):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    page = soup_of(client.get(f"/groups/{group.id}"))
    forms = [form["action"] for form in page.select("main form")]
    assert f"/groups/{group.id}/removals/{request.id}/agree" in forms
    assert client.post(f"/groups/{group.id}/removals/{request.id}/refuse").status_code == 302
    db.session.expire_all()
    assert services.is_member(founder, group.id) and not removals.pending_for(group)


def test_a_forged_request_id_is_not_found(client, group, founder, taker):
    sign_in(client, founder)
    assert client.post(f"/groups/{group.id}/removals/99999/agree").status_code == 404
    assert client.post(f"/groups/{group.id}/removals/1/maybe").status_code == 404


def test_a_request_lapses_when_the_member_who_asked_has_gone(group, founder, taker, third):
    request = removals.request_removal(taker, group, membership_of(founder, group).id, LINK)
    services.remove_member(founder, group, membership_of(taker, group).id)
    with pytest.raises(DomainError, match="who asked for this is no longer in the group"):
        removals.agree(founder, group, request.id)
    assert services.is_member(founder, group.id)
