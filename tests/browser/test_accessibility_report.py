"""The group's report in a real browser: every page type scanned by axe-core and checked at phone
widths, and the journey from start to sent without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from grants.awards.models import ReportKind
from grants.extensions import db
from grants.monitoring.models import MonitoringReport
from grants.monitoring.report import services
from grants.monitoring.states import ReportStatus
from tests.browser.test_accessibility_applications import Scans, button, expect_errors
from tests.monitoring.factories import report_due
from tests.monitoring.report_world import fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")


def test_every_report_page_type(page, sign_in):
    w = world()
    sent = fill(w, started(w, ReportKind.FINAL))  # the final report's template asks a question
    services.send(w.member, sent, "Sam Member", "Chair", True)
    sign_in(page, w.member)
    scans = Scans(page)
    scans.visit("start page", f"/reports/due/{report_due(w.ready).id}/start")
    button(page, "Start the report").click()
    scans.here("task list")
    base = page.url.removesuffix("/")
    scans.visit("what happened", f"{base}/what-happened")
    scans.visit("spending", f"{base}/spending")
    page.get_by_label("Spent so far on Food").fill("1,700")
    page.locator(f"#explanation_{w.food.id}").fill("Food cost more")
    button(page, "Save and return to your report").click()
    expect_errors(page)
    expect(page.locator("#spending-warnings")).to_contain_text("You have explained why")
    scans.here("spending after saving, with an error and a warning")
    scans.visit("people and outcomes", f"{base}/outcomes")
    button(page, "Save and return to your report").click()
    expect_errors(page)
    scans.here("people and outcomes with errors")
    scans.visit("check your answers", f"{base}/check")
    scans.visit("declaration", f"{base}/declaration")
    button(page, "Send report").click()
    expect_errors(page)
    scans.here("declaration with errors")
    scans.visit("final report's questions", f"/reports/{sent.id}/questions")
    scans.visit("a sent report", f"/reports/{sent.id}/check")
    scans.visit("sent", f"/reports/{sent.id}/sent")
    scans.assert_accessible()


def test_a_group_sends_its_report_without_javascript(js_disabled_page, sign_in):
    page = js_disabled_page
    w = world()
    sign_in(page, w.member)
    page.goto(f"/reports/due/{report_due(w.ready).id}/start")
    button(page, "Start the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Interim report for Hindley summer lunch club"
    )
    page.get_by_role("link", name="What happened").click()
    page.get_by_label("What happened").fill("Twelve lunch sessions, forty children.")
    button(page, "Save and return to your report").click()
    page.get_by_role("link", name="Spending").click()
    page.get_by_label("Spent so far on Food").fill("1,500")
    page.get_by_label("Spent so far on Venue hire").fill("400")
    button(page, "Save and return to your report").click()
    page.get_by_role("link", name="People and outcomes").click()
    page.get_by_label("Young people").fill("30")
    page.get_by_label("Families with children").fill("12")
    page.get_by_label("Number so far").fill("35")
    page.get_by_label("Progress so far").fill("Going well")
    button(page, "Save and return to your report").click()
    expect(page.get_by_text("Completed")).to_have_count(3)
    report = db.session.scalar(db.select(MonitoringReport))
    report.sections_saved = [*report.sections_saved, "changes"]  # that page is built elsewhere
    db.session.commit()
    page.reload()
    page.get_by_role("link", name="Check and send your report").click()
    page.get_by_role("button", name="Continue to the declaration").click()
    page.get_by_label("Your role in the group").fill("Chair")
    page.get_by_label("I confirm that this report is true").check()
    button(page, "Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report sent")
    db.session.expire_all()
    assert db.session.get(MonitoringReport, report.id).status == ReportStatus.SUBMITTED
