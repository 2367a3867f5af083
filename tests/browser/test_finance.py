"""Finance's pages in a real browser, each scanned by axe and checked for sideways scrolling on a
phone: bank details checks, payments and payment runs, the finance home, the ledger, funds and
partners' contributions, variations, money returned and closing an award.

One set of awards, made through the services, puts every page in a state with something on it:
payments raised, approved, in a run and paid, bank details waiting to be verified, a variation
waiting for a decision, and a fund with a partner's contribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import expect

from grants.accounts.models import User
from grants.awards import bank, contributions, payments, runs, services, variations
from grants.awards.models import (
    Award,
    BankDetails,
    Payment,
    Variation,
    VariationKind,
    VerificationMethod,
)
from grants.clock import uk_today
from grants.extensions import db
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_awards
from tests.awards.test_payments_setup import accept, enter_details
from tests.browser.test_awards import (
    button,
    expect_no_failures,
    scan_pages,
    submit_with_errors,
)
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("reference_data")

RUN_DUE_BY = date(2030, 1, 4)


@dataclass
class Books:
    """Awards and payments in every state finance's pages show."""

    viewer: User  # a finance officer who may also see bank details in full
    active: Award  # first instalment paid; a variation waiting for a decision
    raised: Payment  # raised by another officer: the viewer may approve it
    approved: Payment  # approved, in no run yet
    run_id: int
    sent_run_id: int  # downloaded, then a payee's bank details changed
    void_run_id: int  # a payee's bank details changed before it was downloaded
    to_stop: Payment  # in the sent run: to be stopped at the bank
    increased: Award  # being prepared, above the panel's decision, waiting for approval
    unverified: BankDetails
    variation: Variation
    fund_id: int


def _verified(award: Award, member: User, raiser: User) -> None:
    accept(award)
    details = enter_details(member, award)
    bank.verify(raiser, details, VerificationMethod.CALL_BACK, "Called the treasurer")


def _the_books() -> Books:
    raiser, approver = finance_officer(name="Rhys Raiser"), finance_officer(name="Ana Approver")
    viewer = make_user(Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER, name="Vic Viewer")
    active, raised, approved, in_run, waiting, sent, voided, increased = released_awards(
        [500_000, 150_000, 150_000, 150_000, 150_000, 150_000, 150_000, 150_000]
    )
    for funded in (active, raised, approved, in_run, sent, voided):
        _verified(funded.award, funded.member, raiser)
    runs_made = []
    for funded in (sent, voided):
        payments.raise_payment(raiser, funded.award.payments[0])
        payments.approve(approver, funded.award.payments[0])
        runs_made.append(runs.create_run(raiser, RUN_DUE_BY).run)
        if funded is sent:
            runs.run_file(viewer, runs_made[-1])
        enter_details(funded.member, funded.award, account_number="99998888")
    services.adjust(
        raiser,
        increased.award,
        services.AwardChanges(
            amount_pence=200_000,
            start_date=increased.award.start_date,
            end_date=increased.award.end_date,
            amount_reason="Venue costs rose after the panel met",
        ),
    )
    accept(waiting.award)
    unverified = enter_details(waiting.member, waiting.award)

    first = active.award.payments[0]
    payments.raise_payment(raiser, first)
    payments.approve(approver, first)
    payments.mark_paid(approver, first, uk_today(), "BACS-0001", link="/awards")
    for funded in (in_run, approved):
        payments.raise_payment(raiser, funded.award.payments[0])
    payments.approve(approver, in_run.award.payments[0])
    run = runs.create_run(raiser, RUN_DUE_BY).run
    # Approved after the run was made, so the new run form has a payment to offer.
    payments.approve(approver, approved.award.payments[0])
    payments.raise_payment(raiser, raised.award.payments[0])
    variation = variations.propose(
        raiser,
        active.award,
        variations.Proposal(VariationKind.AMOUNT, "More volunteers", amount_change_pence=50_000),
    )
    fund = active.award.round.fund
    contributions.add(
        raiser,
        fund,
        contributions.ContributionDetails(
            "NHS Greater Manchester Integrated Care", "GB-NHS-QOP", 1_000_000, uk_today()
        ),
    )
    db.session.flush()
    db.session.expire(fund, ["budget_pence"])
    return Books(
        viewer=viewer,
        active=active.award,
        raised=raised.award.payments[0],
        approved=approved.award.payments[0],
        run_id=run.id,
        sent_run_id=runs_made[0].id,
        void_run_id=runs_made[1].id,
        to_stop=sent.award.payments[0],
        increased=increased.award,
        unverified=unverified,
        variation=variation,
        fund_id=fund.id,
    )


def _reveal(page) -> None:
    """Press the button: the full account number is shown (and the reveal audited)."""
    button(page, "Show the details in full").click()
    expect(page.get_by_text("00733445")).to_be_visible()


def test_every_finance_page_type_is_accessible_and_fits_a_phone(page, sign_in):
    books = _the_books()
    active = books.active.id
    sign_in(page, books.viewer)
    failures = scan_pages(
        page,
        {
            "finance home": "/finance/",
            "payments index": "/payments/",
            "payment raised": f"/payments/{books.raised.id}",
            "payment approved": f"/payments/{books.approved.id}",
            "mark paid form": f"/payments/{books.approved.id}/paid",
            "hold (reason)": f"/payments/{books.raised.id}/hold",
            "cancel (reason)": f"/payments/{books.raised.id}/cancel",
            "cancel with errors": (
                f"/payments/{books.raised.id}/cancel",
                submit_with_errors("Cancel the payment"),
            ),
            "runs list": "/payments/runs",
            "new run form": "/payments/runs/new",
            "run page": f"/payments/runs/{books.run_id}",
            "run page (sent)": f"/payments/runs/{books.sent_run_id}",
            "run page (voided)": f"/payments/runs/{books.void_run_id}",
            "payment to stop at the bank": f"/payments/{books.to_stop.id}",
            "stop at the bank form": f"/payments/{books.to_stop.id}/stop",
            "stop at the bank with errors": (
                f"/payments/{books.to_stop.id}/stop",
                submit_with_errors("Record what the bank said"),
            ),
            "award increase waiting (finance)": f"/awards/{books.increased.id}",
            "adjust form with a reason": f"/awards/{books.increased.id}/adjust",
            "verify": f"/payments/bank-details/{books.unverified.id}/verify",
            "verify with errors": (
                f"/payments/bank-details/{books.unverified.id}/verify",
                submit_with_errors("Mark as verified"),
            ),
            "reveal": f"/payments/bank-details/{books.unverified.id}/reveal",
            "revealed": (
                f"/payments/bank-details/{books.unverified.id}/reveal",
                _reveal,
            ),
            "ledger": "/finance/ledger",
            "funds": "/finance/funds/",
            "fund page": f"/finance/funds/{books.fund_id}",
            "contribution form": f"/finance/funds/{books.fund_id}/contributions/new",
            "contribution with errors": (
                f"/finance/funds/{books.fund_id}/contributions/new",
                submit_with_errors("Save contribution"),
            ),
            "award active (finance)": f"/awards/{active}",
            "variation kinds": f"/finance/awards/{active}/variations/new",
            "variation form: amount": f"/finance/awards/{active}/variations/new/amount",
            "variation form with errors": (
                f"/finance/awards/{active}/variations/new/amount",
                submit_with_errors("Propose the variation"),
            ),
            "variation form: end date": f"/finance/awards/{active}/variations/new/end_date",
            "variation form: schedule": f"/finance/awards/{active}/variations/new/schedule",
            "variation page": f"/finance/variations/{books.variation.id}",
            "variations list": "/finance/variations",
            "recovery form": f"/finance/awards/{active}/money-returned",
            "recovery with errors": (
                f"/finance/awards/{active}/money-returned",
                submit_with_errors("Record money returned"),
            ),
            "close form": f"/finance/awards/{active}/close",
            "close with errors": (
                f"/finance/awards/{active}/close",
                submit_with_errors("Close the award"),
            ),
        },
    )
    expect_no_failures(failures)
