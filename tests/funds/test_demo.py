"""The demo fund: an open and a closed round, with criteria and questions, made once."""

from sqlalchemy import func, select

from grants.extensions import db
from grants.funds.demo import seed_funds
from grants.funds.models import Fund, QuestionKind, Round, RoundStatus
from grants.organisations.models import OrganisationType
from grants.permissions import Role
from tests.factories import make_user


def test_seed_funds_makes_the_demo_rounds_once(reference_data):
    make_user(Role.PROGRAMME_OFFICER, email="officer@example.org")
    lines = seed_funds()
    assert lines[0] == "Fund: Community Investment Fund"
    assert seed_funds()[1].endswith("already there")
    assert db.session.scalar(select(func.count()).select_from(Fund)) == 1

    fund = db.session.scalar(select(Fund))
    assert (fund.budget_pence, fund.funder_org_id, fund.publisher_prefix) == (
        50_000_000,
        "GB-LAE-WGN",
        "360G-wigancouncil",
    )
    small = db.session.scalar(select(Round).where(Round.slug == "small-grants-2026"))
    projects = db.session.scalar(select(Round).where(Round.slug == "community-projects-2026"))
    assert small.status() == RoundStatus.OPEN and projects.status() == RoundStatus.CLOSED
    assert (small.min_award_pence, small.max_award_pence, small.allows_recordings) == (
        25_000,
        200_000,
        True,
    )
    assert OrganisationType.INFORMAL_GROUP.value not in projects.eligible_org_types
    assert projects.blind_panel and projects.max_income_pence == 100_000_000
    for round_ in (small, projects):
        assert len(round_.criteria) == 4
        assert all(c.principle is not None for c in round_.criteria)
        kinds = {q.kind for q in round_.questions}
        assert {QuestionKind.LONG_TEXT, QuestionKind.YES_NO, QuestionKind.FILE} <= kinds
    assert QuestionKind.SINGLE_CHOICE in {q.kind for q in small.questions}


def test_the_demo_rounds_render(client, reference_data):
    seed_funds()
    assert client.get("/rounds/small-grants-2026").status_code == 200
    assert client.get("/rounds/community-projects-2026").status_code == 200
    assert "Small grants 2026" in client.get("/").get_data(as_text=True)
