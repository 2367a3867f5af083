"""The paper route: a printable scoring pack for one panel member.

It holds the criteria sheet (each criterion's weight, maximum and level descriptors) and, for each
application assigned to the member, either its details and a score grid (once they have declared
no conflict) or only a declaration to fill in (before then, nothing of the application is shown,
as on screen). Conflicted and declined applications are left out. Everything about an
application is drawn through ``blind.member_view``, so a blind round stays blind on paper.
"""

from __future__ import annotations

from flask import render_template

from grants.accounts.models import User
from grants.clock import utcnow
from grants.panels import blind, scoring
from grants.panels.models import INTEREST_LABELS, AssignmentStatus
from grants.pdf import html_to_pdf


def pack_items(member: User) -> list[tuple[str, scoring.Row]]:
    """("score" | "declare", row) for each application the pack covers, in list order."""
    items = []
    for row in scoring.progress_of(member).rows:
        if row.assignment.status == AssignmentStatus.DECLINED:
            continue
        if row.declaration is None:
            items.append(("declare", row))
        elif not row.declaration.is_conflict:
            items.append(("score", row))
    return items


def scoring_pack_html(member: User) -> str:
    items = pack_items(member)
    rounds = {row.application.round_id: row.application.round for _, row in items}
    return render_template(
        "pdf/scoring_pack.html",
        member=member,
        items=items,
        criteria_by_round={
            round_id: sorted(round_.criteria, key=lambda c: (c.position, c.id))
            for round_id, round_ in rounds.items()
        },
        rounds=list(rounds.values()),
        interest_labels=INTEREST_LABELS,
        printed_at=utcnow(),
        member_view=blind.member_view,
    )


def scoring_pack(member: User) -> bytes:
    return html_to_pdf(scoring_pack_html(member))
