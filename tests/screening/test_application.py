"""One application as a programme officer sees it: eligibility checks, staff notes, history,
revisions and deadline extensions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.applications import access, answers, services
from grants.applications.revisions import revisions_of
from grants.applications.states import ApplicationStatus
from grants.audit import AuditEvent
from grants.clock import utc_to_uk, utcnow
from grants.errors import NotAllowed
from grants.extensions import db
from grants.permissions import Role
from grants.screening import checks, notes
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.models import EligibilityCheck, StaffNote
from tests.applications.factories import open_round, start_application, submitted_application
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in

S = ApplicationStatus


@pytest.fixture
def sent(reference_data, outbox):
    """A sent application, with the group's "application received" email already read."""
    application = submitted_application()
    transaction.commit()  # made before the test's requests, as earlier requests would have
    outbox.clear()
    return application


@pytest.fixture
def officer(client):
    user = make_user(Role.PROGRAMME_OFFICER, name="Olu Officer")
    sign_in(client, user)
    return user


def page_text(response) -> str:
    return response.get_data(as_text=True)


ALL_CONFIRMED = dict.fromkeys(CHECKLIST_LABELS, "confirmed")


def check(client, application, **fields):
    data = {f"check-{name}": value for name, value in fields.items()}
    return client.post(f"/screening/{application.id}/eligibility", data=data)


def answered(soup, prefix="check") -> dict[str, str]:
    """The checklist answers selected on the page, by item."""
    return {
        key: box["value"]
        for key in CHECKLIST_LABELS
        for box in soup.select(f"input[name={prefix}-{key}][checked]")
    }


def checks_saved(application) -> int:
    query = select(func.count()).where(EligibilityCheck.application_id == application.id)
    return db.session.scalar(query)


# The page


def test_the_officer_page_shows_the_application_its_status_and_history(client, officer, sent):
    response = client.get(f"/screening/{sent.id}")
    assert response.status_code == 200
    soup = soup_of(response)
    assert sent.reference in soup.h1.get_text()
    assert soup.select_one(".govuk-tag--blue").get_text(strip=True) == "Submitted"
    text = soup.get_text(" ", strip=True)
    assert "Hindley summer lunch club" in text  # the summary component
    assert "Budget" in text and "£1,500" in text
    history = [row.get_text(" ", strip=True) for row in soup.select("table tbody tr")]
    assert any("Started" in row for row in history)
    assert any(row.endswith("Sent") for row in history)
    assert soup.find("a", href=f"/applications/{sent.id}/application.pdf")


@pytest.mark.parametrize("outcome", [None, "eligible", "ineligible", "more_information"])
def test_staff_pages_speak_about_the_group_not_to_it(client, officer, sent, outcome):
    if outcome:
        check(client, sent, outcome=outcome, message="Send your accounts", **ALL_CONFIRMED)
    text = soup_of(client.get(f"/screening/{sent.id}")).select_one("main").get_text(" ")
    for applicant_wording in (
        "your application",
        "we will email you",
        "your group",
        "your project",
    ):
        assert applicant_wording not in text.lower()
    assert "About the group saved" in text


def test_an_unknown_application_is_a_404(client, officer):
    assert client.get("/screening/99999").status_code == 404
    assert client.post("/screening/99999/notes", data={"note-body": "x"}).status_code == 404


def test_nothing_on_the_checklist_is_answered_until_the_officer_answers_it(client, officer, sent):
    """The data only suggests: an officer who presses save without looking confirms nothing."""
    sent.round.max_income_pence = 2_000_000
    sent.organisation.income_band = "10k_to_50k"
    db.session.commit()
    soup = soup_of(client.get(f"/screening/{sent.id}"))
    assert not soup.select("form[action$='/eligibility'] input[checked]")
    assert answered(soup) == {}
    assert len(soup.select("input[name=check-group_type]")) == 3
    hints = soup.get_text(" ", strip=True)
    assert "Suggested: yes. All attached" in hints
    assert (
        "Suggested: no. Income £10,000 to £50,000; the limit is £20,000. Check their accounts"
        in hints
    )


def test_suggestions_name_what_is_missing(sent):
    sent.documents.clear()
    sent.neighbourhoods = []
    db.session.commit()
    suggestions = checks.suggest_checklist(sent)
    assert not suggestions["documents"].met
    assert suggestions["documents"].reason.startswith("Missing: Governing document")
    assert suggestions["area"] == checks.Suggestion(False, "No neighbourhood chosen")
    assert suggestions["amount"].met and suggestions["dates"].met


def test_a_group_type_the_round_names_is_suggested_as_eligible(sent):
    sent.round.eligible_org_types = ["constituted_group", "faith_group"]
    db.session.commit()
    assert checks.suggest_checklist(sent)["group_type"].met
    sent.round.eligible_org_types = ["registered_charity"]
    db.session.commit()
    suggestion = checks.suggest_checklist(sent)["group_type"]
    assert not suggestion.met and "Registered charity" in suggestion.reason


# Outcomes


def test_eligible_records_confirmed_and_waived_items_and_emails_the_group(
    client, officer, sent, outbox
):
    waiver = "No safeguarding policy: phone-only informal group"
    answers = {**ALL_CONFIRMED, "documents": "waived", "documents_waiver": f"  {waiver} "}
    response = check(client, sent, outcome="eligible", **answers)
    assert response.status_code == 302
    db.session.expire_all()
    assert sent.status == S.ELIGIBLE
    saved = db.session.scalar(select(EligibilityCheck))
    assert saved.outcome == "eligible" and saved.officer_id == officer.id
    assert saved.checklist == {**dict.fromkeys(CHECKLIST_LABELS, True), "documents": False}
    assert saved.waivers == {"documents": waiver}
    [email] = outbox
    assert email.to == [sent.organisation.main_contact.email]
    assert "it is eligible" in email.body and "community panel" in email.body
    assert f"/applications/{sent.id}" in email.body
    page = soup_of(client.get(f"/screening/{sent.id}")).get_text(" ", strip=True)
    assert "Previous eligibility checks" in page
    assert "The type of group is eligible" in page
    assert f"Waived Documents are present and current. Reason: {waiver}" in page
    assert "None" not in page


def test_eligible_needs_every_item_confirmed_or_waived_with_a_reason_all_errors_at_once(
    client, officer, sent, outbox
):
    response = check(
        client,
        sent,
        outcome="eligible",
        group_type="confirmed",
        income="waived",
        income_waiver="   ",  # a forged or careless waiver without a reason
        documents="waived",
        documents_waiver="Sent by post",
        amount="not_met",
        dates="anything else",
    )
    assert response.status_code == 200
    assert error_messages(response) == [
        "Enter why you are waiving the check that the group's income is within the limit",
        "Confirm that the amount asked for is within the round's limits, or waive it with a reason",
        "Confirm that the project dates are within the round's window, or waive it with a reason",
        "Confirm that the round covers where the project happens, or waive it with a reason",
    ]
    soup = soup_of(response)
    assert answered(soup) == {
        "group_type": "confirmed",
        "income": "waived",
        "documents": "waived",
        "amount": "not_met",
    }
    assert soup.find("textarea", attrs={"name": "check-documents_waiver"}).get_text() == (
        "Sent by post"
    )
    assert soup.select_one(".govuk-error-summary a")["href"] == "#check-income_waiver"
    db.session.expire_all()
    assert sent.status == S.SUBMITTED
    assert checks_saved(sent) == 0
    assert outbox == []


def test_a_waiver_reason_has_a_length_limit(client, officer, sent):
    answers = {**ALL_CONFIRMED, "area": "waived", "area_waiver": "x" * 1001}
    response = check(client, sent, outcome="eligible", **answers)
    assert error_messages(response) == ["Reason must be 1,000 characters or fewer"]
    assert checks_saved(sent) == 0


def test_checklist_items_that_are_not_on_the_checklist_count_for_nothing(client, officer, sent):
    """A forged item (from another round, or the old form's ticks) neither fills a gap nor is
    stored."""
    forged = {"checklist": list(CHECKLIST_LABELS), "other_round_item": "confirmed"}
    response = check(client, sent, outcome="eligible", **{**ALL_CONFIRMED, "area": ""}, **forged)
    assert error_messages(response) == [
        "Confirm that the round covers where the project happens, or waive it with a reason"
    ]
    check(client, sent, outcome="eligible", **ALL_CONFIRMED, **forged)
    assert set(db.session.scalar(select(EligibilityCheck)).checklist) == set(CHECKLIST_LABELS)


def test_ineligible_without_a_reason_is_refused_and_keeps_what_was_typed(
    client, officer, sent, outbox
):
    response = check(client, sent, outcome="ineligible", message="  ", income="not_met")
    assert response.status_code == 200
    assert error_messages(response) == ["Enter the reason the application is not eligible"]
    soup = soup_of(response)
    assert soup.title.get_text().startswith("Error: ")
    assert (
        soup.find("input", attrs={"name": "check-outcome", "checked": True})["value"]
        == "ineligible"
    )
    assert answered(soup) == {"income": "not_met"}
    db.session.expire_all()
    assert sent.status == S.SUBMITTED
    assert checks_saved(sent) == 0
    assert outbox == []


def test_ineligible_with_a_reason_emails_the_group_and_shows_them_why(
    client, officer, sent, outbox
):
    reason = "This round is only for projects in Hindley."
    response = check(client, sent, outcome="ineligible", message=reason)
    assert response.status_code == 302
    db.session.expire_all()
    assert sent.status == S.INELIGIBLE
    assert sent.decision_message == reason
    [email] = outbox
    assert email.to == [sent.organisation.main_contact.email]
    assert reason in email.body
    assert f"/applications/{sent.id}/view" in email.body
    applicant = sent.organisation.main_contact
    sign_in(client, applicant)
    assert reason in page_text(client.get(f"/applications/{sent.id}/view"))


def test_more_information_reopens_the_application_and_a_resubmission_shows_what_changed(
    client, officer, sent, outbox
):
    message = "Tell us how many children came last summer."
    assert check(client, sent, outcome="more_information", message=message).status_code == 302
    db.session.expire_all()
    assert sent.status == S.MORE_INFORMATION_REQUESTED
    [email] = outbox
    assert message in email.body

    applicant = sent.organisation.main_contact
    editable = access.get_for_editing(applicant, sent.id)
    answers.save_project(
        applicant,
        editable,
        title="Hindley summer lunch club for 60 children",
        summary=editable.summary,
        description=editable.description,
    )
    services.submit(applicant, editable, link_for=lambda a: "/")
    assert [r.number for r in revisions_of(sent)] == [1, 2]

    soup = soup_of(client.get(f"/screening/{sent.id}"))
    changes = soup.find("h2", string="What changed when it was sent again").find_next("table")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in changes.select("tbody tr")
    ]
    assert [
        "Project title",
        "Hindley summer lunch club",
        "Hindley summer lunch club for 60 children",
    ] in rows
    assert all(row[0] != "Summary" for row in rows)
    history = soup.get_text(" ", strip=True)
    assert "Status changed to more information needed" in history and "Sent again" in history


def test_screening_an_already_eligible_application_shows_a_clear_error(client, officer, sent):
    check(client, sent, outcome="eligible", **ALL_CONFIRMED)
    response = check(client, sent, outcome="ineligible", message="Changed my mind")
    assert response.status_code == 200
    assert error_messages(response) == [
        "This application has already been screened. To change the outcome, correct it"
    ]
    assert soup_of(response).select_one(".govuk-error-summary a")["href"] == "#check-outcome"
    db.session.expire_all()
    assert sent.status == S.ELIGIBLE
    assert checks_saved(sent) == 1
    page = page_text(client.get(f"/screening/{sent.id}"))
    assert "Changed my mind" not in page


def test_an_outcome_must_be_chosen(client, officer, sent):
    response = check(client, sent, message="hello")
    assert response.status_code == 200
    assert error_messages(response) == ["Select the outcome of the check"]
    assert soup_of(response).find("textarea", attrs={"name": "check-message"}).get_text() == "hello"


def test_a_crafted_outcome_is_a_form_error_not_a_crash(client, officer, sent):
    response = check(client, sent, outcome="funded")
    assert response.status_code == 200
    assert error_messages(response) == ["Select the outcome of the check"]


# Staff notes


def test_notes_are_added_audited_and_listed_newest_first(client, officer, sent):
    for body in ("Called the treasurer", "Accounts look fine"):
        response = client.post(f"/screening/{sent.id}/notes", data={"note-body": body})
        assert response.status_code == 302
    listed = notes.notes_for(sent)
    assert [n.body for n in listed] == ["Accounts look fine", "Called the treasurer"]
    text = page_text(client.get(f"/screening/{sent.id}"))
    assert text.index("Accounts look fine") < text.index("Called the treasurer")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.note_added")
    )
    assert {(e.actor_id, e.object_type, e.object_id) for e in events} == {
        (officer.id, "Application", str(sent.id))
    }


def test_an_empty_note_is_an_error_on_the_page(client, officer, sent):
    response = client.post(f"/screening/{sent.id}/notes", data={"note-body": "   "})
    assert response.status_code == 200
    assert error_messages(response) == ["Enter the note"]
    assert db.session.scalar(select(func.count()).select_from(StaffNote)) == 0


def test_a_note_keeps_its_line_breaks_and_is_escaped_once(client, officer, sent):
    client.post(f"/screening/{sent.id}/notes", data={"note-body": "Fish & chips\n<b>bold</b>"})
    html = page_text(client.get(f"/screening/{sent.id}"))
    assert "Fish &amp; chips<br>&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&amp;amp;" not in html


def test_only_staff_can_add_notes(sent):
    with pytest.raises(NotAllowed):
        notes.add_note(sent.organisation.main_contact, sent, "I am not staff")


def test_notes_never_reach_the_applicants_pages(client, officer, sent):
    client.post(f"/screening/{sent.id}/notes", data={"note-body": "Private: treasurer unsure"})
    sign_in(client, sent.organisation.main_contact)
    assert "treasurer unsure" not in page_text(client.get(f"/applications/{sent.id}/view"))
    assert client.get(f"/screening/{sent.id}").status_code == 403
    response = client.post(f"/screening/{sent.id}/notes", data={"note-body": "sneaky"})
    assert response.status_code == 403


# Extensions for drafts


@pytest.fixture
def overdue_draft(reference_data):
    round_ = open_round()
    draft = start_application(round_)
    round_.opens_at = utcnow() - timedelta(days=40)
    round_.closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return draft


def extension(
    client, draft, *, day, month, year, time="17:00", reason="Posted before the deadline"
):
    data = {
        "extension-until": [day, month, year],
        "extension-time": time,
        "extension-reason": reason,
    }
    return client.post(f"/screening/{draft.id}/extension", data=data)


def test_only_drafts_offer_an_extension_and_only_sent_ones_a_check(
    client, officer, sent, overdue_draft
):
    draft_page = soup_of(client.get(f"/screening/{overdue_draft.id}"))
    assert draft_page.find(id="extension") and not draft_page.find(id="eligibility")
    assert "cannot be sent without an extension" in draft_page.get_text()
    sent_page = soup_of(client.get(f"/screening/{sent.id}"))
    assert sent_page.find(id="eligibility") and not sent_page.find(id="extension")


def test_an_extension_is_recorded_in_uk_time_and_audited(client, officer, overdue_draft):
    next_year = utc_to_uk(utcnow()).year + 1
    response = extension(client, overdue_draft, day="15", month="7", year=str(next_year))
    assert response.status_code == 302
    db.session.expire_all()
    until = utc_to_uk(overdue_draft.extension_until)
    assert (until.year, until.month, until.day, until.hour) == (next_year, 7, 15, 17)
    assert overdue_draft.extension_reason == "Posted before the deadline"
    assert services.accepting_submissions(overdue_draft)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.extension_granted")
    )
    assert event.actor_id == officer.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"day": "31", "month": "2", "year": "2030"},
            "Enter the new deadline as a real date, for example 27 3 2026",
        ),
        ({"day": "1", "month": "1", "year": "2020"}, "The new deadline must be in the future"),
        ({"day": "29", "month": "3", "year": "2099", "time": "01:30"}, None),
        (
            {"day": "1", "month": "1", "year": "2099", "time": "25:00"},
            "Enter a real time, from 00:00 to 23:59",
        ),
        (
            {"day": "1", "month": "1", "year": "2099", "reason": ""},
            "Enter the reason for the extension",
        ),
    ],
)
def test_a_bad_extension_is_a_form_error_that_keeps_what_was_typed(
    client, officer, overdue_draft, fields, message
):
    response = extension(client, overdue_draft, **fields)
    assert response.status_code == 200
    errors = error_messages(response)
    assert len(errors) == 1
    if message:
        assert errors == [message]
    else:
        assert "clocks go forward" in errors[0]
    day = soup_of(response).find("input", attrs={"id": "extension-until-day"})
    assert day["value"] == fields["day"]
    db.session.expire_all()
    assert overdue_draft.extension_until is None


def test_a_crafted_date_with_missing_parts_is_an_error_not_a_crash(client, officer, overdue_draft):
    data = {"extension-until": "12", "extension-time": "17:00", "extension-reason": "x"}
    response = client.post(f"/screening/{overdue_draft.id}/extension", data=data)
    assert response.status_code == 200
    assert error_messages(response)


def test_a_sent_application_cannot_be_extended(client, officer, sent):
    response = extension(client, sent, day="1", month="1", year="2099")
    assert response.status_code == 200
    assert error_messages(response) == ["Only a draft application can be given more time"]


# Who may see it


@pytest.mark.parametrize("role", [None, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.ADMIN])
def test_only_programme_officers_reach_the_officer_pages(client, sent, role):
    user = make_user(role)
    if role is None:  # no roles: a group member
        make_group(user, name="Standish Walkers")
    sign_in(client, user)
    for path in (f"/screening/{sent.id}", "/screening/assisted", "/screening/assisted/new"):
        assert client.get(path).status_code == 403, path
    for action in ("notes", "eligibility", "extension", "correction"):
        assert client.post(f"/screening/{sent.id}/{action}").status_code == 403, action
    db.session.expire_all()
    assert sent.status == S.SUBMITTED


def test_signed_out_visitors_are_sent_to_sign_in(client, sent):
    response = client.get(f"/screening/{sent.id}")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
