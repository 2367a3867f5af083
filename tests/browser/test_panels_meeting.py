"""The moderation meeting in a real browser: a programme officer opens it, records attendance,
works down the ranked list (disagreements first) against the live budget, records decisions
within budget, writes feedback and releases the decisions; then a group sees its outcome and
feedback, with no scores and no panellists' names. Each meeting page type is scanned by axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from grants.extensions import db
from grants.money import format_pence
from grants.panels import decisions, feedback
from tests.browser.test_accessibility import assert_accessible
from tests.panels.factories import eligible_application
from tests.panels.meeting_setup import (
    decline_reason,
    quorate_meeting,
    score,
    scored_round,
    with_panel,
)

pytestmark = pytest.mark.usefixtures("reference_data")
AMOUNT = 150_000


def _meeting_with_a_disagreement():
    """Three applications scored 5, 4 and 3 by all four members, and a fourth they split on;
    a budget of £3,500, enough for two full awards and one reduced award."""
    scored = scored_round(budget_pence=350_000, amount_pence=AMOUNT)
    split = with_panel(
        eligible_application(scored.round, scored.officer), scored.officer, scored.panel
    )
    split.amount_requested_pence = AMOUNT
    for index, member in enumerate(scored.members):
        score(split, member, [5, 5, 5] if index % 2 else [0, 0, 0])
    return scored, split


def _budget(page, key):
    return page.locator(".govuk-summary-list__row", has_text=key).locator("dd")


def _decide(page, outcome, rationale, **fields):
    page.get_by_label(outcome, exact=True).check()
    page.get_by_label("The panel's rationale").fill(rationale)
    for label, value in fields.items():
        field = page.get_by_label(label, exact=True)
        if label.startswith("Reason for declining"):
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Record the decision").click()


def test_an_officer_runs_the_meeting_and_the_group_sees_its_outcome(page, sign_in):
    scored, split = _meeting_with_a_disagreement()
    first, second, third = scored.applications
    reason = decline_reason("The budget ran out before this application")
    sign_in(page, scored.officer)

    page.goto(f"/panels/rounds/{scored.round.id}")
    page.get_by_role("link", name="Moderation meeting").click()
    expect(page.get_by_role("heading", name="Open the moderation meeting")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Minimum number of members for quorum").fill("3")
    page.get_by_role("button", name="Open the meeting").click()

    expect(page.get_by_role("heading", name="Who is attending?")).to_be_visible()
    assert_accessible(page)
    for member in scored.members[:2]:
        page.get_by_label(member.full_name).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    expect(page.get_by_text("No: decisions cannot be recorded")).to_be_visible()
    page.get_by_role("link", name="Record who is attending").click()
    for member in scored.members[2:]:
        page.get_by_label(member.full_name).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("4 of at least 3")).to_be_visible()
    expect(_budget(page, "Quorate")).to_have_text("Yes")

    # Disagreements first, then the whole ranked list; the live budget beside it.
    discuss = page.get_by_role("region", name="For discussion first")
    expect(discuss.get_by_role("link", name=split.reference)).to_be_visible()
    expect(discuss.get_by_role("link", name=first.reference)).to_have_count(0)
    ranked = page.get_by_role("region", name="All applications, ranked by mean").get_by_role("row")
    expect(ranked.nth(1)).to_contain_text(first.reference)
    expect(ranked.nth(3)).to_contain_text(third.reference)
    expect(_budget(page, "Round budget")).to_have_text(format_pence(350_000))
    expect(_budget(page, "Decided awards")).to_have_text(format_pence(0))
    assert_accessible(page)

    page.get_by_role("link", name=first.reference, exact=True).first.click()
    assert_accessible(page)
    _decide(page, "Fund in full", "Strong on every criterion")
    expect(page.get_by_text(f"Decision recorded for {first.reference}")).to_be_visible()
    expect(_budget(page, "Decided awards")).to_have_text(format_pence(AMOUNT))

    page.get_by_role("link", name=second.reference, exact=True).first.click()
    _decide(page, "Fund a reduced amount", "Good, but the equipment line is high")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the reduced amount to award")).to_be_visible()
    assert_accessible(page)
    _decide(
        page,
        "Fund a reduced amount",
        "Good, but the equipment line is high",
        **{
            "Reduced amount (fund a reduced amount only)": "1000",
            "Why the amount was reduced (fund a reduced amount only)": "Equipment can be borrowed",
        },
    )
    expect(page.get_by_text(f"Decision recorded for {second.reference}")).to_be_visible()
    expect(_budget(page, "Left to award")).to_have_text(format_pence(100_000))

    # Funding the third in full would pass the budget: refused, with what is left.
    page.get_by_role("link", name=third.reference, exact=True).first.click()
    _decide(page, "Fund in full", "The panel liked it")
    over = (
        f"Funding {format_pence(AMOUNT)} would take the round over its budget: "
        f"{format_pence(100_000)} is left"
    )
    expect(page.get_by_role("link", name=over)).to_be_visible()
    assert_accessible(page)
    _decide(
        page,
        "Decline",
        "Below the funding line once the budget ran out",
        **{"Reason for declining (decline only)": reason.label},
    )
    expect(page.get_by_text(f"Decision recorded for {third.reference}")).to_be_visible()
    expect(_budget(page, "Decided awards")).to_have_text(format_pence(250_000))
    expect(page.get_by_role("cell", name=reason.label)).to_be_visible()

    page.get_by_role("link", name="Equity by neighbourhood").click()
    expect(page.get_by_role("heading", name="Equity by neighbourhood")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/panels/meetings/rounds/{scored.round.id}")
    page.get_by_role("link", name="Change the list of reasons for declining").click()
    page.get_by_role("button", name="Add reason").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/panels/meetings/rounds/{scored.round.id}")
    page.get_by_role("link", name="Feedback and release").click()
    expect(page.get_by_role("heading", name="Feedback and release")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Write feedback for {second.reference}").click()
    page.get_by_label("Feedback for the group").fill("")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_role("link", name="Enter the feedback for the group")).to_be_visible()
    assert_accessible(page)
    feedback = "A clear plan that reaches people who need it. Borrow the equipment."
    page.get_by_label("Feedback for the group").fill(feedback)
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_text(f"Feedback saved for {second.reference}")).to_be_visible()
    page.get_by_role("button", name="Release 3 decisions to the groups").click()
    expect(page.get_by_text("Write feedback for every decision before releasing")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Go to feedback and release").click()
    for application in (first, third):
        page.get_by_role("link", name=f"Write feedback for {application.reference}").click()
        page.get_by_label("Feedback for the group").fill(f"Feedback for {application.reference}")
        page.get_by_role("button", name="Save feedback").click()
    page.get_by_role("button", name="Release 3 decisions to the groups").click()
    expect(page.get_by_role("heading", name="Release the decisions")).to_be_visible()
    expect(page.get_by_text("3 groups will be emailed")).to_be_visible()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Release 3 decisions").click()
    expect(page.get_by_text("3 decisions released to the groups")).to_be_visible()
    expect(page.get_by_role("row", name=second.reference)).to_contain_text("Emailed")

    page.goto(f"/panels/meetings/rounds/{scored.round.id}")
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.get_by_role("heading", name="Close the meeting")).to_be_visible()
    expect(page.get_by_text("This cannot be undone")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.get_by_text("The meeting is closed and its decision record stored")).to_be_visible()
    expect(page.get_by_text("SHA-256")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, second.created_by)
    page.goto(f"/applications/{second.id}")
    outcome = page.get_by_role("main")
    expect(outcome.get_by_role("heading", name="The panel's decision")).to_be_visible()
    expect(outcome.get_by_text(format_pence(100_000))).to_be_visible()
    expect(outcome.get_by_text("Equipment can be borrowed")).to_be_visible()
    expect(outcome.get_by_text(feedback)).to_be_visible()
    text = outcome.inner_text()
    for member in scored.members:
        assert member.full_name not in text
    for figure in ("out of 100", "Mean", "Median", "Normalised"):
        assert figure not in text
    assert_accessible(page)


def test_a_group_without_email_is_sent_a_printable_letter(page, sign_in):
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    (application,) = scored.applications
    group = application.organisation
    group.main_contact_id, group.contact_name, group.contact_email = None, "Joan Offline", None
    group.contact_phone = "01942 000 000"
    db.session.flush()
    db.session.expire(group)
    decision = decisions.decide(
        scored.officer,
        scored.panel,
        application,
        decisions.DecisionInput(outcome="fund", rationale="Strong on every criterion"),
    )
    feedback.save_feedback(scored.officer, decision, "A well-planned project. Well done.")
    feedback.release(scored.officer, scored.panel, link_for=lambda a: f"/applications/{a.id}")
    sign_in(page, scored.officer)

    page.goto(f"/panels/meetings/rounds/{scored.round.id}/feedback")
    expect(page.get_by_text("1 group without an email address is told by letter")).to_be_visible()
    page.get_by_role("link", name=f"Print the letter for {application.reference}").click()
    expect(page.get_by_role("heading", name=f"Letter to {group.name}")).to_be_visible()
    expect(page.get_by_text("Dear Joan Offline")).to_be_visible()
    expect(page.get_by_text("A well-planned project. Well done.")).to_be_visible()
    main = page.get_by_role("main").inner_text()
    assert not any(member.full_name in main for member in scored.members)
    assert_accessible(page)
