"""Keeping neighbourhoods and principles right."""

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.errors import DomainError
from grants.extensions import db
from grants.permissions import Role
from grants.reference import services
from grants.reference.models import Neighbourhood, Principle
from tests.factories import make_user

SIX = [
    "See the person",
    "Listen deeply",
    "Know this place",
    "Connect to neighbourhoods",
    "Show our love and pride",
    "Do the right thing",
]


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def ward(code):
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.code == code))


def test_the_six_principles_are_seeded_in_order(reference_data):
    assert [p.name for p in services.principles()] == SIX
    assert [p.position for p in services.principles()] == [1, 2, 3, 4, 5, 6]
    assert all(p.description for p in services.principles())


def test_seeding_again_adds_nothing(reference_data):
    assert services.seed_principles() == 0
    assert len(services.principles()) == 6


def test_seeding_keeps_a_renamed_principle_and_restores_a_missing_one(reference_data):
    admin = make_user(Role.ADMIN)
    first = services.principles()[0]
    services.save_principle(admin, first, name="See the whole person", description="x", position=1)
    assert services.seed_principles() == 1
    names = [p.name for p in services.principles()]
    assert "See the whole person" in names and "See the person" in names


def test_neighbourhoods_are_listed_by_name_and_inactive_ones_can_be_left_out(reference_data):
    names = [n.name for n in db.session.scalars(services.neighbourhoods_query())]
    assert names == sorted(names) and len(names) == 25
    services.update_neighbourhood(
        None, ward("E05000840"), name="Abram", place=None, is_active=False
    )
    active = services.active_neighbourhoods()
    assert len(active) == 24
    assert "Abram" not in [n.name for n in active]


def test_changing_a_neighbourhood_is_audited_with_before_and_after(reference_data):
    admin = make_user(Role.ADMIN)
    services.update_neighbourhood(
        admin, ward("E05000849"), name=" Hindley Town ", place=" Hindley ", is_active=True
    )
    assert (ward("E05000849").name, ward("E05000849").place) == ("Hindley Town", "Hindley")
    [event] = events("neighbourhood.updated")
    assert event.actor_id == admin.id
    assert event.before == {"code": "E05000849", "name": "Hindley", "place": None, "active": True}
    assert event.after == {
        "code": "E05000849",
        "name": "Hindley Town",
        "place": "Hindley",
        "active": True,
    }


def test_a_blank_place_is_stored_as_none(reference_data):
    services.update_neighbourhood(
        None, ward("E05000849"), name="Hindley", place="   ", is_active=True
    )
    assert ward("E05000849").place is None


def test_a_new_principle_is_saved_and_audited(reference_data):
    admin = make_user(Role.ADMIN)
    saved = services.save_principle(
        admin, None, name=" Share power ", description="Decide together.", position=7
    )
    assert services.principles()[-1] == saved
    assert saved.name == "Share power"
    [event] = events("principle.created")[-1:]
    assert event.actor_id == admin.id and event.after["name"] == "Share power"


def test_changing_a_principle_is_audited_with_before_and_after(reference_data):
    admin = make_user(Role.ADMIN)
    listen = services.principles()[1]
    services.save_principle(
        admin,
        listen,
        name="Listen deeply",
        description="Hear everyone.",
        position=9,
        is_active=False,
    )
    [event] = events("principle.updated")
    assert event.before["position"] == 2 and event.after["position"] == 9
    assert event.after["active"] is False
    assert services.principles(include_inactive=False)[-1].name == "Do the right thing"


@pytest.mark.parametrize("name", ["Listen deeply", "LISTEN DEEPLY", "  listen deeply "])
def test_principle_names_must_be_unique_ignoring_case(reference_data, name):
    with pytest.raises(DomainError) as caught:
        services.save_principle(None, None, name=name, description="Again", position=7)
    assert caught.value.field == "name"
    assert db.session.scalar(select(Principle).where(Principle.description == "Again")) is None


def test_a_principle_can_keep_its_own_name(reference_data):
    listen = services.principles()[1]
    services.save_principle(
        None, listen, name="listen deeply", description="Hear everyone.", position=2
    )
    assert listen.name == "listen deeply"
