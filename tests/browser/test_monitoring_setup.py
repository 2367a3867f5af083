"""The report template pages, the letters to groups without email and a letter, in a real
browser: each scanned by axe and checked for sideways scrolling on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.awards.models import ReportKind
from grants.awards.services import move_report_due
from grants.clock import uk_today
from grants.funds.questions import QuestionDetails
from grants.monitoring import reminders
from grants.monitoring.setup import templates
from grants.permissions import Role
from tests.browser.test_awards import expect_no_failures, scan_pages, submit_with_errors
from tests.factories import make_user
from tests.monitoring.factories import award_in_force, report_due
from tests.monitoring.test_reminders import link, no_email

pytestmark = pytest.mark.usefixtures("reference_data")


def test_every_template_and_letter_page_is_accessible_and_fits_a_phone(page, sign_in):
    officer = make_user(Role.PROGRAMME_OFFICER, name="Orla Officer")
    ready = award_in_force()
    no_email(ready)
    due = report_due(ready, ReportKind.INTERIM)
    move_report_due(due, uk_today() - timedelta(days=9))
    reminders.send_reminders(uk_today(), link)
    round_id = ready.award.round_id
    template = templates.template_for(round_id, ReportKind.INTERIM)
    templates.add_question(
        officer,
        template,
        QuestionDetails(
            label="Which sessions did people like most?",
            kind="multiple_choice",
            required=False,
            options=["Cooking", "Gardening", "A very long choice name that wraps on a phone"],
        ),
    )
    key = template.current.questions[0]["key"]
    base = f"/funds/rounds/{round_id}/reports"

    sign_in(page, officer)
    failures = scan_pages(
        page,
        {
            "report templates": f"{base}/",
            "add a question": f"{base}/interim/questions/new",
            "add a question with errors": (
                f"{base}/interim/questions/new",
                submit_with_errors("Save question"),
            ),
            "change a question": f"{base}/interim/questions/{key}",
            "remove a question": f"{base}/interim/questions/{key}/remove",
            "preview": f"{base}/interim/preview",
            "letters to send": "/monitoring/letters",
            "a letter": f"/monitoring/due/{due.id}/letter",
        },
    )
    expect_no_failures(failures)


def test_an_officer_adds_and_moves_a_question_without_javascript(js_disabled_page, sign_in):
    page = js_disabled_page
    officer = make_user(Role.PROGRAMME_OFFICER, name="Nia NoScript")
    round_id = award_in_force().award.round_id
    sign_in(page, officer)
    page.goto(f"/funds/rounds/{round_id}")
    page.get_by_role("link", name="Manage report templates").click()
    page.get_by_role("link", name="Add a question to the final report").click()
    page.get_by_label("Question", exact=True).fill("Who will keep it going?")
    page.get_by_label("Short text (a line)").check()
    page.get_by_label("No, it is optional").check()
    page.get_by_role("button", name="Save question").click()
    page.get_by_text("“Who will keep it going?” has been saved").wait_for()
    page.get_by_role("button", name="Move up Who will keep it going?").click()
    final = templates.template_for(round_id, ReportKind.FINAL).current
    assert final.number == 3
    assert [q["label"] for q in final.questions][0] == "Who will keep it going?"
