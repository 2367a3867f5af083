"""axe-core scans, and the phone-width check, of the indicator library's pages and of the
outcomes section when the fund offers indicators (with a target refused, so its error shows in
the revealed answer)."""

from __future__ import annotations

from playwright.sync_api import expect

from grants.applications import answers
from grants.permissions import Role
from tests.applications.factories import open_round, start_application
from tests.browser.test_accessibility_applications import Scans, button
from tests.factories import make_user
from tests.funds.factories import make_indicator


def _library(fund):
    used = make_indicator(
        fund,
        name="People saying they feel less isolated",
        unit="percentage",
        definition="Ask everyone taking part, at the end of the project, whether they feel "
        "less alone than before. Give the share who say yes.",
    )
    unused = make_indicator(fund, name="Local spaces improved", unit="yes_no")
    retired = make_indicator(fund, name="Volunteer hours", unit="hours")
    retired.is_active = False
    return used, unused


def test_indicator_library_pages(page, sign_in, reference_data):
    round_ = open_round()
    used, unused = _library(round_.fund)
    application = start_application(round_)
    answers.add_outcome(
        application.organisation.main_contact, application, indicator_id=used.id, target_value=70
    )
    sign_in(page, make_user(Role.PROGRAMME_OFFICER))
    scans = Scans(page)
    base = f"/funds/{round_.fund_id}/indicators"

    scans.visit("fund page with its library", f"/funds/{round_.fund_id}")
    expect(page.get_by_role("cell", name="Used by 1 outcome", exact=True)).to_be_visible()
    scans.visit("library", base)
    scans.visit("add an indicator", f"{base}/new")
    button(page, "Save indicator").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    scans.here("add an indicator, with errors")
    scans.visit("change a used indicator", f"{base}/{used.id}")
    page.get_by_label("Name", exact=True).fill("")
    button(page, "Save indicator").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    scans.here("change a used indicator, with errors")
    scans.visit("delete an unused indicator", f"{base}/{unused.id}/delete")
    scans.visit("delete a used indicator", f"{base}/{used.id}/delete")
    scans.assert_accessible()


def test_outcomes_section_with_the_funds_indicators(page, sign_in, reference_data):
    round_ = open_round()
    used, unused = _library(round_.fund)
    application = start_application(round_)
    answers.add_outcome(
        application.organisation.main_contact, application, indicator_id=used.id, target_value=70
    )
    sign_in(page, application.organisation.main_contact)
    scans = Scans(page)

    scans.visit("outcomes with indicators", f"/applications/{application.id}/outcomes")
    measures = page.get_by_role("group", name="What will you count?")
    measures.get_by_label("People saying they feel less isolated", exact=True).check()
    button(page, "Continue").click()
    scans.here("outcomes, the target for the measure chosen")
    page.get_by_label("Your target", exact=True).fill("150")
    button(page, "Add outcome").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    scans.here("outcomes, a percentage over 100")
    page.get_by_role("link", name="Choose something else to count").click()
    page.get_by_role("group", name="What will you count?").get_by_label(
        "Something else: describe it in your own words", exact=True
    ).check()
    button(page, "Continue").click()
    scans.here("outcomes, in the group's own words")
    scans.assert_accessible()
