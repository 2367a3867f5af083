"""The decision record: what a council auditor asks for, in one PDF."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from grants.extensions import db
from grants.panels import decisions, meetings, record
from grants.panels.decisions import DecisionInput
from grants.panels.models import Declaration, InterestKind, PanelProfile, Representation
from grants.permissions import Role
from tests.factories import make_user
from tests.panels.factories import make_panel, panel_member, scoring_round
from tests.panels.meeting_setup import decline_reason, quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text(" "))


def _decide(scored, application, outcome, **fields):
    return decisions.decide(
        scored.officer,
        scored.panel,
        application,
        DecisionInput(outcome=outcome, rationale=fields.pop("rationale"), **fields),
    )


def _a_finished_meeting():
    """Four applications: a reduced award, a decline above a funded application (a departure),
    funding with conditions, and a moderated score; one member declared a conflict."""
    scored = scored_round(levels=(5, 4, 3, 2), budget_pence=500_000)
    names = ["Ada Resident", "Bilal Youth", "Cath Faith", "Dev Resident"]
    for member, name in zip(scored.members, names, strict=True):
        member.full_name = name
    db.session.get(PanelProfile, scored.members[1].id).representation = Representation.YOUNG_PERSON
    first, second, third, fourth = scored.applications
    db.session.add(
        Declaration(
            application_id=third.id,
            user_id=scored.members[2].id,
            kind=InterestKind.FINANCIAL,
            description="Rents them the hall",
        )
    )
    db.session.flush()
    scored.panel.indicative_allocations = True
    quorate_meeting(scored)
    meetings.moderate(scored.officer, fourth, 95, "Scorers missed the match funding")
    reason = decline_reason("Duplicates an existing service")
    _decide(
        scored,
        first,
        "fund_reduced",
        amount_pence=120_000,
        reduced_reason="Equipment already owned",
        rationale="Clear need in Hindley",
    )
    _decide(
        scored,
        second,
        "decline",
        decline_reason_id=reason.id,
        decline_detail="The library runs the same club",
        rationale="Not additional",
    )
    _decide(
        scored,
        third,
        "fund",
        rationale="Good value",
        departure_rationale="Ranked below a declined bid, but that one duplicates a service",
    )
    _decide(
        scored,
        fourth,
        "fund_with_conditions",
        conditions="Send a safeguarding policy\nShow the match funding letter",
        rationale="Strong once moderated",
    )
    return scored


def test_the_record_holds_what_an_auditor_asks_for():
    scored = _a_finished_meeting()
    first, second, third, fourth = scored.applications
    text = _text(record.decision_record_html(scored.panel))

    # attendance with representation, and quorum
    assert "Ada Resident Resident" in text
    assert "Bilal Youth Young person (under 25)" in text
    assert "4 members attended, 4 of them community members" in text
    assert "The meeting was quorate." in text
    # the register of declared interests
    assert "Cath Faith" in text and "Rents them the hall" in text
    assert "Conflict: not taking part" in text
    # ranking with its scores summary: n, mean, median, trimmed, normalised, SD, range, flag
    for header in ("Rank", "n", "Mean", "Median", "Trimmed", "Normalised", "SD", "Range"):
        assert f" {header} " in text
    assert "Ranked by Mean" in text
    assert f"2 {fourth.reference}" in text  # moderated to 95, from a mean of 40
    assert "Scorers missed the match funding" in text
    assert f"4 {third.reference} {third.organisation.name} £1,500 3 60.0 60.0 60.0" in text
    assert f"{fourth.reference}: 95 out of 100 (computed 40.0 mean)" in text
    # each decision with its rationale, reduced reason, conditions and decline reason
    assert "Fund a reduced amount: £1,200" in text
    assert "Why the amount was reduced Equipment already owned" in text
    assert "Clear need in Hindley" in text
    assert (
        "Reason for declining Duplicates an existing service: The library runs the same club"
        in (text)
    )
    assert "Send a safeguarding policy Show the match funding letter" in text
    # departures with their rationale
    assert (
        f"{third.reference} (fund in full, rank 4): Ranked below a declined bid, but that one "
        "duplicates a service"
    ) in text
    # decline reason usage and equity with the formula
    assert "Reasons for declining Reason Times used Duplicates an existing service 1" in text
    assert "P × (1 + D)" in text and "Indicative allocation" in text
    assert "Round budget £5,000" in text


def test_the_record_states_an_overridden_quorum_and_its_reason():
    officer = make_user(Role.PROGRAMME_OFFICER)
    council = panel_member(Representation.COUNCIL_OFFICER, name="Carl Council")
    partner = panel_member(Representation.PARTNER, name="Pat Partner")
    panel = make_panel(scoring_round(), [council, partner])
    meeting = meetings.open_meeting(officer, panel, min_members=3)
    meetings.record_attendance(officer, meeting, [council.id, partner.id], min_members=3)
    meetings.override_quorum(officer, meeting, "Storm Darragh: residents could not travel")
    text = _text(record.decision_record_html(panel))
    assert "Carl Council Council officer" in text
    assert "2 members attended, 0 of them community members" in text
    assert "The meeting was not quorate. It decided anyway because:" in text
    assert "Storm Darragh: residents could not travel" in text
    assert f"Recorded by {officer.full_name}" in text
    assert "No panel member declared an interest" in text
    assert "No decisions have been recorded." in text
    assert "Indicative allocation" not in text and "P × (1 + D)" not in text  # not chosen


def test_a_record_can_be_printed_before_the_meeting_opens():
    scored = scored_round(levels=(3,))
    text = _text(record.decision_record_html(scored.panel))
    assert "The meeting has not been opened." in text
    assert "No decision departed from the ranking." in text


def test_the_record_is_a_real_pdf(tmp_path):
    scored = _a_finished_meeting()
    pdf = record.decision_record_pdf(scored.panel)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000
    (tmp_path / "record.pdf").write_bytes(pdf)
