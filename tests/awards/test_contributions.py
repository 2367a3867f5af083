"""Partners' contributions: recorded, corrected and removed by finance, never leaving a fund
with less money than its rounds and awards already count on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards import contributions
from grants.awards.models import Award
from grants.clock import uk_today
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.funds.models import Contribution
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_variations import in_force
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def nhs(amount: int = 2_000_000, **overrides) -> contributions.ContributionDetails:
    values = {
        "contributor_name": "NHS Wigan Borough",
        "contributor_org_id": "GB-NHS-RXX",
        "amount_pence": amount,
        "received_on": date(2026, 5, 1),
    }
    values.update(overrides)
    return contributions.ContributionDetails(**values)


@pytest.fixture
def fund():
    return released_award().award.round.fund  # £500,000 from the council; one £100,000 round


def test_a_contribution_adds_to_the_funds_budget_and_is_audited(fund):
    before = fund.budget_pence
    added = contributions.add(finance_officer(), fund, nhs())
    assert fund.budget_pence == before + 2_000_000
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contribution.added"))
    assert event.after["contributor_org_id"] == "GB-NHS-RXX"
    assert added.created_by_id is not None


@pytest.mark.parametrize("org_id", ["GB-NHS-RXX", "GB-COH-01234567", "GB-CHC-1234567"])
def test_org_ids_in_the_org_id_guide_shape_are_accepted(fund, org_id):
    contributions.add(finance_officer(), fund, nhs(contributor_org_id=org_id))


def test_every_problem_is_reported_at_once(fund):
    with pytest.raises(InvalidInput) as raised:
        contributions.add(
            finance_officer(),
            fund,
            nhs(
                0,
                contributor_name="x" * 201,
                contributor_org_id="NHS",
                received_on=uk_today() + timedelta(days=1),
            ),
        )
    assert set(raised.value.errors) == {
        "contributor_name",
        "contributor_org_id",
        "amount_pence",
        "received_on",
    }


def test_only_finance_officers_record_contributions(fund):
    with pytest.raises(NotAllowed):
        contributions.add(make_user(Role.PROGRAMME_OFFICER), fund, nhs())


def test_a_correction_is_audited_before_and_after(fund):
    finance = finance_officer()
    added = contributions.add(finance, fund, nhs())
    contributions.correct(finance, added, nhs(2_500_000, contributor_name="NHS Wigan"))
    assert added.amount_pence == 2_500_000
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "contribution.corrected")
    )
    assert (event.before["amount_pence"], event.after["amount_pence"]) == (2_000_000, 2_500_000)


def test_a_correction_may_not_leave_the_fund_below_its_rounds(fund):
    council = fund.contributions[0]
    with pytest.raises(DomainError, match="less than the £100,000 its rounds"):
        contributions.correct(
            finance_officer(),
            council,
            nhs(9_000_000, contributor_name="Wigan Council", contributor_org_id="GB-LAE-WGN"),
        )


def test_a_correction_may_not_go_below_what_awards_paid_from_it_commit(fund):
    finance = finance_officer()
    added = contributions.add(finance, fund, nhs())
    award = in_force(db.session.scalar(select(Award)))
    award.contribution_id = added.id
    db.session.flush()
    with pytest.raises(DomainError, match="committed £5,000"):
        contributions.correct(finance, added, nhs(400_000))


def test_a_contribution_named_by_an_award_or_needed_by_the_rounds_cannot_be_removed(fund):
    finance = finance_officer()
    added = contributions.add(finance, fund, nhs())
    award = db.session.scalar(select(Award))
    award.contribution_id = added.id
    db.session.flush()
    with pytest.raises(DomainError, match="cannot be removed"):
        contributions.remove(finance, added)
    with pytest.raises(DomainError, match="its rounds"):
        contributions.remove(finance, fund.contributions[0])
    award.contribution_id = None
    db.session.flush()
    contributions.remove(finance, added)
    assert db.session.get(Contribution, added.id) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contribution.removed"))


# Pages -------------------------------------------------------------------------------------


def test_finance_adds_corrects_and_removes_through_the_pages(client, fund):
    finance = finance_officer()
    sign_in(client, finance)
    assert client.get("/finance/funds/").status_code == 200
    page = client.get(f"/finance/funds/{fund.id}")
    assert page.status_code == 200 and "Wigan Council" in page.get_data(as_text=True)
    url = f"/finance/funds/{fund.id}/contributions/new"
    response = client.post(url, data={"contributor_org_id": "nope", "amount_pence": "-5"})
    assert error_messages(response) == [
        "Enter the contributor's name",
        "Enter the contributor's org-id, like GB-NHS-RXX or GB-COH-01234567",
        "Enter an amount like 1,250.50",
        "Enter the date the money was received",
    ]
    assert soup_of(response).find(id="contributor_org_id")["value"] == "nope"
    form = {
        "contributor_name": "Greater Manchester Police",
        "contributor_org_id": "GB-PLC-GMP",
        "amount_pence": "10,000",
        "received_on": ["1", "5", "2026"],
    }
    assert client.post(url, data=form).status_code == 302
    added = db.session.scalar(
        select(Contribution).where(Contribution.contributor_org_id == "GB-PLC-GMP")
    )
    assert added.amount_pence == 1_000_000
    edit = f"/finance/funds/{fund.id}/contributions/{added.id}"
    assert client.get(edit).status_code == 200
    assert client.post(edit, data={**form, "amount_pence": "12,000"}).status_code == 302
    db.session.expire_all()
    assert added.amount_pence == 1_200_000
    remove = f"{edit}/remove"
    assert client.post(remove).status_code == 302
    assert client.post(remove).status_code == 404  # a second click: already gone
    assert db.session.get(Contribution, added.id) is None
    assert (
        client.get(f"/finance/funds/{fund.id}/contributions/99999999999999999999").status_code
        == 404
    )


def test_the_programme_officers_fund_page_lists_contributions_read_only(client, fund):
    officer = make_user(Role.PROGRAMME_OFFICER)
    sign_in(client, officer)
    page = client.get(f"/funds/{fund.id}").get_data(as_text=True)
    assert "Contributions" in page and "GB-LAE-WGN" in page
    assert "/finance/funds" not in page


def test_the_fund_page_offers_no_remove_button_for_a_contribution_awards_are_paid_from(
    client, fund
):
    finance = finance_officer()
    named, spare = contributions.add(finance, fund, nhs()), contributions.add(finance, fund, nhs())
    db.session.scalar(select(Award)).contribution_id = named.id
    sign_in(client, finance)
    page = soup_of(client.get(f"/finance/funds/{fund.id}"))
    assert page.find(id=f"remove-{named.id}") is None
    assert page.find(id=f"remove-{spare.id}") is not None
