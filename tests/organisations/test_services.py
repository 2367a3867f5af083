"""Group rules: who can see and change a group, and how people join one."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants import transaction
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations import services
from grants.organisations.models import GroupInvitation, Organisation
from grants.permissions import Role
from grants.tokens import hash_token
from tests.factories import group_details, make_group, make_user

STAFF = [Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.ADMIN]


def audit_events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def invite(member, group, email):
    """Invite someone and return the token from the link the service built."""
    tokens = []
    services.invite_member(
        member, group, email, link_for=lambda token: tokens.append(token) or f"https://x/{token}"
    )
    return tokens[0]


def test_creating_a_group_makes_the_creator_its_member_and_main_contact():
    creator = make_user()
    group = make_group(creator)
    assert group.main_contact_id == creator.id
    assert services.members_of(group) == [creator]
    assert services.is_member(creator, group.id)


def test_creating_a_group_is_audited_with_what_was_saved():
    creator = make_user()
    group = make_group(creator, postcode="wn5 8ab")
    [event] = audit_events("organisation.created")
    assert event.actor_id == creator.id
    assert event.object_type == "Organisation"
    assert event.object_id == str(group.id)
    assert event.after["name"] == "Pemberton Allotment Society"
    assert event.after["postcode"] == "WN5 8AB"
    assert event.after["main_contact_id"] == creator.id


def test_creating_a_group_with_bad_details_saves_nothing():
    creator = make_user()
    with pytest.raises(InvalidInput) as caught:
        make_group(creator, postcode="nowhere", org_type="registered_charity")
    assert set(caught.value.errors) == {"postcode", "charity_number"}
    assert db.session.scalar(select(Organisation)) is None
    assert audit_events("organisation.created") == []


def test_an_unknown_type_or_income_band_is_refused_in_plain_english():
    creator = make_user()
    with pytest.raises(InvalidInput) as caught:
        make_group(creator, org_type="spaceship")
    assert caught.value.errors == {"org_type": "Select the type of group"}
    with pytest.raises(InvalidInput) as caught:
        make_group(creator, income_band="a lot")
    assert caught.value.errors == {"income_band": "Select your group's annual income"}


@pytest.mark.parametrize("role", [None, *STAFF, Role.PANEL_MEMBER])
def test_anyone_signed_in_can_create_a_group_whatever_their_roles(role):
    creator = make_user(role)
    group = make_group(creator)
    assert services.is_member(creator, group.id)


def test_updating_a_group_is_audited_with_before_and_after():
    member = make_user()
    group = make_group(member)
    services.update_group(member, group, group_details(name="Pemberton Growers", town="Pemberton"))
    [event] = audit_events("organisation.updated")
    assert event.actor_id == member.id
    assert event.before["name"] == "Pemberton Allotment Society"
    assert event.after["name"] == "Pemberton Growers"
    assert event.before["town"] == "Wigan" and event.after["town"] == "Pemberton"
    assert db.session.get(Organisation, group.id).name == "Pemberton Growers"


def test_changing_type_drops_numbers_the_new_type_does_not_use():
    member = make_user()
    group = make_group(member, org_type="registered_charity", charity_number="1164883")
    services.update_group(
        member, group, group_details(org_type="informal_group", charity_number="1164883")
    )
    assert group.charity_number is None


def test_a_rejected_update_changes_nothing():
    member = make_user()
    group = make_group(member)
    with pytest.raises(InvalidInput):
        services.update_group(member, group, group_details(name="New name", postcode="WN1"))
    db.session.expire_all()
    assert db.session.get(Organisation, group.id).name == "Pemberton Allotment Society"
    assert audit_events("organisation.updated") == []


def test_only_members_can_update_a_group():
    group = make_group(make_user())
    with pytest.raises(NotAllowed):
        services.update_group(make_user(), group, group_details(name="Taken over"))


def test_a_group_is_hidden_from_applicants_who_are_not_members():
    group = make_group(make_user())
    with pytest.raises(NotFound):
        services.get_for(make_user(), group.id)


def test_members_can_see_their_group():
    member = make_user()
    group = make_group(member)
    assert services.get_for(member, group.id) is group


@pytest.mark.parametrize("role", STAFF)
def test_staff_can_see_any_group(role):
    group = make_group(make_user())
    assert services.get_for(make_user(role), group.id) is group


def test_panel_members_cannot_see_groups():
    group = make_group(make_user())
    with pytest.raises(NotFound):
        services.get_for(make_user(Role.PANEL_MEMBER), group.id)


def test_a_missing_group_is_not_found_even_for_staff():
    with pytest.raises(NotFound):
        services.get_for(make_user(Role.ADMIN), 999)


@pytest.mark.parametrize("role", STAFF)
def test_staff_may_look_at_a_group_but_not_manage_it(role):
    group = make_group(make_user())
    with pytest.raises(NotAllowed):
        services.get_for_member(make_user(role), group.id)


def test_a_member_may_manage_their_group():
    member = make_user()
    group = make_group(member)
    assert services.get_for_member(member, group.id) is group


def test_a_non_member_applicant_cannot_learn_a_group_exists_by_trying_to_manage_it():
    group = make_group(make_user())
    with pytest.raises(NotFound):
        services.get_for_member(make_user(), group.id)


def test_the_group_list_shows_applicants_only_their_own_groups_and_staff_all_of_them():
    alice, bob = make_user(), make_user()
    mine = make_group(alice, name="Alice's group")
    theirs = make_group(bob, name="Bob's group")

    def names(user):
        return [g.name for g in db.session.scalars(services.visible_groups_query(user))]

    assert names(alice) == [mine.name]
    assert names(bob) == [theirs.name]
    assert names(make_user(Role.PANEL_MEMBER)) == []
    assert names(make_user(Role.FINANCE_OFFICER)) == [mine.name, theirs.name]


def test_inviting_a_member_emails_them_a_link(outbox):
    member = make_user(name="Ada Lovelace")
    group = make_group(member)
    services.invite_member(
        member,
        group,
        "  New.Person@Example.org ",
        link_for=lambda token: f"https://grants.test/join/{token}",
    )
    transaction.commit()
    [message] = outbox
    assert message.to == ["new.person@example.org"]
    assert "Join your group" in message.subject
    assert "https://grants.test/join/" in message.body
    assert "Ada Lovelace" in message.body and group.name in message.body


def test_the_invitation_keeps_only_a_hash_of_the_token():
    member = make_user()
    group = make_group(member)
    token = invite(member, group, "friend@example.org")
    invitation = db.session.scalar(select(GroupInvitation))
    assert invitation.email == "friend@example.org"
    assert invitation.token_hash == hash_token(token) != token
    assert audit_events("group_invitation.created")[0].after == {"email": "friend@example.org"}


def test_only_members_can_invite(outbox):
    group = make_group(make_user())
    with pytest.raises(NotAllowed):
        invite(make_user(), group, "friend@example.org")
    assert outbox == []


def test_inviting_an_existing_member_is_refused():
    member = make_user(email="already@example.org")
    group = make_group(member)
    with pytest.raises(DomainError) as caught:
        invite(member, group, "Already@example.org")
    assert caught.value.field == "email"


def test_the_invited_person_joins_the_group():
    member = make_user()
    group = make_group(member)
    friend = make_user(email="friend@example.org")
    token = invite(member, group, "friend@example.org")
    assert services.accept_group_invitation(friend, token) == group
    assert services.is_member(friend, group.id)
    assert audit_events("group_invitation.accepted")[0].actor_id == friend.id


def test_someone_else_cannot_use_the_invitation():
    group = make_group(make_user())
    token = invite(group.main_contact, group, "friend@example.org")
    stranger = make_user(email="stranger@example.org")
    with pytest.raises(NotAllowed) as caught:
        services.accept_group_invitation(stranger, token)
    assert "friend@example.org" in caught.value.message
    assert not services.is_member(stranger, group.id)


def test_an_invitation_works_once():
    group = make_group(make_user())
    friend = make_user(email="friend@example.org")
    token = invite(group.main_contact, group, "friend@example.org")
    services.accept_group_invitation(friend, token)
    with pytest.raises(DomainError, match="expired or has already been used"):
        services.accept_group_invitation(friend, token)
    assert services.open_group_invitation(token) is None


def test_an_expired_invitation_cannot_be_used():
    group = make_group(make_user())
    friend = make_user(email="friend@example.org")
    token = invite(group.main_contact, group, "friend@example.org")
    invitation = db.session.scalar(select(GroupInvitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.open_group_invitation(token) is None
    with pytest.raises(DomainError, match="expired"):
        services.accept_group_invitation(friend, token)
    assert not services.is_member(friend, group.id)


def test_an_unknown_token_opens_nothing():
    assert services.open_group_invitation("not-a-real-token") is None


@pytest.mark.parametrize("role", [*STAFF, Role.PANEL_MEMBER])
def test_staff_and_panel_members_can_join_a_group_too(role):
    """Roles combine with membership: a resident panellist often runs a community group."""
    group = make_group(make_user())
    person = make_user(role, email="officer@example.org")
    token = invite(group.main_contact, group, "officer@example.org")
    services.accept_group_invitation(person, token)
    assert services.is_member(person, group.id)
    assert services.groups_of(person) == [group]


def test_a_person_can_belong_to_several_groups_and_a_group_has_several_members():
    alice, bob = make_user(name="Alice"), make_user(email="bob@example.org", name="Bob")
    allotment = make_group(alice, name="Allotment")
    choir = make_group(bob, name="Choir")
    services.accept_group_invitation(bob, invite(alice, allotment, "bob@example.org"))
    assert services.members_of(allotment) == [alice, bob]
    assert [g.name for g in db.session.scalars(services.visible_groups_query(bob))] == [
        allotment.name,
        choir.name,
    ]
    assert allotment.main_contact_id == alice.id
