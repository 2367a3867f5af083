"""Weights mean what the criteria form says: each criterion counts by its weight's share of the
total, whatever its maximum, in the round's figures and on the pages that show the criteria."""

from __future__ import annotations

import pytest

from grants.extensions import db
from grants.panels import meetings
from grants.panels.aggregation import Sheet, weighted_score
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import make_user, sign_in
from tests.panels.factories import eligible_application
from tests.panels.meeting_setup import score, scored_round, with_panel
from tests.panels.member_setup import assigned

pytestmark = pytest.mark.usefixtures("reference_data")


def test_the_rounds_figures_normalise_each_criterion_to_its_maximum_before_weighting():
    scored = scored_round(levels=(), members=2)
    first, second, third = sorted(scored.round.criteria, key=lambda c: c.position)  # 3, 2, 1
    first.max_score, second.max_score, third.max_score = 10, 4, 5
    application = with_panel(
        eligible_application(scored.round, scored.officer), scored.officer, scored.panel
    )
    one, other = scored.members
    score(application, one, [10, 0, None])
    score(application, other, [3, 4, 5])
    db.session.flush()
    sheets, specs = meetings.scoring_inputs(scored.round.id)
    by_member = {sheet.scorer_id: sheet.score for sheet in sheets}
    # 100 * (3 * 10/10 + 2 * 0/4) / (3 + 2): n/a left out of both sums
    assert by_member[one.id] == pytest.approx(60.0)
    # 100 * (3 * 3/10 + 2 * 4/4 + 1 * 5/5) / 6 (weight × maximum would give 100 * 22 / 43)
    assert by_member[other.id] == pytest.approx(65.0)
    for member, values in ((one, {first.id: 10, second.id: 0, third.id: None}),):
        expected = weighted_score(Sheet(member.id, application.id, values), specs)
        assert by_member[member.id] == pytest.approx(expected)


def test_the_score_sheet_shows_each_criterions_share(client):
    setting = assigned()
    sign_in(client, setting.member)
    page = soup_of(client.get(f"/scoring/{setting.application.id}")).text
    # weights 3, 2 and 1
    assert "Weight 3, 50% of the total" in page
    assert "Weight 2, 33.3% of the total" in page
    assert "Weight 1, 16.7% of the total" in page


def test_the_criteria_page_shows_each_criterions_share(client):
    setting = assigned()
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    page = soup_of(client.get(f"/funds/rounds/{setting.round.id}/criteria"))
    shares = [row.select("td")[4].text.strip() for row in page.select("tbody tr")]
    assert shares == ["50%", "33.3%", "16.7%"]
    assert "whatever its maximum" in page.select_one("#shares").text
