"""Snapshots of what an application said when it was sent, and the differences between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from grants.applications.models import BENEFICIARY_GROUPS, BUDGET_CATEGORIES, Application, Revision
from grants.extensions import db
from grants.money import format_pence


def snapshot(application: Application) -> dict[str, Any]:
    """Everything the applicant said, as labelled plain text, in task-list order."""
    lines = [
        f"{line.item} ({BUDGET_CATEGORIES.get(line.category, line.category)}): {format_pence(line.amount_pence)}"
        for line in application.budget_lines
    ]
    answers = {}
    for question in application.round.questions:
        value = application.answer_for(question.id)
        if isinstance(value, list):
            value = ", ".join(value)
        answers[question.label] = "" if value is None else str(value)
    return {
        "Project title": application.title or "",
        "Summary": application.summary or "",
        "Description": application.description or "",
        "Neighbourhoods": ", ".join(n.name for n in application.neighbourhoods),
        "Main principle": application.main_principle.name if application.main_principle else "",
        "Other principles": ", ".join(p.name for p in application.other_principles),
        "People reached": ""
        if application.people_reached is None
        else str(application.people_reached),
        "Who benefits": ", ".join(
            BENEFICIARY_GROUPS.get(g, g) for g in application.beneficiary_groups or []
        ),
        "Outcomes": "\n".join(
            f"{o.title}: {o.target_text or 'no target given'} ({o.principle.name})"
            for o in application.outcomes
        ),
        "Budget": "\n".join(lines),
        "Amount requested": format_pence(application.amount_requested_pence),
        "Start date": application.start_date.isoformat() if application.start_date else "",
        "End date": application.end_date.isoformat() if application.end_date else "",
        **answers,
        "Documents": "\n".join(f"{d.kind.label}: {d.original_name}" for d in application.documents),
    }


def add_revision(application: Application, actor) -> Revision:
    number = (
        db.session.scalar(
            select(func.max(Revision.number)).where(Revision.application_id == application.id)
        )
        or 0
    ) + 1
    revision = Revision(
        application_id=application.id,
        number=number,
        snapshot=snapshot(application),
        created_by_id=actor.id,
    )
    db.session.add(revision)
    return revision


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    labels = list(dict.fromkeys([*before, *after]))
    return [
        Change(label, str(before.get(label, "")), str(after.get(label, "")))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]


def revisions_of(application: Application) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.application_id == application.id)
            .order_by(Revision.number)
        )
    )


def latest_changes(application: Application) -> list[Change]:
    """What changed between the last two times the application was sent (empty if sent once)."""
    revisions = revisions_of(application)
    if len(revisions) < 2:
        return []
    return diff(revisions[-2].snapshot, revisions[-1].snapshot)
