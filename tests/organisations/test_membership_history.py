"""Membership is kept with dates: removing a member ends the row, a rejoin is a new row, only one
membership of a group may be open at once, and the conflict rule counts anyone who belonged to
the group at any time since an application was made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grants.applications.conflicts import (
    belongs_or_belonged,
    conflicted_application_ids,
    conflicted_pairs,
    own_group_conflict,
)
from grants.applications.models import Application
from grants.clock import utcnow
from grants.extensions import db
from grants.organisations import joins, services
from grants.organisations.models import Membership
from tests.applications.factories import start_application
from tests.factories import make_group, make_user
from tests.organisations.test_membership import invite


def memberships(user, group) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id, Membership.organisation_id == group.id)
            .order_by(Membership.id)
        )
    )


@pytest.fixture
def ada():
    return make_user(name="Ada Member")


@pytest.fixture
def group(ada):
    return make_group(ada, name="Pemberton Allotment Society")


@pytest.fixture
def bob(group, ada):
    person = make_user(name="Bob Second", email="bob@example.org")
    services.accept_group_invitation(person, invite(ada, group, "bob@example.org"))
    return person


def test_removing_a_member_ends_the_row_and_keeps_it(group, ada, bob):
    [membership] = memberships(bob, group)
    services.remove_member(ada, group, membership.id)
    [kept] = memberships(bob, group)
    assert kept.id == membership.id
    assert kept.ended_at is not None and kept.ended_by_id == ada.id
    assert not kept.is_current
    assert not services.is_member(bob, group.id)
    assert [m.user_id for m in group.memberships] == [ada.id]  # current members only
    assert [m.user_id for m in services.memberships_of(group)] == [ada.id]
    assert group not in services.groups_of(bob)


def test_a_rejoin_is_a_new_row_beside_the_ended_one(group, ada, bob):
    [first] = memberships(bob, group)
    services.remove_member(ada, group, first.id)
    services.accept_group_invitation(bob, invite(ada, group, "bob@example.org"))
    ended, rejoined = memberships(bob, group)
    assert ended.id == first.id and ended.ended_at is not None
    assert rejoined.id != first.id and rejoined.ended_at is None
    assert services.is_member(bob, group.id)
    assert [m.user_id for m in services.memberships_of(group)].count(bob.id) == 1


def test_the_partial_unique_index_refuses_two_open_memberships(group, ada):
    with db.session.begin_nested():
        db.session.add(Membership(organisation_id=group.id, user_id=ada.id, ended_at=None))
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_the_partial_unique_index_allows_many_ended_memberships_beside_an_open_one(group, ada):
    earlier = utcnow() - timedelta(days=30)
    for days in (20, 10):
        db.session.add(
            Membership(
                organisation_id=group.id,
                user_id=ada.id,
                joined_at=earlier,
                ended_at=utcnow() - timedelta(days=days),
            )
        )
    db.session.flush()
    assert len(memberships(ada, group)) == 3


def test_a_membership_cannot_end_before_it_began(group, ada):
    with db.session.begin_nested():
        db.session.add(
            Membership(
                organisation_id=group.id,
                user_id=make_user().id,
                joined_at=utcnow(),
                ended_at=utcnow() - timedelta(days=1),
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()


def _former_member(application: Application, *, ended: timedelta) -> object:
    """Someone whose membership of the applying group ended ``ended`` after the application was
    made (negative: before it)."""
    person = make_user()
    joined = application.created_at - timedelta(days=365)
    db.session.add(
        Membership(
            organisation_id=application.organisation_id,
            user_id=person.id,
            joined_at=joined,
            ended_at=application.created_at + ended,
        )
    )
    db.session.flush()
    return person


@pytest.mark.usefixtures("reference_data")
def test_the_window_counts_a_membership_ended_after_the_application_was_made_not_before():
    application = start_application()
    application.created_at = utcnow() - timedelta(days=10)
    db.session.flush()
    left_after = _former_member(application, ended=timedelta(days=2))
    left_before = _former_member(application, ended=-timedelta(days=2))
    current = application.organisation.main_contact
    stranger = make_user()

    assert belongs_or_belonged(current, application)
    assert belongs_or_belonged(left_after, application)
    assert not belongs_or_belonged(left_before, application)
    assert not belongs_or_belonged(stranger, application)
    assert "or have done since this application was made" in own_group_conflict(
        left_after, application, "screen"
    )
    assert own_group_conflict(left_before, application, "screen") is None
    # The bulk forms agree with the one-at-a-time answer.
    in_round = Application.round_id == application.round_id
    pairs = set(db.session.execute(conflicted_pairs(in_round)).tuples())
    assert pairs == {(application.id, current.id), (application.id, left_after.id)}
    assert conflicted_application_ids(left_after, in_round) == {application.id}
    assert conflicted_application_ids(left_before, in_round) == set()


def test_joining_a_group_tells_the_registered_listeners(group, ada, monkeypatch):
    heard = []
    monkeypatch.setattr(joins, "_listeners", [lambda person, group_id: heard.append(group_id)])
    person = make_user(email="carol@example.org")
    services.accept_group_invitation(person, invite(ada, group, "carol@example.org"))
    assert heard == [group.id]
