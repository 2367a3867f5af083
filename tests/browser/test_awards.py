"""Awards in a real browser: a group accepts its grant online and gives its bank details; one
finance officer verifies them and raises the first payment, another approves it and records it
paid; the group then sees it paid. The group's half runs again on a phone and without
JavaScript, and every award page type is scanned by axe and for sideways scrolling.

The data is made through the services (released award, offer sent by finance) and committed
before the browser's first request; every control is then found by its label or role.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from grants.accounts.models import User
from grants.awards import offers
from grants.awards.models import Award
from grants.clock import uk_today
from grants.extensions import db
from grants.money import format_pence
from tests.awards.factories import Funded, finance_officer, released_award, released_awards
from tests.browser.test_accessibility import assert_accessible, phone_problems
from tests.browser.test_journeys import expect_scripts_ran

pytestmark = pytest.mark.usefixtures("reference_data")

AMOUNT = 500_000  # three instalments under the default terms: the first, half, on acceptance
FIRST_INSTALMENT = AMOUNT // 2
SIGNATORY = "Sam Signer"
ACCOUNT = {"Name on the account": "Pemberton Allotment Society", "Sort code": "30-94-30",
           "Account number": "00733445"}  # fmt: skip
REMITTANCE = "BACS-2027-0001"


def _link(award: Award) -> str:
    return f"/awards/{award.id}"


def offered_award(amount_pence: int = AMOUNT) -> Funded:
    """An award released by the panel whose offer a finance officer has sent."""
    funded = released_award(amount_pence)
    offers.send_offer(finance_officer(name="Fay Sender"), funded.award, _link)
    db.session.flush()
    return funded


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def expect_banner(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def expect_status(page: Page, label: str) -> None:
    """The award's or payment's status tag, the first in the page's main content."""
    expect(page.locator("main .govuk-tag").first).to_have_text(label)


def summary_value(page: Page, key: str):
    """The value beside ``key`` (the whole key, so "Approved" is not the status row)."""
    whole_key = page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{key}\s*$"))
    return page.locator(".govuk-summary-list__row", has=whole_key).locator("dd").first


def sign_out(page: Page) -> None:
    button(page, "Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


# The group's steps ------------------------------------------------------------------------------


def open_award_from_home(page: Page, funded: Funded) -> None:
    """From the home page, through the application, to the offer."""
    application = funded.award.application
    page.goto("/home")
    page.get_by_role("link", name=application.title, exact=True).click()
    page.get_by_role("link", name="See your grant offer", exact=True).click()
    expect(heading(page)).to_have_text("Your grant offer")
    expect_status(page, "Offered")


def read_the_offer(page: Page) -> None:
    """The offer letter and agreement is a PDF the group can download."""
    offer = page.get_by_role("link", name=re.compile(r"^Offer letter"))
    expect(offer.first).to_be_visible()
    response = page.request.get(offer.first.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"


def accept_online(page: Page, *, scan: bool = False) -> None:
    button(page, "Accept the grant").click()
    expect(heading(page)).to_have_text("Accept your grant")
    expect(summary_value(page, "Amount")).to_have_text(format_pence(AMOUNT))
    if scan:
        assert_accessible(page)
    button(page, "Accept the grant").click()  # nothing filled in: every error at once
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Enter your full name",
        "Enter your role in the group",
        "Confirm that you are authorised to accept this grant",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    if scan:
        assert_accessible(page)
    page.get_by_label("Full name", exact=True).fill(SIGNATORY)
    page.get_by_label("Your role in the group", exact=True).fill("Chair")
    page.get_by_label(re.compile(r"I confirm that I am authorised to accept this grant")).check()
    button(page, "Accept the grant").click()
    expect_banner(page, "You have accepted the grant. Next, give your bank details")
    expect(heading(page)).to_have_text("Your grant")
    expect_status(page, "Accepted")
    expect(summary_value(page, "Accepted by")).to_contain_text(f"{SIGNATORY}, Chair, online")


def give_bank_details(page: Page, *, scan: bool = False) -> None:
    button(page, "Give your bank details").click()
    expect(heading(page)).to_have_text("Give your bank details")
    if scan:
        assert_accessible(page)
    page.get_by_label("Sort code", exact=True).fill("30-94")
    button(page, "Save bank details").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the name on the account")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter a valid sort code like 309430")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter an account number")).to_be_visible()
    expect(page.get_by_label("Sort code", exact=True)).to_have_value("30-94")
    if scan:
        assert_accessible(page)
    for label, value in ACCOUNT.items():
        page.get_by_label(label, exact=True).fill(value)
    button(page, "Save bank details").click()
    expect_banner(page, "Bank details saved. We will check these details before paying")
    bank = page.get_by_role("region", name="Bank details", exact=True)
    expect(bank).to_contain_text("Account ending 3445")
    expect(bank).to_contain_text("We will check these details before paying")
    assert "00733445" not in page.content()


# Finance's steps --------------------------------------------------------------------------------


def verify_details(page: Page, award: Award, member: User, officer: User) -> None:
    """The group entered the details, so this officer may verify them."""
    page.goto(_link(award))
    bank = page.get_by_role("region", name="Bank details", exact=True)
    expect(bank).to_contain_text("Not verified")
    assert_accessible(page)
    bank.get_by_role("button", name="Verify", exact=True).click()
    expect(heading(page)).to_have_text("Verify the bank details")
    expect(summary_value(page, "Entered by")).to_contain_text(member.full_name)
    assert_accessible(page)
    page.get_by_label("Called back on a number already on file", exact=True).check()
    page.get_by_label("Note (optional)", exact=True).fill("Called the chair on the number on file")
    button(page, "Mark as verified").click()
    expect_banner(page, "Bank details verified")
    page.goto(_link(award))
    bank = page.get_by_role("region", name="Bank details", exact=True)
    expect(bank).to_contain_text(f"Verified by {officer.full_name}, called back")


def raise_first_payment(page: Page, award: Award, raiser: User) -> None:
    """From the award's page, where the verified details leave the first instalment ready."""
    payments = page.get_by_role("region", name="Payments", exact=True)
    expect(payments).to_contain_text("Ready to be raised by a finance officer")
    button(page, f"Raise payment 1 of {award.reference}").click()
    expect_banner(page, "Payment raised: another finance officer must approve it")
    expect(heading(page)).to_have_text(f"Payment 1 of {award.reference}")
    expect_status(page, "Awaiting approval")
    expect(summary_value(page, "Raised")).to_contain_text(raiser.full_name)
    # The raiser is offered no approval of their own payment.
    expect(page.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)
    assert_accessible(page)


def approve_and_pay(page: Page, award: Award, approver: User) -> None:
    page.goto("/payments/")
    page.get_by_role("link", name=f"{award.reference} payment 1", exact=True).click()
    expect(heading(page)).to_have_text(f"Payment 1 of {award.reference}")
    button(page, f"Approve payment 1 of {award.reference}").click()
    expect_banner(page, "Payment approved")
    expect_status(page, "Approved")
    expect(summary_value(page, "Approved")).to_contain_text(approver.full_name)
    page.get_by_role("link", name=f"Record as paid payment 1 of {award.reference}").click()
    expect(heading(page)).to_have_text("Record the payment as paid")
    button(page, "Record as paid").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    today = uk_today()
    date_group = page.get_by_role("group", name="Date paid")
    date_group.get_by_label("Day", exact=True).fill(str(today.day))
    date_group.get_by_label("Month", exact=True).fill(str(today.month))
    date_group.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("Remittance reference", exact=True).fill(REMITTANCE)
    button(page, "Record as paid").click()
    expect_banner(page, "Payment recorded as paid; the group has been told")
    expect_status(page, "Paid")
    expect(summary_value(page, "Paid")).to_contain_text(REMITTANCE)
    page.get_by_role("link", name=award.reference, exact=True).click()
    expect_status(page, "Active")
    expect(page.get_by_role("region", name="Payments", exact=True)).to_contain_text("Paid")
    assert_accessible(page)


# Scans of every award page type -----------------------------------------------------------------


def submit_with_errors(button_name: str, fill: dict[str, str] | None = None):
    """A step for ``scan_pages``: send the form (with ``fill`` typed first) so it comes back with
    its error summary, a page type of its own."""

    def step(page: Page) -> None:
        for label, value in (fill or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        button(page, button_name).click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()

    return step


def scan_pages(page: Page, pages: dict[str, str | tuple]) -> list[str]:
    """Open each page (``name: url``, or ``name: (url, step)`` to act on it first) and scan it.
    Every failure is collected, so one run names every page to fix."""
    failures = []
    for name, target in pages.items():
        url, step = target if isinstance(target, tuple) else (target, None)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{name}: {url} gave {response}"
        if step is not None:
            step(page)
        try:
            assert_accessible(page)
        except AssertionError as problem:
            failures.append(f"{name}: {problem}")
    return failures


def expect_no_failures(failures: list[str]) -> None:
    assert not failures, "\n\n".join(failures)


def test_every_award_page_type_is_accessible_and_fits_a_phone(page, sign_in):
    preparing, offered = (f for f in released_awards([500_000, 300_000]))
    finance = finance_officer(name="Fay Finance")
    offers.send_offer(finance, offered.award, _link)
    db.session.flush()
    prepared, sent = preparing.award, offered.award

    sign_in(page, finance)
    failures = scan_pages(
        page,
        {
            "awards index": "/awards/",
            "award being prepared (finance)": _link(prepared),
            "adjust": f"/awards/{prepared.id}/adjust",
            "adjust with errors": (
                f"/awards/{prepared.id}/adjust",
                submit_with_errors("Save changes", {"Amount of the award": "lots"}),
            ),
            "terms": f"/awards/rounds/{prepared.round_id}/terms",
            "award offered (finance)": _link(sent),
            "reissue (reason)": f"/awards/{sent.id}/reissue",
            "paper acceptance": f"/awards/{sent.id}/paper-acceptance",
            "paper acceptance with errors": (
                f"/awards/{sent.id}/paper-acceptance",
                submit_with_errors("Record the acceptance"),
            ),
        },
    )
    sign_out(page)
    sign_in(page, preparing.member)
    failures += scan_pages(page, {"award being prepared (group)": _link(prepared)})
    sign_out(page)
    sign_in(page, offered.member)
    failures += scan_pages(
        page,
        {
            "decline (reason)": f"/awards/{sent.id}/decline",
            "decline with errors": (
                f"/awards/{sent.id}/decline",
                submit_with_errors("Decline the offer"),
            ),
        },
    )
    expect_no_failures(failures)


def test_a_group_accepts_and_is_paid_with_four_eyes_on_the_payment(page, sign_in):
    funded = offered_award()
    award = funded.award
    officer_a = finance_officer(name="Aled Raiser")
    officer_b = finance_officer(name="Bea Approver")

    sign_in(page, funded.member)
    open_award_from_home(page, funded)
    expect(summary_value(page, "Amount")).to_have_text(format_pence(AMOUNT))
    assert_accessible(page)
    read_the_offer(page)
    accept_online(page, scan=True)
    assert_accessible(page)
    give_bank_details(page, scan=True)
    sign_out(page)

    sign_in(page, officer_a)
    verify_details(page, award, funded.member, officer_a)
    raise_first_payment(page, award, officer_a)
    sign_out(page)

    sign_in(page, officer_b)
    approve_and_pay(page, award, officer_b)
    sign_out(page)

    sign_in(page, funded.member)
    page.goto(_link(award))
    expect_status(page, "Active")
    payments = page.get_by_role("region", name="Payments", exact=True)
    first = payments.get_by_role("row", name=re.compile("^Payment 1"))
    expect(first).to_contain_text(format_pence(FIRST_INSTALMENT))
    expect(first).to_contain_text(f"Paid on {uk_today():%-d %B %Y}")
    text = page.get_by_role("main").inner_text()
    assert officer_a.full_name not in text and officer_b.full_name not in text
    expect(page.get_by_role("region", name="Bank details", exact=True)).to_contain_text("Checked")
    assert_accessible(page)


def expect_fits_a_phone(page: Page) -> None:
    problems = phone_problems(page)
    assert not problems, f"{page.url} " + "; ".join(problems)


def test_the_group_accepts_and_gives_bank_details_on_a_phone(page, sign_in):
    funded = offered_award()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, funded.member)
    open_award_from_home(page, funded)
    expect_fits_a_phone(page)
    accept_online(page)
    expect_fits_a_phone(page)
    give_bank_details(page)
    expect_fits_a_phone(page)


def test_the_group_accepts_and_gives_bank_details_without_javascript(js_disabled_page, sign_in):
    page = js_disabled_page
    funded = offered_award()
    sign_in(page, funded.member)
    expect_scripts_ran(page, javascript=False)
    open_award_from_home(page, funded)
    accept_online(page)
    give_bank_details(page)
