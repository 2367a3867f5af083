"""Groups that apply by phone, on paper or in person, without anyone having an account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from grants.applications import services
from grants.applications.models import Channel
from grants.audit import AuditEvent
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations import handover, offline
from grants.organisations import services as organisations
from grants.permissions import Role
from tests.applications.factories import complete, open_round
from tests.checks import error_messages, soup_of
from tests.factories import group_details, make_user, sign_in

CONTACT = offline.OfflineContact(name="Maureen Holt", phone="01942 123456", email=None)


def test_an_officer_adds_a_group_with_a_contact_instead_of_an_account():
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(name="Tyldesley Bowls"), CONTACT)
    assert group.main_contact_id is None and group.contact_display_name == "Maureen Holt"
    assert group.contact_email_address is None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.created_offline")
    )
    assert event.actor_id == officer.id and event.after["contact_phone"] == "01942 123456"


def test_a_contact_needs_a_name_and_a_way_to_reach_them():
    officer = make_user(Role.PROGRAMME_OFFICER)
    with pytest.raises(InvalidInput) as raised:
        offline.create_offline_group(
            officer, group_details(postcode="nope"), offline.OfflineContact("", None, " ")
        )
    assert set(raised.value.errors) == {"contact_name", "contact_phone", "postcode"}


def test_only_programme_officers_add_groups_for_others():
    with pytest.raises(NotAllowed):
        offline.create_offline_group(make_user(), group_details(), CONTACT)


@pytest.mark.usefixtures("reference_data")
def test_an_offline_group_can_apply_through_an_officer_without_any_email(outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(), CONTACT)
    application = services.start(officer, open_round(), group, channel=Channel.PAPER)
    complete(application, actor=officer)
    services.submit(officer, application, link_for=lambda a: "")
    assert application.reference and outbox == []


def test_the_officer_invites_the_contact_who_then_becomes_main_contact(client, outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(), CONTACT)
    sign_in(client, officer)
    response = client.post(f"/groups/{group.id}/invite", data={"email": "maureen@example.org"})
    assert response.status_code == 302
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))  # a second officer approves
    [proposal] = handover.proposed_by(officer)
    approved = client.post(f"/groups/handovers/{proposal.id}/approve")
    assert approved.status_code == 302
    [invitation] = [m for m in outbox if m.to == ["maureen@example.org"]]
    token = re.search(r"/groups/invitations/(\S+)", invitation.body)[1]
    maureen = make_user(email="maureen@example.org")
    organisations.accept_group_invitation(maureen, token)
    assert group.main_contact_id == maureen.id
    assert group.contact_email_address == "maureen@example.org"


def test_the_page_for_officers_keeps_what_was_typed_on_errors(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    response = client.post(
        "/groups/new-for-someone", data={"name": "Astley Knitters", "contact_name": ""}
    )
    assert response.status_code == 200
    assert "Enter the name of the person to contact" in error_messages(response)
    assert 'value="Astley Knitters"' in response.get_data(as_text=True)


def test_the_page_for_officers_saves_and_goes_on_to_the_assisted_start(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    data = {
        "name": "Astley Knitters",
        "org_type": "informal_group",
        "address_line_1": "1 Church Road",
        "town": "Astley",
        "postcode": "M29 7AA",
        "income_band": "under_10k",
        "contact_name": "Jean",
        "contact_phone": "07912 345678",
    }
    response = client.post("/groups/new-for-someone", data=data)
    assert response.status_code == 302
    assert "/screening/assisted/new?organisation=" in response.headers["Location"]
    assert "Astley Knitters" in client.get(response.headers["Location"]).get_data(as_text=True)


# Officers keep an offline group's details up to date until someone from it joins


NEW_CONTACT = offline.OfflineContact(
    name="Jean Platt", phone="0161 4960123", email="Jean@Example.org"
)


def test_an_officer_changes_an_offline_groups_details_and_contact_and_it_is_audited():
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(), CONTACT)
    colleague = make_user(Role.PROGRAMME_OFFICER)
    offline.update_offline_group(
        colleague, group, group_details(name="Astley Growers"), NEW_CONTACT
    )
    assert (group.name, group.contact_name, group.contact_phone) == (
        "Astley Growers",
        "Jean Platt",
        "0161 496 0123",
    )
    assert group.contact_email_address == "jean@example.org"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
    assert event.actor_id == colleague.id
    assert (event.before["name"], event.after["name"]) == (
        "Pemberton Allotment Society",
        "Astley Growers",
    )
    assert (event.before["contact_phone"], event.after["contact_phone"]) == (
        "01942 123456",
        "0161 496 0123",
    )


def test_an_offline_groups_changes_are_checked_like_a_new_group_all_at_once():
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(), CONTACT)
    with pytest.raises(InvalidInput) as raised:
        offline.update_offline_group(
            officer, group, group_details(postcode="nope"), offline.OfflineContact("", None, None)
        )
    assert set(raised.value.errors) == {"contact_name", "contact_phone", "postcode"}
    assert (group.postcode, group.contact_name) == ("WN5 8AB", "Maureen Holt")


@pytest.mark.parametrize("role", [None, Role.FINANCE_OFFICER, Role.ADMIN])
def test_only_programme_officers_change_offline_groups(role):
    group = offline.create_offline_group(
        make_user(Role.PROGRAMME_OFFICER), group_details(), CONTACT
    )
    with pytest.raises(NotAllowed):
        offline.update_offline_group(make_user(role), group, group_details(name="X"), CONTACT)


def test_once_someone_from_the_group_joins_the_group_keeps_its_own_details(outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(), CONTACT)
    tokens = []
    proposal = handover.propose(officer, group, "maureen@example.org", approve_link="")
    handover.approve(make_user(Role.PROGRAMME_OFFICER), proposal, tokens.append)
    organisations.accept_group_invitation(make_user(email="maureen@example.org"), tokens[0])
    with pytest.raises(NotAllowed):
        offline.update_offline_group(officer, group, group_details(name="Taken over"), CONTACT)
    assert group.name == "Pemberton Allotment Society"


def test_the_officer_changes_an_offline_group_on_its_edit_page(client):
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = offline.create_offline_group(officer, group_details(), CONTACT)
    sign_in(client, officer)
    page = client.get(f"/groups/{group.id}")
    assert f"/groups/{group.id}/edit" in page.get_data(as_text=True)
    form = client.get(f"/groups/{group.id}/edit")
    assert form.status_code == 200
    assert soup_of(form).find("input", attrs={"name": "contact_name"})["value"] == "Maureen Holt"
    assert "None" not in soup_of(form).main.get_text()
    data = {
        "name": "Astley Knitters",
        "org_type": "informal_group",
        "address_line_1": "1 Church Road",
        "town": "Astley",
        "postcode": "M29 7AA",
        "income_band": "under_10k",
        "contact_name": "Jean",
        "contact_phone": "",
        "contact_email": "",
    }
    refused = client.post(f"/groups/{group.id}/edit", data=data)
    assert error_messages(refused) == ["Enter a phone number for the contact"]
    assert 'value="Astley Knitters"' in refused.get_data(as_text=True)
    saved = client.post(f"/groups/{group.id}/edit", data={**data, "contact_phone": "07912 345678"})
    assert saved.status_code == 302 and saved.location == f"/groups/{group.id}"
    db.session.expire_all()
    assert (group.name, group.contact_phone) == ("Astley Knitters", "07912 345678")
