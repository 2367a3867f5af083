"""Rules people expect: one application per group per round (unless the round allows more),
project dates inside the round's window and not already past at sending, and a resend after a
request for more information that keeps the first sent date and records the resend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants import transaction
from grants.applications import answers, services
from grants.applications.states import Actor
from grants.applications.states import ApplicationStatus as S
from grants.audit import AuditEvent
from grants.clock import as_aware, utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.funds.models import Round
from grants.permissions import Role
from tests.applications.factories import (
    complete,
    open_round,
    start_application,
    submitted_application,
)
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.funds.factories import make_fund
from tests.funds.test_officer_pages import round_form

pytestmark = pytest.mark.usefixtures("reference_data")


def _link(application):
    return f"http://localhost/applications/{application.id}"


def _send(application, **kwargs):
    return services.submit(application.organisation.main_contact, application, _link, **kwargs)


# One application per group per round


@pytest.mark.parametrize("set_aside", [S.WITHDRAWN, S.INELIGIBLE])
def test_one_application_per_group_until_it_is_withdrawn_or_found_ineligible(set_aside):
    first = submitted_application()
    group, round_ = first.organisation, first.round
    with pytest.raises(services.AlreadyApplied, match="already has an application"):
        services.start(group.main_contact, round_, group)
    first.status = set_aside
    db.session.flush()
    assert services.start(group.main_contact, round_, group).status == S.DRAFT


def test_a_round_can_allow_several_applications_from_a_group():
    first = start_application(open_round(allows_several_applications=True))
    second = services.start(first.organisation.main_contact, first.round, first.organisation)
    assert second.id != first.id


@pytest.fixture
def two_drafts():
    """Two drafts of one group in one round, as when two members press Start at the same moment
    (the start check cannot see an uncommitted draft): the rule is enforced again at sending."""
    round_ = open_round(allows_several_applications=True)
    first = complete(start_application(round_))
    second = complete(start_application(round_, first.organisation))
    round_.allows_several_applications = False
    db.session.flush()
    return first, second


def test_a_second_draft_is_refused_at_sending(two_drafts):
    first, second = two_drafts
    _send(second)
    with pytest.raises(services.AlreadyApplied, match="already sent an application"):
        _send(first)
    assert first.status == S.DRAFT


def test_an_unsent_draft_does_not_block_sending_another(two_drafts):
    first, _second = two_drafts
    assert _send(first).status == S.SUBMITTED


def test_the_start_page_explains_a_second_application_is_refused(client):
    first = start_application()
    sign_in(client, first.organisation.main_contact)
    response = client.post(f"/applications/start/{first.round.slug}", data={})
    assert response.status_code == 200
    assert any("already has an application" in m for m in error_messages(response))


# Project dates, checked again at sending


def test_a_start_date_already_past_is_refused_at_sending():
    application = complete(start_application())
    application.start_date = date.today() - timedelta(days=2)  # saved back when it was ahead
    db.session.flush()
    with pytest.raises(DomainError, match="The project start date has passed") as refused:
        _send(application)
    assert refused.value.field == "timeline"


def test_dates_outside_a_window_changed_after_saving_are_refused_at_sending():
    application = complete(start_application())
    application.round.project_end_by = application.end_date - timedelta(days=1)
    db.session.flush()
    with pytest.raises(DomainError, match="End date must be on or before"):
        _send(application)


def test_a_start_date_after_the_window_closes_is_refused():
    application = start_application(open_round(project_end_by=date(2027, 12, 31)))
    with pytest.raises(DomainError, match="Start date must be on or before 31 December 2027"):
        answers.save_timeline(
            application.organisation.main_contact,
            application,
            start=date(2028, 1, 5),
            end=date(2028, 2, 5),
        )


def test_the_dates_error_on_check_links_to_the_timeline(client):
    application = complete(start_application())
    application.round.project_end_by = application.end_date - timedelta(days=1)
    db.session.commit()
    sign_in(client, application.organisation.main_contact)
    response = client.post(f"/applications/{application.id}/check")
    assert response.status_code == 200
    summary = soup_of(response).select_one(".govuk-error-summary")
    link = summary.find("a", string=lambda text: "project dates" in (text or ""))
    assert link["href"] == "#section-timeline"
    assert soup_of(response).find(id="section-timeline") is not None


# Resending after a request for more information


def test_a_resend_keeps_the_first_sent_date_and_records_the_resend(client, outbox):
    first_sent = utcnow() - timedelta(days=3)
    application = complete(start_application())
    _send(application, now=first_sent)
    officer = make_user(Role.PROGRAMME_OFFICER)
    services.move(officer, application, S.MORE_INFORMATION_REQUESTED, Actor.OFFICER)
    resent = utcnow()
    _send(application, now=resent)
    transaction.commit()

    assert as_aware(application.submitted_at) == first_sent
    db.session.refresh(application)
    assert [as_aware(when) for when in application.resent_at] == [resent]
    resend_audit = db.session.query(AuditEvent).filter_by(action="application.submitted").all()
    assert [event.after.get("resubmission") for event in resend_audit] == [False, True]

    for viewer, path in [
        (application.organisation.main_contact, f"/applications/{application.id}/view"),
        (officer, f"/screening/{application.id}"),
    ]:
        sign_in(client, viewer)
        page = client.get(path)
        assert page.status_code == 200, path
        rows = {
            row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
                ".govuk-summary-list__value"
            ).get_text(" ", strip=True)
            for row in soup_of(page).select(".govuk-summary-list__row")
        }
        assert "Sent again" in rows, path


# The round setting


def test_an_officer_lets_a_round_take_several_applications_per_group(client):
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    fund = make_fund()
    form = client.get(f"/funds/{fund.id}/rounds/new").get_data(as_text=True)
    assert 'name="allows_several_applications"' in form
    data = round_form(allows_several_applications="y")
    response = client.post(f"/funds/{fund.id}/rounds/new", data=data)
    assert response.status_code == 302, error_messages(response)
    round_ = db.session.scalar(select(Round).where(Round.slug == data["slug"]))
    assert round_.allows_several_applications
    overview = client.get(f"/funds/rounds/{round_.id}").get_data(as_text=True)
    assert "Applications per group" in overview and "More than one" in overview
