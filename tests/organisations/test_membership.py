"""Who belongs to a group: nobody is added behind its back, and members can remove each other
(never the last one)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from grants import transaction
from grants.applications.models import Application
from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations import handover, offline, services
from grants.organisations.models import Membership, Organisation
from grants.permissions import Role
from tests.applications.factories import start_application
from tests.checks import soup_of
from tests.factories import group_details, make_group, make_user, sign_in

CONTACT = offline.OfflineContact(name="Maureen Holt", phone="01942 123456", email=None)


def invite(actor, group, email):
    """Invite ``email`` and return the token from the emailed link. An officer's invitation to a
    group they look after is a handover, approved here by a second officer."""
    tokens = []

    def link(token):
        tokens.append(token)
        return ""

    if services.looks_after(actor, group):
        proposal = handover.propose(actor, group, email, approve_link="")
        handover.approve(make_user(Role.PROGRAMME_OFFICER), proposal, link)
    else:
        services.invite_member(actor, group, email, link_for=link)
    return tokens[0]


def join(group, inviter, email, *, name=None):
    person = make_user(email=email, name=name)
    services.accept_group_invitation(person, invite(inviter, group, email))
    return person


def membership_of(user, group) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == group.id
        )
    )


@pytest.fixture
def ada():
    return make_user(name="Ada Member", email="ada@example.org")


@pytest.fixture
def group(ada):
    return make_group(ada, name="Pemberton Allotment Society")


@pytest.fixture
def bob(group, ada):
    return join(group, ada, "bob@example.org", name="Bob Second")


# Officers hand over the groups they added, and add nobody anywhere else


def test_an_officer_cannot_invite_anyone_to_a_group_that_has_members(group, outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    with pytest.raises(NotAllowed) as refused:
        services.invite_member(officer, group, "mole@example.org", link_for=lambda token: "")
    assert "Officers can invite only the first member" in refused.value.message
    assert outbox == []


def test_a_forced_invitation_from_an_officer_is_refused_with_the_reason(client, group, outbox):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    response = client.post(f"/groups/{group.id}/invite", data={"email": "mole@example.org"})
    assert response.status_code == 403
    assert "Officers can invite only the first member" in response.get_data(as_text=True)
    assert outbox == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("group_inv%"))) is None


def test_once_an_offline_group_is_handed_over_the_officer_can_no_longer_invite(outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    added = offline.create_offline_group(officer, group_details(), CONTACT)
    assert services.can_invite(officer, added)
    join(added, officer, "maureen@example.org")
    transaction.commit()
    assert not [message for message in outbox if "has joined" in message.subject]  # nobody to tell
    assert not services.can_invite(officer, added)
    with pytest.raises(NotAllowed):
        invite(officer, added, "someone@example.org")


def test_a_second_handover_invitation_does_not_stand_once_someone_has_joined():
    officer = make_user(Role.PROGRAMME_OFFICER)
    added = offline.create_offline_group(officer, group_details(), CONTACT)
    first = invite(officer, added, "maureen@example.org")
    second = invite(officer, added, "stranger@example.org")
    maureen = make_user(email="maureen@example.org")
    services.accept_group_invitation(maureen, first)
    stranger = make_user(email="stranger@example.org")
    with pytest.raises(DomainError, match="no longer stands"):
        services.accept_group_invitation(stranger, second)
    assert services.members_of(added) == [maureen]


def test_an_invitation_from_someone_who_has_since_been_removed_does_not_stand(group, ada, bob):
    token = invite(bob, group, "bobs.friend@example.org")
    services.remove_member(ada, group, membership_of(bob, group).id)
    friend = make_user(email="bobs.friend@example.org")
    with pytest.raises(DomainError, match="no longer stands"):
        services.accept_group_invitation(friend, token)
    assert not services.is_member(friend, group.id)


# Every member hears who has joined


def test_every_member_is_emailed_when_someone_joins(group, ada, bob, outbox):
    transaction.commit()
    outbox.clear()
    join(group, bob, "carol@example.org", name="Carol Third")
    assert outbox == []  # nothing goes until the joining is committed
    transaction.commit()
    announcements = [message for message in outbox if "has joined" in message.subject]
    assert sorted(message.to[0] for message in announcements) == [ada.email, bob.email]
    assert all("Carol Third (carol@example.org)" in message.body for message in announcements)
    assert all("Bob Second invited them" in message.body for message in announcements)


# Removing members and leaving


def test_a_member_removes_another_and_the_change_is_audited(group, ada, bob, outbox):
    services.remove_member(ada, group, membership_of(bob, group).id)
    assert services.members_of(group) == [ada]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.member_removed")
    )
    assert event.actor_id == ada.id and event.object_id == str(group.id)
    assert event.before["members"] == [
        "Ada Member (ada@example.org)",
        "Bob Second (bob@example.org)",
    ]
    assert event.after["members"] == ["Ada Member (ada@example.org)"]
    transaction.commit()
    [told] = [message for message in outbox if "removed" in message.subject]
    assert told.to == [bob.email] and "Ada Member has removed you" in told.body


def test_a_member_can_leave_and_is_not_emailed_about_it(group, ada, bob, outbox):
    transaction.commit()
    outbox.clear()
    services.remove_member(bob, group, membership_of(bob, group).id)
    transaction.commit()
    assert services.members_of(group) == [ada]
    assert outbox == []


def test_the_last_member_cannot_be_removed_or_leave(group, ada):
    with pytest.raises(DomainError, match="cannot remove the last member"):
        services.remove_member(ada, group, membership_of(ada, group).id)
    assert services.members_of(group) == [ada]


def test_when_the_main_contact_leaves_the_longest_standing_member_takes_over(group, ada, bob):
    join(group, ada, "carol@example.org", name="Aaron Later")  # first by name, joined last
    services.remove_member(ada, group, membership_of(ada, group).id)
    assert group.main_contact_id == bob.id
    assert group.contact_email_address == bob.email


def test_a_removal_racing_another_change_to_the_group_is_refused(group, ada, bob):
    """Another request removed Ada and made Bob main contact a moment ago; this one still holds
    the group as it was. It must not remove the last member left."""
    db.session.execute(
        update(Organisation)
        .where(Organisation.id == group.id)
        .values(main_contact_id=bob.id)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DomainError, match="changed a moment ago"):
        services.remove_member(ada, group, membership_of(bob, group).id)


def test_only_members_remove_members(group, ada, bob):
    for outsider in (make_user(), make_user(Role.PROGRAMME_OFFICER), make_user(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            services.remove_member(outsider, group, membership_of(bob, group).id)
    assert services.members_of(group) == [ada, bob]


def test_a_membership_of_another_group_is_not_found_through_this_one(group, ada):
    other_member = make_user()
    other = make_group(other_member, name="Ince Pensioners Club")
    join(other, other_member, "second@example.org")
    with pytest.raises(NotFound):
        services.remove_member(ada, group, membership_of(other_member, other).id)
    assert len(services.members_of(other)) == 2


# The pages


def test_the_group_page_offers_remove_and_leave_to_members(client, group, ada, bob):
    sign_in(client, ada)
    soup = soup_of(client.get(f"/groups/{group.id}"))
    actions = {
        link.get_text(" ", strip=True): link["href"]
        for link in soup.select(".govuk-summary-list__actions a")
    }
    assert actions == {
        "Leave group": f"/groups/{group.id}/members/{membership_of(ada, group).id}/remove",
        "Remove Bob Second": f"/groups/{group.id}/members/{membership_of(bob, group).id}/remove",
    }
    assert "2 members" in soup.get_text()


def test_a_lone_member_is_offered_no_way_to_remove_themselves(client, group, ada):
    sign_in(client, ada)
    soup = soup_of(client.get(f"/groups/{group.id}"))
    assert "1 member" in soup.get_text()
    assert soup.select(".govuk-summary-list__actions a") == []


def test_removing_asks_first_then_removes(client, group, ada, bob, outbox):
    sign_in(client, ada)
    path = f"/groups/{group.id}/members/{membership_of(bob, group).id}/remove"
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert soup_of(confirm).h1.get_text() == "Are you sure you want to remove Bob Second?"
    assert services.is_member(bob, group.id)  # opening the page changes nothing
    response = client.post(path)
    assert response.status_code == 302 and response.location == f"/groups/{group.id}"
    assert not services.is_member(bob, group.id)
    assert "Bob Second has been removed" in client.get(response.location).get_data(as_text=True)


def test_leaving_takes_the_member_to_their_groups(client, group, ada, bob):
    sign_in(client, bob)
    response = client.post(f"/groups/{group.id}/members/{membership_of(bob, group).id}/remove")
    assert response.location == "/groups/"
    assert client.get(f"/groups/{group.id}").status_code == 404


def test_the_last_member_is_told_why_they_cannot_leave(client, group, ada):
    sign_in(client, ada)
    response = client.post(
        f"/groups/{group.id}/members/{membership_of(ada, group).id}/remove",
        follow_redirects=True,
    )
    assert "You cannot remove the last member of a group" in response.get_data(as_text=True)
    assert services.members_of(group) == [ada]


def test_a_removed_member_loses_the_groups_applications_at_once(client, group, ada, bob):
    application = start_application(organisation=group, applicant=ada)
    sign_in(client, bob)
    assert client.get(f"/applications/{application.id}").status_code == 200
    services.remove_member(ada, group, membership_of(bob, group).id)
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.get(f"/applications/{application.id}/view").status_code == 404
    assert db.session.get(Application, application.id) is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stranger_cannot_remove_anyone_from_a_group(client, group, ada, bob, method):
    sign_in(client, make_user())
    path = f"/groups/{group.id}/members/{membership_of(bob, group).id}/remove"
    assert getattr(client, method)(path).status_code == 404
    assert services.is_member(bob, group.id)
    sign_in(client, ada)
    assert client.get(path).status_code == 200  # the page is there, for members only


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_cannot_remove_anyone_from_a_group(client, group, ada, bob, method):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    path = f"/groups/{group.id}/members/{membership_of(bob, group).id}/remove"
    assert getattr(client, method)(path).status_code == 403
    assert services.is_member(bob, group.id)


def test_a_forged_membership_id_from_another_group_is_not_found(client, group, ada, bob):
    victim = make_user()
    other = make_group(victim, name="Ince Pensioners Club")
    join(other, victim, "second@example.org")
    sign_in(client, ada)
    response = client.post(f"/groups/{group.id}/members/{membership_of(victim, other).id}/remove")
    assert response.status_code == 404
    assert len(services.members_of(other)) == 2
    own = client.post(f"/groups/{group.id}/members/{membership_of(bob, group).id}/remove")
    assert own.status_code == 302  # the same request for her own group's member works


def test_the_joining_email_is_sent_through_the_invitation_page(client, group, ada, outbox):
    token = invite(ada, group, "friend@example.org")
    sign_in(client, make_user(email="friend@example.org", name="Fran Friend"))
    assert client.post(f"/groups/invitations/{token}").status_code == 302
    [joined] = [message for message in outbox if "has joined" in message.subject]
    assert joined.to == [ada.email]
    assert re.search(r"Fran Friend \(friend@example.org\) has joined", joined.body)
