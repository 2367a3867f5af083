"""Every group has a UK phone number for finance to call back, recorded with when it was first
given and when it was last changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.applications import services as applications
from grants.audit import AuditEvent
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.organisations import offline
from grants.organisations import services as organisations
from grants.organisations.validation import PHONE_FORMAT, normalise_phone
from grants.permissions import Role
from tests.applications.factories import complete, start_application
from tests.checks import error_messages, soup_of
from tests.factories import group_details, make_group, make_user, sign_in

NO_PHONE_MESSAGE = "Enter a phone number for the group, so we can call you back"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01942123456", "01942 123456"),
        ("+44 1942 123456", "01942 123456"),
        ("(01942) 123-456", "01942 123456"),
        ("07912345678", "07912 345678"),
    ],
)
def test_uk_numbers_are_accepted_as_people_write_them(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["999", "01942", "+1 202 555 0100", "phone me", "0" * 40, "²"])
def test_numbers_that_cannot_be_rung_in_the_uk_are_refused(typed):
    assert normalise_phone(typed) is None
    with pytest.raises(InvalidInput) as refused:
        make_group(make_user(), contact_phone=typed)
    assert refused.value.errors == {"contact_phone": PHONE_FORMAT}


def test_a_new_group_needs_a_phone_number_and_keeps_when_it_was_given():
    with pytest.raises(InvalidInput) as refused:
        make_group(make_user(), contact_phone=None)
    assert refused.value.errors == {"contact_phone": NO_PHONE_MESSAGE}
    group = make_group(make_user(), contact_phone="01942123456")
    assert group.contact_phone == "01942 123456"
    assert group.contact_phone_given_at is not None and group.contact_phone_changed_at is None


def test_the_add_your_group_page_asks_for_the_number(client):
    sign_in(client, make_user())
    data = {
        "name": "Hindley Green Community Choir",
        "org_type": "constituted_group",
        "address_line_1": "2 Atherton Road",
        "town": "Hindley",
        "postcode": "WN2 3ER",
        "income_band": "under_10k",
    }
    response = client.post("/groups/new", data=data)
    assert error_messages(response) == [NO_PHONE_MESSAGE]
    wrong = client.post("/groups/new", data={**data, "contact_phone": "+1 202 555 0100"})
    assert error_messages(wrong) == [PHONE_FORMAT]
    assert soup_of(wrong).find("input", attrs={"name": "contact_phone"})["value"] == (
        "+1 202 555 0100"
    )
    saved = client.post("/groups/new", data={**data, "contact_phone": "01942 123456"})
    assert saved.status_code == 302


def test_an_offline_group_needs_a_phone_number_even_with_an_email_address():
    officer = make_user(Role.PROGRAMME_OFFICER)
    with pytest.raises(InvalidInput) as refused:
        offline.create_offline_group(
            officer, group_details(), offline.OfflineContact("Jean", None, "jean@example.org")
        )
    assert set(refused.value.errors) == {"contact_phone"}


def test_changing_the_number_records_when_and_retyping_it_is_no_change():
    member = make_user()
    group = make_group(member)
    given_at = group.contact_phone_given_at
    organisations.update_group(member, group, group_details(contact_phone="01942123456"))
    assert group.contact_phone_changed_at is None  # the same number, typed differently
    organisations.update_group(member, group, group_details(contact_phone="0161 496 0123"))
    assert group.contact_phone == "0161 496 0123"
    assert group.contact_phone_given_at == given_at
    assert group.contact_phone_changed_at is not None
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "organisation.updated")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.before["contact_phone"], event.after["contact_phone"]) == (
        "01942 123456",
        "0161 496 0123",
    )


def test_a_member_cannot_remove_the_number():
    member = make_user()
    group = make_group(member)
    with pytest.raises(InvalidInput):
        organisations.update_group(member, group, group_details(contact_phone=" "))
    assert group.contact_phone == "01942 123456"


def test_a_group_given_its_first_number_later_has_not_changed_it():
    member = make_user()
    group = make_group(member)
    group.contact_phone = group.contact_phone_given_at = None  # a group from before numbers
    organisations.update_group(member, group, group_details(contact_phone="0161 496 0123"))
    assert group.contact_phone_given_at is not None and group.contact_phone_changed_at is None


@pytest.mark.usefixtures("reference_data")
def test_a_group_without_a_number_is_asked_for_one_before_it_applies(client, outbox):
    member = make_user()
    application = complete(start_application(applicant=member))
    application.organisation.contact_phone = None  # made before numbers were asked for
    with pytest.raises(DomainError, match="Add a phone number to your group's details first"):
        applications.submit(member, application, link_for=lambda a: "")
    sign_in(client, member)
    page = soup_of(client.get(f"/applications/{application.id}/check"))
    link = page.find("a", string="Add a phone number to your group's details")
    assert link["href"] == f"/groups/{application.organisation_id}/edit"
    refused = client.post(f"/applications/{application.id}/check")
    assert "Add a phone number to your group" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert application.reference is None
    application.organisation.contact_phone = "01942 123456"
    sent = client.post(f"/applications/{application.id}/check")
    assert sent.status_code == 302
