"""Screening's rules: eligibility checks, decisions, extensions, and the staff conflicts (nobody
screens or decides for their own group; nobody screens what they entered for a group)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants import transaction
from grants.applications import answers, revisions, services
from grants.applications.states import ApplicationStatus as S
from grants.applications.states import IllegalTransition
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.panels.services import move_all_eligible, move_to_panel
from grants.permissions import Role
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.models import EligibilityCheck, ScreeningOutcome
from tests.applications.factories import (
    assisted_application,
    complete,
    start_application,
    submitted_application,
)
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.panels.factories import make_panel

pytestmark = pytest.mark.usefixtures("reference_data")


def _link(application):
    return f"http://localhost/applications/{application.id}"


def test_a_documented_extension_lets_one_draft_in_after_the_deadline():
    officer = make_user(Role.PROGRAMME_OFFICER)
    application = complete(start_application())
    application.round.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    screening.grant_extension(
        officer, application, until=utcnow() + timedelta(days=2), reason="Flooded venue"
    )
    services.submit(application.organisation.main_contact, application, _link)
    assert application.status == S.SUBMITTED
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.extension_granted")
    )
    assert event.actor_id == officer.id and event.after["reason"] == "Flooded venue"


def test_extensions_need_a_reason_a_future_date_and_an_officer():
    application = start_application()
    officer = make_user(Role.PROGRAMME_OFFICER)
    with pytest.raises(DomainError, match="reason"):
        screening.grant_extension(
            officer, application, until=utcnow() + timedelta(days=1), reason=" "
        )
    with pytest.raises(DomainError, match="future"):
        screening.grant_extension(
            officer, application, until=utcnow() - timedelta(days=1), reason="x"
        )
    with pytest.raises(NotAllowed):
        screening.grant_extension(
            application.organisation.main_contact,
            application,
            until=utcnow() + timedelta(days=1),
            reason="x",
        )


def test_more_information_reopens_and_resending_makes_a_revision_with_a_diff(outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    application = submitted_application()
    screening.screen(
        officer,
        application,
        outcome="more_information",
        checklist={},
        message="Send your safeguarding policy",
        link_for=_link,
    )
    assert application.status == S.MORE_INFORMATION_REQUESTED
    transaction.commit()
    assert "Send your safeguarding policy" in outbox[-1].body
    contact = application.organisation.main_contact
    answers.save_project(
        contact,
        application,
        title="Bigger lunch club",
        summary=application.summary,
        description=application.description,
    )
    services.submit(contact, application, _link)
    assert application.status == S.SUBMITTED
    changes = revisions.latest_changes(application)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Project title", "Hindley summer lunch club", "Bigger lunch club")
    ]


def test_ineligible_needs_a_reason_which_is_emailed(outbox):
    officer = make_user(Role.PROGRAMME_OFFICER)
    application = submitted_application()
    with pytest.raises(DomainError, match="reason"):
        screening.screen(
            officer, application, outcome="ineligible", checklist={}, message="", link_for=_link
        )
    screening.screen(
        officer,
        application,
        outcome="ineligible",
        checklist={"income": False},
        message="Income over the limit",
        link_for=_link,
    )
    assert application.status == S.INELIGIBLE
    transaction.commit()
    assert "Income over the limit" in outbox[-1].body


def test_illegal_moves_raise_a_domain_error():
    officer = make_user(Role.PROGRAMME_OFFICER)
    application = start_application()
    with pytest.raises(IllegalTransition):
        screening.screen(
            officer, application, outcome="eligible", checklist={}, message="", link_for=_link
        )


# Staff conflicts


def _join(user, application) -> None:
    db.session.add(Membership(organisation_id=application.organisation_id, user_id=user.id))
    db.session.flush()


def _eligible(officer, application):
    return screening.screen(
        officer,
        application,
        outcome="eligible",
        checklist=dict.fromkeys(CHECKLIST_LABELS, True),
        message=None,
        link_for=_link,
    )


def test_nobody_screens_an_application_of_a_group_they_belong_to():
    application = submitted_application()
    officer = make_user(Role.PROGRAMME_OFFICER)
    _join(officer, application)
    with pytest.raises(NotAllowed, match="You belong to .* another programme officer must screen"):
        _eligible(officer, application)
    assert application.status == S.SUBMITTED
    assert db.session.scalar(select(EligibilityCheck)) is None
    _eligible(make_user(Role.PROGRAMME_OFFICER), application)
    assert application.status == S.ELIGIBLE


def test_nobody_sends_their_own_groups_application_to_the_panel():
    application = submitted_application()
    _eligible(make_user(Role.PROGRAMME_OFFICER), application)
    other = submitted_application(application.round)
    _eligible(make_user(Role.PROGRAMME_OFFICER), other)
    member = make_user(Role.PROGRAMME_OFFICER, Role.ADMIN)
    _join(member, application)
    panel = make_panel(application.round)
    with pytest.raises(NotAllowed, match="record decisions on"):
        move_to_panel(member, panel, application)
    assert move_all_eligible(member, panel) == 1  # a colleague sends theirs
    assert (application.status, other.status) == (S.ELIGIBLE, S.IN_PANEL_REVIEW)


def test_the_officer_who_entered_an_assisted_application_does_not_screen_it():
    entered_by = make_user(Role.PROGRAMME_OFFICER)
    application = complete(assisted_application(entered_by), actor=entered_by)
    services.submit(entered_by, application, link_for=_link)
    with pytest.raises(NotAllowed, match="You entered this application"):
        _eligible(entered_by, application)
    colleague = make_user(Role.PROGRAMME_OFFICER)
    check = _eligible(colleague, application)
    assert check.officer_id == colleague.id and check.outcome == ScreeningOutcome.ELIGIBLE
    # Entering is not deciding: the same officer may move it on after a colleague screened it.
    move_to_panel(entered_by, make_panel(application.round), application)
    assert application.status == S.IN_PANEL_REVIEW


def test_the_screening_page_tells_a_conflicted_officer_why_and_a_crafted_post_is_refused(client):
    entered_by = make_user(Role.PROGRAMME_OFFICER)
    application = complete(assisted_application(entered_by), actor=entered_by)
    services.submit(entered_by, application, link_for=_link)
    transaction.commit()
    sign_in(client, entered_by)
    response = client.get(f"/screening/{application.id}")
    assert response.status_code == 200
    page = soup_of(response)
    assert page.find(id="eligibility") and not page.select("form[action$='/eligibility']")
    assert "another programme officer must screen it" in page.get_text()
    assert page.find("a", href="/screening/")
    posted = client.post(
        f"/screening/{application.id}/eligibility", data={"check-outcome": "eligible"}
    )
    assert posted.status_code == 200
    assert error_messages(posted) == [
        "You entered this application for the group, so another programme officer must screen it"
    ]
    db.session.expire_all()
    assert application.status == S.SUBMITTED


def test_the_screening_outcome_is_stored_as_before():
    """An enum now, stored with the same strings as the free text it replaced."""
    assert [outcome.value for outcome in ScreeningOutcome] == [
        "eligible",
        "ineligible",
        "more_information",
    ]
    assert ScreeningOutcome.MORE_INFORMATION.moves_to == S.MORE_INFORMATION_REQUESTED


@pytest.mark.parametrize("how", ["now", "since"])
def test_an_officer_in_the_group_gives_its_draft_no_more_time(client, how):
    """A draft of their own group (now, or since it was made) gets no extension from them, on
    the page or by a crafted POST."""
    application = start_application()
    officer = make_user(Role.PROGRAMME_OFFICER)
    membership = Membership(organisation_id=application.organisation_id, user_id=officer.id)
    if how == "since":
        membership.joined_at = application.created_at - timedelta(days=30)
        membership.ended_at = utcnow()
    db.session.add(membership)
    db.session.flush()
    until = utcnow() + timedelta(days=3)
    with pytest.raises(NotAllowed, match="another programme officer must give more time to"):
        screening.grant_extension(officer, application, until=until, reason="Posted in time")
    sign_in(client, officer)
    page = soup_of(client.get(f"/screening/{application.id}"))
    assert page.find(id="extension") and not page.select("form[action$='/extension']")
    assert not page.select("form[action$='/notes']")
    posted = client.post(
        f"/screening/{application.id}/extension",
        data={"extension-reason": "Posted in time", "extension-time": "17:00"},
    )
    assert posted.status_code == 403
    assert "must give more time to this application" in posted.get_data(as_text=True)
    assert (
        client.post(f"/screening/{application.id}/notes", data={"note-body": "Hi"}).status_code
        == 403
    )
    db.session.expire_all()
    assert application.extension_until is None
    screening.grant_extension(
        make_user(Role.PROGRAMME_OFFICER), application, until=until, reason="Posted in time"
    )
    assert application.extension_until is not None


def test_the_officer_who_entered_a_draft_does_not_give_it_more_time():
    entered_by = make_user(Role.PROGRAMME_OFFICER)
    application = assisted_application(entered_by)
    until = utcnow() + timedelta(days=3)
    with pytest.raises(NotAllowed, match="You entered this application"):
        screening.grant_extension(entered_by, application, until=until, reason="Paper form")
    assert application.extension_until is None
    screening.grant_extension(
        make_user(Role.PROGRAMME_OFFICER), application, until=until, reason="Paper form"
    )
    assert application.extension_until is not None
