"""Every application is ranked on the same basis, and the pages say when scores could not be
normalised and how normalised scores are bounded."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.panels import meetings
from grants.panels.models import RankingMethod
from tests.checks import soup_of
from tests.factories import sign_in
from tests.panels.meeting_setup import quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")


def test_a_round_that_cannot_be_normalised_says_so_and_ranks_all_by_the_mean(client):
    scored = scored_round(levels=(5, 3, 4))  # each member has scored only three applications
    scored.panel.ranking_method = RankingMethod.NORMALISED
    quorate_meeting(scored)
    db.session.flush()
    sign_in(client, scored.officer)
    for url in (
        f"/panels/meetings/rounds/{scored.round.id}",
        f"/panels/rounds/{scored.round.id}/scores",
    ):
        warning = soup_of(client.get(url)).select_one(".govuk-warning-text").text
        assert "No scorer has yet scored at least 5 applications" in warning
        assert "ranked by its mean instead" in warning
    ranking = meetings.ranked_list(scored.panel)
    assert (
        [row.score for row in ranking.rows]
        == [row.aggregate.mean for row in ranking.rows]
        == sorted((row.aggregate.mean for row in ranking.rows), reverse=True)
    )


def test_a_round_that_can_be_normalised_says_normalised_scores_are_clamped(client):
    scored = scored_round(levels=(5, 4, 3, 2, 1), members=3)
    scored.panel.ranking_method = RankingMethod.NORMALISED
    quorate_meeting(scored)
    db.session.flush()
    sign_in(client, scored.officer)
    page = soup_of(client.get(f"/panels/meetings/rounds/{scored.round.id}"))
    assert "clamped to 0 or 100" in page.select_one("#normalised-bounds").text
    ranking = meetings.ranked_list(scored.panel)
    assert all(0 <= row.score <= 100 for row in ranking.rows)
    assert all(row.aggregate.normalised is not None for row in ranking.rows)
