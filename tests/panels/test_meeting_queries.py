"""The meeting view and the scores and fairness page take the same number of queries however many
applications the round has: a round of hundreds must not cost a query per application."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.panels import assignment, decisions, declarations, meetings
from grants.panels.assignment import AssignmentMode
from grants.panels.decisions import DecisionInput
from grants.panels.models import ScoreSheet
from tests.factories import sign_in
from tests.panels.meeting_setup import quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")


def _meeting_round(applications: int):
    """A quorate meeting over ``applications`` scored applications, with everything a row can
    show: a moderated score, decisions, a conflict and a high-disagreement application."""
    levels = [(5 - n % 6) or 1 for n in range(applications)]
    scored = scored_round(levels=levels, budget_pence=10**9, members=5)
    assignment.assign(scored.officer, scored.panel, AssignmentMode.ALL_TO_ALL)
    quorate_meeting(scored)
    first, second, third = scored.applications[:3]
    dissent = db.session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.application_id == first.id, ScoreSheet.user_id == scored.members[-1].id
        )
    ).one()
    for score in dissent.scores:
        score.score = 0
    meetings.moderate(scored.officer, second, 72, "Agreed after discussion")
    decisions.decide(
        scored.officer,
        scored.panel,
        first,
        DecisionInput(outcome="fund", rationale="The strongest application"),
    )
    decisions.decide(
        scored.officer,
        scored.panel,
        third,
        DecisionInput(outcome="reserve", rationale="If money is left"),
    )
    declarations.record_for_member(
        scored.officer, scored.members[0], second, "financial", "Paid to run their sessions"
    )
    return scored


def _paths(scored) -> list[str]:
    return [
        f"/panels/meetings/rounds/{scored.round.id}",
        f"/panels/rounds/{scored.round.id}/scores",
    ]


def _queries(client, count_queries, applications: int) -> list[int]:
    scored = _meeting_round(applications)
    sign_in(client, scored.officer)
    counts = []
    for path in _paths(scored):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert scored.applications[-1].reference in page and "Disagreement" in page
        counts.append(count_queries(lambda path=path: client.get(path)))
    return counts


def test_the_meeting_view_and_the_fairness_page_take_the_same_queries_at_any_size(
    client, count_queries
):
    assert _queries(client, count_queries, 3) == _queries(client, count_queries, 12)
