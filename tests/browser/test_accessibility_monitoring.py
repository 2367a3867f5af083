"""The monitoring pages not scanned elsewhere, in a real browser: each scanned by axe (no serious
or critical problem) and checked for sideways scrolling on a phone. The officers' queue, the
review page and its request for changes, a new due date, a report entered for a group; the
group's story, photos and changes pages; finance's list of changes asked for and its answer; the
group's home and award page with their reports.

(The report form's other pages are in test_accessibility_report.py; the templates and letters in
test_monitoring_setup.py; the indicator library in test_accessibility_indicators.py.)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from grants.accounts.models import User
from grants.awards.models import ReportDue, ReportKind
from grants.awards.services import move_report_due
from grants.clock import uk_today
from grants.extensions import db
from grants.monitoring import changes, photos, stories
from grants.monitoring.models import MonitoringReport, ReportChangeRequest
from grants.monitoring.report import services as report_services
from grants.monitoring.review import services as review_services
from grants.monitoring.states import ChangeKind, StoryConsent
from grants.permissions import Role
from tests.awards.test_payments_setup import Ready
from tests.browser.test_awards import expect_no_failures, scan_pages, submit_with_errors
from tests.factories import make_user
from tests.monitoring.factories import award_in_force, report_due
from tests.monitoring.report_world import World, fill, started, world

pytestmark = pytest.mark.usefixtures("reference_data")


def a_photo(shade: int = 90) -> FileStorage:
    image = Image.new("RGB", (64, 48), (shade, 160, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename="garden.jpg", content_type="image/jpeg")


def add_photo(ready: Ready, report: MonitoringReport) -> None:
    photos.add_photo(
        ready.member,
        report,
        photos.PhotoDetails(
            upload=a_photo(),
            alt_text="Volunteers and children planting bulbs beside a long brick wall",
            people_agreed=True,
        ),
    )


def tell_a_story(ready: Ready, report: MonitoringReport, consent=StoryConsent.ANONYMOUS) -> None:
    story = (
        "Jo had not left the house much since her husband died. She came to the lunch club "
        "for the first time in June, and now she helps to cook every Tuesday."
    )
    stories.save_story(ready.member, report, stories.StoryAnswer(True, story, consent))
    add_photo(ready, report)


@dataclass
class Monitoring:
    """Reports in every bucket of the queue, each with something on its pages."""

    officer: User
    sent: World  # sent: a spending warning, outcomes, a story with a photo, a change asked for
    report: MonitoringReport
    change: ReportChangeRequest
    sent_back: MonitoringReport  # changes requested
    late: Ready  # overdue, started: a draft with a story, a photo and a change asked for
    draft: MonitoringReport
    soon: ReportDue  # due in ten days, not started


def _monitoring() -> Monitoring:
    officer = make_user(Role.PROGRAMME_OFFICER, name="Orla Officer")

    w = world()
    report = fill(w, started(w))
    report_services.save_spending(
        w.member,
        report,
        {
            w.food.id: (175_000, "Food prices rose, so each lunch cost more"),
            w.venue.id: (40_000, None),
        },
    )
    tell_a_story(w.ready, report)
    changes.save_challenges(w.member, report, "The hall flooded in August, so we moved twice.")
    change = changes.add_request(
        w.member,
        report,
        changes.ChangeDetails(
            ChangeKind.MORE_TIME,
            "Two sessions were lost to the flood",
            new_end_date=w.ready.award.end_date + timedelta(days=60),
        ),
    )
    report_services.send(w.member, report, "Sam Member", "Chair", True)

    back = world()
    sent_back = fill(back, started(back))
    report_services.send(back.member, sent_back, "Kim Member", "Treasurer", True)
    review_services.request_changes(officer, sent_back, "Please add the venue receipts.")

    late = award_in_force()
    late_due = report_due(late)
    move_report_due(late_due, uk_today() - timedelta(days=9))
    draft = report_services.start(late.member, late_due)
    tell_a_story(late, draft, StoryConsent.COUNCIL_ONLY)
    changes.add_request(
        late.member,
        draft,
        changes.ChangeDetails(
            ChangeKind.DIFFERENT_AMOUNT,
            "Food costs more",
            direction=changes.INCREASE,
            amount_pence=20_000,
        ),
    )

    soon = report_due(award_in_force())
    move_report_due(soon, uk_today() + timedelta(days=10))
    db.session.flush()
    return Monitoring(officer, w, report, change, sent_back, late, draft, soon)


def shows(*texts: str):
    """A step for ``scan_pages``: the page is in the state the scan is meant to see."""

    def step(page) -> None:
        main = page.get_by_role("main")
        for text in texts:
            expect(main).to_contain_text(text)

    return step


def test_every_monitoring_page_type_is_accessible_and_fits_a_phone(page, sign_in):
    m = _monitoring()
    review = f"/monitoring/reports/{m.report.id}"
    failures = []

    sign_in(page, m.officer)
    failures += scan_pages(
        page,
        {
            "monitoring queue": (
                "/monitoring/",
                shows(
                    "Overdue (1)",
                    "Due in the next 30 days (1)",
                    "Sent and waiting for review (1)",
                    "Changes requested (1)",
                    "Overdue by 9 days",
                ),
            ),
            "queue: sent": ("/monitoring/?show=sent", shows("Review the report")),
            "queue: overdue": "/monitoring/?show=overdue",
            "review page": (
                review,
                shows(
                    "The group says: Food prices rose",
                    "so far 35",
                    "Photo: Volunteers and children planting bulbs",
                    "Two sessions were lost to the flood",
                    "Accept the report",
                ),
            ),
            "review page (changes requested)": (
                f"/monitoring/reports/{m.sent_back.id}",
                shows("Please add the venue receipts."),
            ),
            "request changes with an error": (review, submit_with_errors("Ask for changes")),
            "new due date": f"/monitoring/due/{m.draft.report_due_id}/due-date",
            "new due date with errors": (
                f"/monitoring/due/{m.draft.report_due_id}/due-date",
                submit_with_errors("Save the new due date"),
            ),
            "enter for a group": f"/monitoring/due/{m.soon.id}/enter",
            "enter for a group with errors": (
                f"/monitoring/due/{m.soon.id}/enter",
                submit_with_errors("Start the report"),
            ),
        },
    )

    page.context.clear_cookies()
    sign_in(page, m.sent.ready.raiser)
    failures += scan_pages(
        page,
        {
            "changes asked for (finance)": (
                "/monitoring/changes",
                shows(m.sent.ready.award.reference),
            ),
            "an answer": f"/monitoring/changes/{m.change.id}",
            "an answer with an error": (
                f"/monitoring/changes/{m.change.id}",
                submit_with_errors("Send the answer"),
            ),
            "finance home with a released instalment": "/finance/",
        },
    )

    page.context.clear_cookies()
    sign_in(page, m.late.member)
    draft = f"/reports/{m.draft.id}"
    failures += scan_pages(
        page,
        {
            "home with an overdue report": ("/home", shows("Overdue by 9 days", "1 report is")),
            "award page with an overdue report": (
                f"/awards/{m.late.award.id}",
                shows("Progress reports", "Overdue by 9 days"),
            ),
            "task list of an overdue report": draft,
            "story": f"{draft}/story",
            "story with errors": (f"/reports/{_fresh_draft(m).id}/story", _story_errors),
            "photos": f"{draft}/story/photos",
            "photos with errors": (f"{draft}/story/photos", submit_with_errors("Add photo")),
            "changes": f"{draft}/changes",
            "ask for more time with errors": (
                f"{draft}/changes/new/more_time",
                submit_with_errors("Add this request"),
            ),
            "ask for a different amount with errors": (
                f"{draft}/changes/new/different_amount",
                submit_with_errors("Add this request"),
            ),
            "ask to move spending with errors": (
                f"{draft}/changes/new/move_spend",
                submit_with_errors("Add this request"),
            ),
        },
    )

    page.context.clear_cookies()
    sign_in(page, m.sent.member)
    failures += scan_pages(
        page,
        {
            "home with a sent report": "/home",
            "award page with a sent report": (
                f"/awards/{m.sent.ready.award.id}",
                shows("PDF, version 1"),
            ),
        },
    )
    expect_no_failures(failures)


def _fresh_draft(m: Monitoring) -> MonitoringReport:
    """The late group's final report, started with nothing in it: its story page has no answer
    yet, so sending it empty shows every error."""
    report = report_services.start(m.late.member, report_due(m.late, ReportKind.FINAL))
    db.session.flush()
    return report


def _story_errors(page) -> None:
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Your story").fill(" ".join(["word"] * (stories.STORY_WORD_LIMIT + 5)))
    submit_with_errors("Save and return to your report")(page)
