"""The finance home, the ledger and the variations list: what each says is waiting, on whom and
since when, who may see each finance page, and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from grants.awards import finance_home, services, variations
from grants.awards.models import BankDetails, ReleaseCondition, ReportKind, VariationKind
from grants.awards.states import AwardStatus, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.awards import endpoints_finance
from tests.awards.factories import finance_officer, released_award, released_awards
from tests.awards.test_variations import in_force, pay
from tests.checks import soup_of
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def _waiting_world():
    """One award of each kind of waiting: raised by each officer, held, overdue, offered,
    accepted without bank details, and a variation."""
    me, other = finance_officer(name="Fay Finance"), finance_officer(name="Omar Other")
    funded = released_awards([500_000, 100_000, 100_000, 100_000])
    raised, offered, accepted, held = (f.award for f in funded)
    in_force(raised)
    pay(raised.payments[0], other, me, status=PaymentStatus.RAISED)
    raised.payments[0].raised_at = utcnow() - timedelta(days=3)
    pay(raised.payments[1], me, other, status=PaymentStatus.RAISED)
    raised.payments[1].due_on = uk_today() - timedelta(days=2)
    offered.status = AwardStatus.OFFERED
    offered.offered_at = utcnow() - timedelta(days=12)
    offered.offer_expires_on = uk_today() + timedelta(days=18)
    in_force(accepted)
    in_force(held)
    payment = held.payments[0]
    payment.status, payment.held_from = PaymentStatus.HELD, PaymentStatus.SCHEDULED
    payment.hold_reason, payment.held_by_id = "Bank details changed", me.id
    db.session.add(
        BankDetails(
            organisation_id=held.organisation_id,
            encrypted="token",
            account_last4="1234",
            entered_by_id=funded[3].member.id,
            verified_at=utcnow(),
            verified_by_id=other.id,
            verification_method="call_back",
        )
    )
    variations.propose(
        other, accepted, variations.Proposal(VariationKind.AMOUNT, "More", amount_change_pence=100)
    )
    db.session.flush()
    return me, other, funded


def test_the_home_says_who_each_item_waits_on_and_since_when(client):
    me, other, funded = _waiting_world()
    home = finance_home.home_for(me)
    sections = {s.key: s for s in home.sections}
    approval = [item.waiting for item in sections["approval"].items]
    assert "Awaiting your approval for 3 days (raised by Omar Other)" in approval
    assert "Awaiting approval by another finance officer since today" in approval
    assert sections["overdue"].count == 1
    assert "Bank details changed" in sections["held"].items[0].waiting
    offer = sections["acceptance"].items[0].waiting
    assert offer.startswith("Offer sent 12 days ago") and "expires" in offer
    bank = {item.subject.id for item in sections["bank"].items}
    assert funded[2].award.id in bank and funded[3].award.id not in bank
    assert sections["variations"].items[0].waiting.startswith("Awaiting your decision")
    assert (
        finance_home.home_for(other)
        .sections[-1]
        .items[0]
        .waiting.startswith("Awaiting a decision by another finance officer")
    )
    sign_in(client, me)
    page = client.get("/finance/")
    assert page.status_code == 200
    text = soup_of(page).get_text(" ", strip=True)
    assert "Awaiting your approval for 3 days" in text
    assert "By neighbourhood" in text and "By contributor" in text


def test_long_lists_are_capped_with_a_see_all_link(client):
    me = finance_officer()
    for funded in released_awards([100_000] * 12):
        funded.award.status = AwardStatus.OFFERED
        funded.award.offered_at = utcnow()
        funded.award.offer_expires_on = uk_today() + timedelta(days=30)
    db.session.flush()
    section = next(s for s in finance_home.home_for(me).sections if s.key == "acceptance")
    assert (len(section.items), section.count, section.more) == (10, 12, True)
    sign_in(client, me)
    page = client.get("/finance/").get_data(as_text=True)
    assert "See all 12" in page and "/awards/?status=offered" in page


def test_the_home_lists_an_instalment_once_its_report_is_accepted(client):
    """The instalment waited on a report, not a date: once the report is accepted it is listed
    as ready to raise, however far off the date it was planned for; the next one still waits."""
    me = finance_officer()
    award = released_award(500_000).award
    in_force(award)
    conditions = {p.release_condition: p for p in award.payments}
    interim, final = (
        conditions[ReleaseCondition.INTERIM_REPORT],
        conditions[ReleaseCondition.FINAL_REPORT],
    )
    interim.due_on = uk_today() + timedelta(days=90)

    def released() -> list:
        [section] = [s for s in finance_home.home_for(me).sections if s.key == "released"]
        return [item.subject for item in section.items]

    assert released() == []
    report = next(r for r in award.reports if r.kind == ReportKind.INTERIM)
    services.record_report_accepted(me, report)
    assert released() == [interim] and final not in released()
    sign_in(client, me)
    page = soup_of(client.get("/finance/"))
    assert f"{award.reference}, instalment {interim.number}" in page.select_one("main").text
    interim.status = PaymentStatus.RAISED
    db.session.flush()
    assert released() == []


@pytest.mark.parametrize("count", [3, 12])
def test_the_home_and_ledger_read_a_fixed_number_of_queries(count, client, count_queries):
    me = finance_officer()
    other = finance_officer()
    for funded in released_awards([300_000 + n for n in range(count)]):
        in_force(funded.award, paid=1)
        pay(funded.award.payments[1], other, me, status=PaymentStatus.RAISED)
    db.session.flush()
    assert count_queries(lambda: finance_home.home_for(me)) == 29
    sign_in(client, me)
    assert count_queries(lambda: client.get("/finance/")) <= 32
    assert count_queries(lambda: client.get("/finance/ledger")) <= 12


def test_the_ledger_page_filters_and_has_every_table(client):
    funded = released_award()
    in_force(funded.award, paid=1)
    sign_in(client, finance_officer())
    page = client.get(f"/finance/ledger?fund={funded.award.round.fund_id}&round=abc")
    assert page.status_code == 200
    captions = [c.get_text(strip=True) for c in soup_of(page).select("caption")]
    assert captions == ["By fund", "By round", "By contributor", "By neighbourhood", "By principle"]
    assert "£5,000" in page.get_data(as_text=True)
    assert client.get("/finance/ledger?fund=99999999999999999999999").status_code == 200


def test_the_variations_list(client):
    _waiting_world()
    sign_in(client, finance_officer())
    page = client.get("/finance/variations")
    assert page.status_code == 200 and "Increase the amount by £1" in page.get_data(as_text=True)


def test_the_home_page_links_finance_officers_to_finance(client):
    me, _, _ = _waiting_world()
    sign_in(client, me)
    text = soup_of(client.get("/home")).get_text(" ", strip=True)
    assert "1 payment raised by another finance officer is awaiting your approval" in text
    assert "1 payment is overdue" in text


# Who may see each page -------------------------------------------------------------------


def _urls(award, variation, fund, contribution) -> dict[str, str]:
    return {
        "finance.home": "/finance/",
        "finance.funds": "/finance/funds/",
        "finance.fund": f"/finance/funds/{fund.id}",
        "finance.contribution": f"/finance/funds/{fund.id}/contributions/{contribution.id}",
        "finance.ledger": "/finance/ledger",
        "finance.export_csv": "/finance/exports/ledger.csv",
        "finance.export_xlsx": "/finance/exports/payments.xlsx",
        "finance.variations_list": "/finance/variations",
        "finance.variation": f"/finance/variations/{variation.id}",
        "finance.variation_kinds": f"/finance/awards/{award.id}/variations/new",
        "finance.propose_variation": f"/finance/awards/{award.id}/variations/new/amount",
        "finance.record_recovery": f"/finance/awards/{award.id}/money-returned",
        "finance.close_award": f"/finance/awards/{award.id}/close",
    }


POST_ONLY = {
    "finance.remove_contribution": "/finance/funds/{fund}/contributions/{contribution}/remove",
    "finance.decide_variation": "/finance/variations/{variation}/approve",
}
ACTING = {
    "finance.variation_kinds",
    "finance.propose_variation",
    "finance.record_recovery",
    "finance.close_award",
}


@pytest.fixture
def world():
    funded = released_award()
    award = in_force(funded.award, paid=1)
    proposer = finance_officer()
    variation = variations.propose(
        proposer, award, variations.Proposal(VariationKind.AMOUNT, "More", amount_change_pence=100)
    )
    fund = award.round.fund
    return funded, variation, fund, fund.contributions[0]


def test_every_finance_endpoint_is_checked_here():
    anything = SimpleNamespace(id=1)
    urls = _urls(anything, anything, anything, anything)
    assert set(urls) | set(POST_ONLY) == endpoints_finance.ENDPOINTS


@pytest.mark.parametrize(
    "who, expected",
    [
        ("finance", 200),
        ("programme_officer", 403),
        ("admin", 403),
        ("bank_details_viewer", 403),
        ("group_member", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_each_finance_page(client, world, who, expected):
    funded, variation, fund, contribution = world
    people = {
        "finance": finance_officer(),
        "programme_officer": make_user(Role.PROGRAMME_OFFICER),
        "admin": make_user(Role.ADMIN),
        "bank_details_viewer": make_user(Role.BANK_DETAILS_VIEWER),
        "group_member": funded.member,
    }
    if who != "anonymous":
        sign_in(client, people[who])
    for endpoint, url in _urls(funded.award, variation, fund, contribution).items():
        response = client.get(url)
        response.get_data()  # an export streams: read it to the end
        response.close()
        assert response.status_code == expected, (endpoint, response.status_code)
        if expected == 302:
            assert "/sign-in" in response.headers["Location"]
    for endpoint, template in POST_ONLY.items():
        url = template.format(fund=fund.id, contribution=contribution.id, variation=variation.id)
        response = client.post(url)
        assert response.status_code == (302 if who == "finance" else expected), endpoint


def test_a_finance_officer_in_the_group_may_look_but_not_act(client, world):
    funded, variation, fund, contribution = world
    insider = finance_officer()
    db.session.add(Membership(user_id=insider.id, organisation_id=funded.award.organisation_id))
    sign_in(client, insider)
    for endpoint, url in _urls(funded.award, variation, fund, contribution).items():
        expected = 403 if endpoint in ACTING else 200
        response = client.get(url)
        response.get_data()
        response.close()
        assert response.status_code == expected, endpoint
    assert client.post(f"/finance/variations/{variation.id}/approve").status_code == 403
    db.session.expire_all()
    assert variation.status.value == "proposed"


def test_unknown_and_huge_ids_are_not_found(client, world):
    sign_in(client, finance_officer())
    for url in [
        "/finance/funds/99999",
        "/finance/funds/99999999999999999999999",
        "/finance/variations/99999",
        "/finance/awards/99999/close",
        "/finance/awards/99999999999999999999999/money-returned",
        "/finance/exports/secrets.csv",
    ]:
        assert client.get(url).status_code == 404, url
