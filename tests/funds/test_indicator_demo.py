"""The demo fund's indicator library, and demo applications that use it."""

from __future__ import annotations

from sqlalchemy import func, select

from grants.applications.models import Outcome
from grants.extensions import db
from grants.funds.demo import INDICATORS, seed_funds
from grants.funds.models import Indicator
from grants.permissions import Role
from grants.reference.models import Principle
from tests.factories import make_user


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_library_covers_every_principle_once(reference_data):
    make_user(Role.PROGRAMME_OFFICER, email="officer@example.org")
    assert seed_funds()[-1] == f"  Indicators: {len(INDICATORS)} added"
    assert seed_funds()[-1] == "  Indicators: already there"
    library = list(db.session.scalars(select(Indicator)))
    assert len(library) == len(INDICATORS) >= 12
    principles = {p.id for p in db.session.scalars(select(Principle))}
    assert {i.principle_id for i in library} == principles
    assert all(len(i.definition) > 40 and i.is_active for i in library)
    assert len({i.unit for i in library}) == 7  # people, sessions, hours... yes or no


def test_demo_applications_mostly_count_the_funds_way(runner, reference_data):
    runner.invoke(args=["seed-demo"])
    outcomes = list(db.session.scalars(select(Outcome)))
    measured = [o for o in outcomes if o.is_measured]
    own = [o for o in outcomes if not o.is_measured]
    assert own and len(measured) > 5 * len(own)
    assert all(o.principle_id == o.indicator.principle_id for o in measured)
    before = (_count(Indicator), _count(Outcome))
    runner.invoke(args=["seed-demo"])
    assert (_count(Indicator), _count(Outcome)) == before
