"""The group forms, sent hostile bodies: an applicant adds, changes and invites people to groups,
and a programme officer adds a group for someone who has no account.

Never a 500. Every group (and the applicant's application) is compared before and after: only
the group a valid save names may change, a valid add makes exactly one new group, and an
invitation never makes anyone a member.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from grants.extensions import db
from grants.organisations import offline, services
from grants.organisations.models import IncomeBand, Membership, Organisation, OrganisationType
from grants.permissions import Role
from tests.applications.factories import start_application
from tests.factories import group_details, make_group, make_user, sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import (
    FUZZ,
    application_state,
    assert_kept,
    organisation_state,
    post,
    redirected_to,
)
from tests.fuzz.worlds import answer_everything, round_with_every_question

EMAILS = ("friend@example.org", "Friend.Two@Example.org")
NOT_EMAILS = ("friend@", "@example.org", "a@b", "friend@exämple.org", "ñandú@example.org")


def group_fields() -> dict:
    return {
        "name": fuzz.text_field("Hindley Youth Club", tricky=["x" * 201]),
        "org_type": fuzz.choice_field([t.value for t in OrganisationType]),
        "charity_number": fuzz.text_field("1164883", "", tricky=["116488", "12345678"]),
        "company_number": fuzz.text_field("01234567", "SC123456", "", tricky=["1234567"]),
        "society_number": fuzz.text_field("31234R", "", tricky=["1234567R"]),
        "address_line_1": fuzz.text_field("1 Orrell Road"),
        "address_line_2": fuzz.text_field("Pemberton", ""),
        "town": fuzz.text_field("Wigan"),
        "postcode": fuzz.text_field("WN5 8AB", "wn58ab", tricky=["WN5", "ZZ99 9ZZ9"]),
        "income_band": fuzz.choice_field([band.value for band in IncomeBand]),
    }


def contact_fields() -> dict:
    return {
        "contact_name": fuzz.text_field("Pat Jones"),
        "contact_phone": fuzz.text_field("01942 123456", "", tricky=["x" * 41]),
        "contact_email": fuzz.text_field("pat@example.org", "", tricky=NOT_EMAILS),
    }


OFFLINE_DETAILS = group_details(
    name="Marsh Green Gardeners",
    org_type="informal_group",
    address_line_1="2 Kitt Green Road",
    postcode="WN5 0AB",
)
OFFLINE_CONTACT = offline.OfflineContact(name="Pat Jones", phone="01942 123456", email=None)


class Groups:
    """The signed-in applicant's own group, with a filled-in application; another applicant's
    group; and a group an officer added for someone without an account."""

    def __init__(self, client):
        self.applicant = make_user(name="Alex Applicant")
        sign_in(client, self.applicant)
        mine = make_group(self.applicant)
        self.application_id = answer_everything(
            start_application(round_with_every_question(), mine, applicant=self.applicant)
        ).id
        self.officer = make_user(Role.PROGRAMME_OFFICER)
        offline_group = offline.create_offline_group(self.officer, OFFLINE_DETAILS, OFFLINE_CONTACT)
        self.ids = {
            "mine": mine.id,
            "theirs": make_group(make_user(), name="Ince Pensioners Club").id,
            "offline": offline_group.id,
        }

    def restore_mine(self) -> None:
        """Put the applicant's group back as make_group made it, after an example changed it."""
        group = db.session.get(Organisation, self.ids["mine"])
        services.update_group(self.applicant, group, group_details())

    def restore_offline(self) -> None:
        group = db.session.get(Organisation, self.ids["offline"])
        offline.update_offline_group(self.officer, group, OFFLINE_DETAILS, OFFLINE_CONTACT)

    def states(self) -> dict:
        """Every group, and the applicant's application."""
        group_ids = db.session.scalars(select(Organisation.id))
        state = {("group", id_): organisation_state(id_) for id_ in group_ids}
        state[("application", self.application_id)] = application_state(self.application_id)
        return state


@pytest.fixture
def groups(client, reference_data) -> Groups:
    return Groups(client)


def assert_groups_kept(before: dict, after: dict, *, changed=None, added: bool = False) -> None:
    """Every group and application as it was, except the ``changed`` group's details; and at
    most one new group (exactly one when ``added``)."""
    for key, state in before.items():
        if key == ("group", changed):
            assert_kept(state, after[key], may_change={"details"})
        else:
            assert_kept(state, after[key])
    new = [key for key in after if key not in before]
    assert len(new) == (1 if added else 0), f"new groups: {new}"


@FUZZ
@given(data=st.data())
def test_adding_a_group(client, groups, data):
    body = data.draw(fuzz.form_bodies(group_fields()), label="body")
    before = groups.states()

    response = post(client, "/groups/new", body)

    added = response.status_code == 302
    event("added" if added else f"answered {response.status_code}")
    assert_groups_kept(before, groups.states(), added=added)


@FUZZ
@given(data=st.data())
def test_changing_a_group(client, groups, data):
    """The same body goes to the applicant's own group, someone else's, and an officer's."""
    body = data.draw(fuzz.form_bodies(group_fields()), label="body")
    start = groups.states()
    try:
        for name, group_id in groups.ids.items():
            before = groups.states()

            response = post(client, f"/groups/{group_id}/edit", body)

            saved = redirected_to(response, f"/groups/{group_id}")
            event(f"{name}: {'saved' if saved else response.status_code}")
            assert not saved or name == "mine"
            assert_groups_kept(before, groups.states(), changed=group_id if saved else None)
    finally:
        if groups.states() != start:
            groups.restore_mine()


@FUZZ
@given(data=st.data())
def test_inviting_someone(client, groups, outbox, data):
    emails = fuzz.text_field(*EMAILS, tricky=[*NOT_EMAILS, groups.applicant.email, "x" * 250])
    body = data.draw(fuzz.form_bodies({"email": emails}), label="body")
    for name, group_id in groups.ids.items():
        before, sent = groups.states(), len(outbox)

        response = post(client, f"/groups/{group_id}/invite", body)

        saved = redirected_to(response, f"/groups/{group_id}")
        event(f"{name}: {'invited' if saved else response.status_code}")
        assert not saved or name == "mine"
        assert len(outbox) == sent + saved
        assert_groups_kept(before, groups.states())


@FUZZ
@given(data=st.data())
def test_an_officer_adding_a_group_for_someone(client, groups, data):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    body = data.draw(fuzz.form_bodies({**group_fields(), **contact_fields()}), label="body")
    before = groups.states()

    response = post(client, "/groups/new-for-someone", body)

    added = redirected_to(response, "/screening/assisted/new")
    event("added" if added else f"answered {response.status_code}")
    assert_groups_kept(before, groups.states(), added=added)


@FUZZ
@given(data=st.data())
def test_an_officer_changing_groups(client, groups, data):
    """An officer may change only the group they look after, never a group with members."""
    sign_in(client, groups.officer)
    body = data.draw(fuzz.form_bodies({**group_fields(), **contact_fields()}), label="body")
    start = groups.states()
    try:
        for name, group_id in groups.ids.items():
            before = groups.states()

            response = post(client, f"/groups/{group_id}/edit", body)

            saved = redirected_to(response, f"/groups/{group_id}")
            event(f"{name}: {'saved' if saved else response.status_code}")
            assert not saved or name == "offline"
            assert_groups_kept(before, groups.states(), changed=group_id if saved else None)
    finally:
        if groups.states() != start:
            groups.restore_offline()


@FUZZ
@given(data=st.data())
def test_removing_members(client, groups, data):
    """Any membership id, real (of any group) or made up, through any group: the applicant is
    their group's last member, so nobody is ever removed."""
    membership_ids = list(db.session.scalars(select(Membership.id)))
    membership_id = data.draw(
        st.one_of(st.sampled_from(membership_ids), st.integers(0, 2**70)), label="membership"
    )
    name = data.draw(st.sampled_from(sorted(groups.ids)), label="group")
    before = groups.states()

    response = post(client, f"/groups/{groups.ids[name]}/members/{membership_id}/remove", {})

    event(f"{name}: {response.status_code}")
    assert response.status_code in (302, 404)
    assert_groups_kept(before, groups.states())
