"""The decision record: what a council auditor asks for, in one PDF. Who attended and whom they
represent, whether the meeting was quorate (or why it went ahead), every declared interest, the
ranking with its scores summary, each decision with its rationale and every version it had, and
the departures from the ranking with theirs.

The record is drawn once, when the meeting closes, and stored with its SHA-256
(``grants.panels.addenda``); every later download is that file. What happens afterwards is an
addendum (:func:`add_addendum`), listed after it. Before the close the record is a draft, drawn
afresh each time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.accounts.models import User
from grants.clock import utcnow
from grants.extensions import db
from grants.panels import addenda, decision_history, decisions, equity, meetings
from grants.panels.addenda import add_addendum  # noqa: F401  (the one way to amend a record)
from grants.panels.declarations import register_of_interests, status_of
from grants.panels.meeting_models import Meeting, MeetingAttendance
from grants.panels.models import InterestKind, Panel, PanelProfile
from grants.pdf import render_pdf, render_pdf_html


@dataclass
class Attendee:
    name: str
    representation: str


def attendees(meeting: Meeting) -> list[Attendee]:
    rows = db.session.scalars(
        select(MeetingAttendance)
        .where(MeetingAttendance.meeting_id == meeting.id)
        .options(selectinload(MeetingAttendance.user))
    ).all()
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(PanelProfile).where(PanelProfile.user_id.in_([r.user_id for r in rows]))
        )
    }
    people = [
        Attendee(
            r.user.full_name,
            profiles[r.user_id].representation.label if r.user_id in profiles else "Not recorded",
        )
        for r in rows
    ]
    return sorted(people, key=lambda a: a.name)


def record_context(panel: Panel) -> dict:
    meeting = meetings.meeting_of(panel)
    ranking = meetings.ranked_list(panel, with_neighbourhoods=True)
    budget, within = decisions.live_budget(panel.round, ranking)
    interests = [d for d in register_of_interests(panel.round) if d.kind != InterestKind.NONE]
    return {
        "panel": panel,
        "round": panel.round,
        "meeting": meeting,
        "attendees": attendees(meeting) if meeting else [],
        "quorum": meetings.quorum(meeting) if meeting else None,
        "interests": [(d, status_of(d)) for d in interests],
        "ranking": ranking,
        "budget": budget,
        "departures": [r for r in ranking.rows if r.decision and r.decision.departs_from_ranking],
        "reason_usage": decisions.reason_usage(panel.round_id),
        "wards": equity.ward_shares(panel.round, ranking, within),
        "formula": equity.FORMULA,
        "formula_terms": equity.FORMULA_TERMS,
        "versions": decision_history.versions_by_application(panel.round_id),
        "printed_at": utcnow(),
    }


def decision_record_html(panel: Panel) -> str:
    return render_pdf_html("pdf/decision_record.html", **record_context(panel))


def decision_record_pdf(panel: Panel) -> bytes:
    return render_pdf("pdf/decision_record.html", **record_context(panel))


def store_at_close(actor: User, meeting: Meeting) -> None:
    """Draw the record as the meeting closes and keep it: from now on it is never redrawn."""
    panel = db.session.get(Panel, meeting.panel_id)
    addenda.store_record(panel, decision_record_pdf(panel), actor)


meetings.on_close(store_at_close)


def record_file(actor: User, panel: Panel) -> tuple[bytes, bool]:
    """The record to download and whether it is the stored one. A meeting closed before records
    were stored has its record drawn and kept now, once; an open meeting's is a fresh draft."""
    stored = addenda.stored_record(panel)
    if stored is None:
        meeting = meetings.meeting_of(panel)
        if meeting is None or meeting.is_open:
            return decision_record_pdf(panel), False
        stored = addenda.store_record(panel, decision_record_pdf(panel), actor)
    return addenda.read(stored), True


@dataclass(frozen=True)
class ClosePlan:
    """What closing the meeting would leave undone, for the page that asks to confirm it."""

    decided: int
    undecided: int
    unreleased: int


def close_plan(panel: Panel) -> ClosePlan:
    ranking = meetings.ranked_list(panel)
    decided = [r.decision for r in ranking.rows if r.decision]
    return ClosePlan(
        decided=len(decided),
        undecided=len(ranking.rows) - len(decided),
        unreleased=sum(1 for d in decided if not d.is_released),
    )
