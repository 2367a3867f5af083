"""Correcting a screening outcome: a new check with a reason, audited, through the life cycle,
told to everyone in the group; and screening that cannot be done twice at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from grants import transaction
from grants.accounts.models import User
from grants.applications import services as applications
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus as S
from grants.audit import AuditEvent
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.panels.services import move_to_panel
from grants.permissions import Role
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.models import EligibilityCheck
from tests.applications.factories import assisted_application, complete, submitted_application
from tests.checks import error_messages, soup_of
from tests.concurrency import at_once
from tests.factories import make_user, sign_in
from tests.panels.factories import make_panel

pytestmark = pytest.mark.usefixtures("reference_data")

CONFIRMED = dict.fromkeys(CHECKLIST_LABELS, True)
ALL_CONFIRMED = dict.fromkeys(CHECKLIST_LABELS, "confirmed")
REASON = "Their accounts show an income of £80,000, over this round's limit"


def _link(application: Application) -> str:
    return f"http://localhost/applications/{application.id}"


def _join(user: User, application: Application) -> None:
    db.session.add(Membership(organisation_id=application.organisation_id, user_id=user.id))
    db.session.flush()


def _screened(outcome: str = "eligible", message: str | None = None) -> Application:
    application = submitted_application()
    screening.screen(
        make_user(Role.PROGRAMME_OFFICER),
        application,
        outcome=outcome,
        checklist=CONFIRMED if outcome == "eligible" else {},
        message=message,
        link_for=_link,
    )
    transaction.commit()
    return application


@pytest.fixture
def eligible(outbox) -> Application:
    application = _screened()
    outbox.clear()
    return application


@pytest.fixture
def officer(client) -> User:
    user = make_user(Role.PROGRAMME_OFFICER, name="Cora Corrector")
    sign_in(client, user)
    return user


def correct(client, application, **fields):
    data = {f"correction-{name}": value for name, value in fields.items()}
    return client.post(f"/screening/{application.id}/correction", data=data)


def checks_saved(application) -> int:
    query = select(func.count()).where(EligibilityCheck.application_id == application.id)
    return db.session.scalar(query)


def test_an_officer_corrects_eligible_to_not_eligible_and_everyone_in_the_group_is_told(
    client, officer, eligible, outbox
):
    treasurer = make_user(name="Tess Treasurer")
    _join(treasurer, eligible)
    page = soup_of(client.get(f"/screening/{eligible.id}"))
    offered = [box["value"] for box in page.select("input[name=correction-outcome]")]
    assert offered == ["ineligible"]

    response = correct(
        client, eligible, outcome="ineligible", reason=REASON, message="Income over the limit"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert eligible.status == S.INELIGIBLE
    assert eligible.decision_message == "Income over the limit"
    first, correction = db.session.scalars(select(EligibilityCheck).order_by("id")).all()
    assert (correction.corrects_id, correction.correction_reason) == (first.id, REASON)
    assert correction.officer_id == officer.id and first.outcome == "eligible"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "application.ineligible" and event.actor_id == officer.id
    assert event.before["status"] == "eligible" and event.after["status"] == "ineligible"
    assert event.after["correction_reason"] == REASON

    contact = eligible.organisation.main_contact
    assert sorted(email.to[0] for email in outbox) == sorted([contact.email, treasurer.email])
    for email in outbox:
        assert "It was: Eligible" in email.body and "It is now: Not eligible" in email.body
        assert REASON in email.body and "Income over the limit" in email.body
    assert "Dear Tess Treasurer" in next(e.body for e in outbox if e.to == [treasurer.email])

    text = soup_of(client.get(f"/screening/{eligible.id}")).get_text(" ", strip=True)
    assert f"Reason for the correction {REASON}" in text
    assert f"Outcome corrected to not eligible. Reason: {REASON}" in text


def test_a_correction_to_eligible_needs_a_reason_and_the_checklist_all_errors_at_once(
    client, officer, outbox
):
    ineligible = _screened("ineligible", "Outside Hindley")
    outbox.clear()
    response = correct(client, ineligible, outcome="eligible", reason=" ", group_type="confirmed")
    assert response.status_code == 200
    assert error_messages(response) == [
        *(
            f"Confirm that {label[0].lower() + label[1:]}, or waive it with a reason"
            for key, label in CHECKLIST_LABELS.items()
            if key != "group_type"
        ),
        "Enter why you are correcting the outcome",
    ]
    soup = soup_of(response)
    assert soup.select_one("input[name=correction-group_type][checked]")["value"] == "confirmed"
    db.session.expire_all()
    assert ineligible.status == S.INELIGIBLE and checks_saved(ineligible) == 1
    assert outbox == []

    response = correct(
        client, ineligible, outcome="eligible", reason="Hindley is in the round", **ALL_CONFIRMED
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert ineligible.status == S.ELIGIBLE and ineligible.decision_message is None
    assert "It is now: Eligible" in outbox[0].body


def test_a_correction_reason_has_a_length_limit(client, officer, eligible):
    response = correct(client, eligible, outcome="ineligible", message="No", reason="x" * 1001)
    assert error_messages(response) == ["Reason must be 1,000 characters or fewer"]
    assert checks_saved(eligible) == 1


@pytest.mark.parametrize(
    ("outcome", "error"),
    [
        ("eligible", "The application is already eligible. Select a different outcome"),
        (
            "more_information",
            "An application that is eligible cannot be moved to more information needed",
        ),
        ("funded", "Select the outcome of the check"),
    ],
)
def test_a_correction_only_moves_where_the_life_cycle_allows(
    client, officer, eligible, outcome, error
):
    response = correct(
        client, eligible, outcome=outcome, reason=REASON, message="x", **ALL_CONFIRMED
    )
    assert error_messages(response) == [error]
    db.session.expire_all()
    assert eligible.status == S.ELIGIBLE and checks_saved(eligible) == 1


def test_only_a_screened_application_before_the_panel_can_be_corrected(client, officer, eligible):
    sent = submitted_application()
    transaction.commit()
    for application in (sent, eligible):
        if application is eligible:
            move_to_panel(officer, make_panel(eligible.round), eligible)
            transaction.commit()
        assert not soup_of(client.get(f"/screening/{application.id}")).find(id="correction")
        response = correct(client, application, outcome="ineligible", reason=REASON, message="x")
        assert error_messages(response) == [
            "Only a screened application can have its outcome corrected"
        ]
    db.session.expire_all()
    assert (sent.status, eligible.status) == (S.SUBMITTED, S.IN_PANEL_REVIEW)


def test_nobody_corrects_an_outcome_for_their_own_group_or_one_they_entered(client):
    member = make_user(Role.PROGRAMME_OFFICER)
    application = _screened()
    _join(member, application)
    entered_by = make_user(Role.PROGRAMME_OFFICER)
    assisted = complete(assisted_application(entered_by), actor=entered_by)
    applications.submit(entered_by, assisted, link_for=_link)
    screening.screen(
        make_user(Role.PROGRAMME_OFFICER),
        assisted,
        outcome="eligible",
        checklist=CONFIRMED,
        message=None,
        link_for=_link,
    )
    # The group's own officer is refused outright (403, saying why); the officer who entered it
    # is told on the form.
    for officer, screened, conflict, status in [
        (member, application, "You belong to", 403),
        (entered_by, assisted, "You entered this application", 200),
    ]:
        with pytest.raises(NotAllowed, match=conflict):
            screening.correct(
                officer,
                screened,
                outcome="ineligible",
                checklist={},
                message="No",
                reason=REASON,
                link_for=_link,
            )
        sign_in(client, officer)
        page = soup_of(client.get(f"/screening/{screened.id}"))
        assert page.find(id="correction") and not page.select("form[action$='/correction']")
        response = correct(client, screened, outcome="ineligible", message="No", reason=REASON)
        assert response.status_code == status
        if status == 403:
            assert conflict in response.get_data(as_text=True)
        else:
            assert error_messages(response)[0].startswith(conflict)
        db.session.expire_all()
        assert screened.status == S.ELIGIBLE and checks_saved(screened) == 1


def test_the_service_refuses_waivers_without_reasons_and_items_not_on_the_checklist():
    application = submitted_application()
    officer = make_user(Role.PROGRAMME_OFFICER)
    with pytest.raises(DomainError) as refused:
        screening.screen(
            officer,
            application,
            outcome="ineligible",
            checklist={},
            waivers={"income": " "},
            message="Income over the limit",
            link_for=_link,
        )
    assert refused.value.errors == {
        "income_waiver": "Enter why you are waiving the check that the group's income is within "
        "the limit"
    }
    with pytest.raises(DomainError, match="Answer only the items on the checklist"):
        screening.screen(
            officer,
            application,
            outcome="eligible",
            checklist={**CONFIRMED, "bank_account": True},
            message=None,
            link_for=_link,
        )
    assert application.status == S.SUBMITTED


def test_the_database_refuses_a_correction_without_its_reason(eligible):
    first = db.session.scalar(select(EligibilityCheck))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            text("UPDATE eligibility_check SET corrects_id = id WHERE id = :id"), {"id": first.id}
        )


# Two officers (or one double click) at once


def _as(officer_id: int, service, application_id: int, **kwargs):
    def prepare():
        officer = db.session.get(User, officer_id)
        application = db.session.get(Application, application_id)
        return lambda: service(officer, application, link_for=_link, **kwargs)

    return prepare


def test_the_same_outcome_saved_twice_at_once_is_recorded_once(app, outbox):
    application = submitted_application()
    officers = [make_user(Role.PROGRAMME_OFFICER).id for _ in range(2)]
    transaction.commit()
    outbox.clear()
    eligible = {"outcome": "eligible", "checklist": CONFIRMED, "message": None}
    results = at_once(
        app, [_as(officer, screening.screen, application.id, **eligible) for officer in officers]
    )

    assert sorted(type(result).__name__ for result in results) == ["DomainError", "NoneType"]
    db.session.expire_all()
    assert checks_saved(application) == 1
    assert db.session.get(Application, application.id).status == S.ELIGIBLE
    assert len(outbox) == 1


def test_a_correction_sent_twice_at_once_is_made_once(app, eligible, outbox):
    officer = make_user(Role.PROGRAMME_OFFICER).id
    transaction.commit()
    correction = {"outcome": "ineligible", "checklist": {}, "message": "No", "reason": REASON}
    call = _as(officer, screening.correct, eligible.id, **correction)
    results = at_once(app, [call, call])

    assert sorted(type(result).__name__ for result in results) == ["DomainError", "NoneType"]
    db.session.expire_all()
    assert checks_saved(eligible) == 2
    assert db.session.get(Application, eligible.id).status == S.INELIGIBLE
    assert len(outbox) == 1  # one member: the contact
