"""The public eligibility checker, sent hostile answers by someone who is not signed in.

Each example starts from answers given earlier (kept in the signed session cookie, so only values
the checker once accepted, or ones that have since gone stale), posts one fuzzed answer to every
round's page for one question, and follows wherever it leads. Never a 500; and a public page
never changes a fund, a round or an application.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from grants.applications.models import Application
from grants.clock import utcnow
from grants.extensions import db
from grants.funds import checker
from grants.organisations.models import IncomeBand, OrganisationType
from grants.reference.models import Neighbourhood
from tests.applications.factories import open_round
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, funds_state, get, post

# Answers a session may still hold after a ward or a type of group was taken out of use.
STALE = {checker.GROUP_TYPE: "parish_council", checker.INCOME: "over_1m", checker.WHERE: "99999"}


def valid_answers(step: str) -> list[str]:
    if step == checker.GROUP_TYPE:
        return [t.value for t in OrganisationType]
    if step == checker.INCOME:
        return [band.value for band in IncomeBand]
    ids = db.session.scalars(select(Neighbourhood.id).where(Neighbourhood.is_active))
    return [*(str(id_) for id_ in ids), checker.EVERYWHERE]


@pytest.fixture
def slugs(reference_data) -> list[str]:
    """An open round for anyone, anywhere; a narrow one (two types of group, an income limit, two
    wards); one not yet open; and one closed."""
    wards = list(db.session.scalars(select(Neighbourhood).limit(2)))
    now = utcnow()
    rounds = [
        open_round(eligible_org_types=[t.value for t in OrganisationType]),
        open_round(
            eligible_org_types=["constituted_group", "registered_charity"],
            max_income_pence=5_000_000,
            all_neighbourhoods=False,
            neighbourhoods=wards,
        ),
        open_round(opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=40)),
        open_round(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=5)),
    ]
    return [round_.slug for round_ in rounds]


@st.composite
def earlier_answers(draw, slugs: list[str]) -> dict:
    """What the session holds for each round: some steps answered, a few with stale values."""
    remembered = {}
    for slug in slugs:
        answers = {}
        for step in checker.STEPS:
            choice = draw(st.sampled_from(["none", "valid", "stale"]))
            if choice == "valid":
                answers[step] = draw(st.sampled_from(valid_answers(step)))
            elif choice == "stale":
                answers[step] = STALE[step]
        remembered[slug] = answers
    return remembered


def applications_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("step", checker.STEPS)
@FUZZ
@given(data=st.data())
def test_checker_question(client, slugs, step, data):
    remembered = data.draw(earlier_answers(slugs), label="session")
    body = data.draw(
        fuzz.form_bodies({"answer": fuzz.choice_field(valid_answers(step))}), label="body"
    )
    with client.session_transaction() as session:
        session[checker.SESSION_KEY] = remembered
    before, applications = funds_state(), applications_count()

    for slug in slugs:
        response = post(client, f"/rounds/{slug}/check/{step}", body)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            get(client, response.headers["Location"])
        get(client, f"/rounds/{slug}/check/result")

    assert funds_state() == before
    assert applications_count() == applications
