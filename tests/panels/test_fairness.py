"""The officer's scores and fairness page: each member's progress, calibration, reliability and
each application's scores in, on a round small enough to work out by hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grants.extensions import db
from grants.panels import aggregation, assignment, declarations, fairness, services
from grants.panels.assignment import AssignmentMode
from grants.panels.models import Assignment, ScoreSheet
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import make_user, sign_in
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round
from tests.panels.meeting_setup import score, with_panel

pytestmark = pytest.mark.usefixtures("reference_data")


@dataclass
class Round:
    officer: object
    panel: object
    members: dict  # name -> user
    applications: dict  # "X", "Y", "Z" -> application


def _draft(application, member, values):
    sheet = score(application, member, values)
    sheet.submitted_at = None
    db.session.flush()
    return sheet


def hand_made() -> Round:
    """Four members and three applications, every member asked to score every one.

    Weighted scores (weights 3, 2, 1, each out of 5):
        X: Ada 100, Ben 80, Cal 60 (the last criterion n/a), Dee 100 then a conflict (excluded)
        Y: Ada 80, Ben 40, Cal 20, Dee 60
        Z: Ada 40, Ben 20, Cal a draft of 100 (not submitted), Dee declined it
    """
    officer = make_user(Role.PROGRAMME_OFFICER)
    round_ = scoring_round()
    members = {name: panel_member(name=name) for name in ("Ada", "Ben", "Cal", "Dee")}
    panel = make_panel(round_, members.values())
    applications = {
        key: with_panel(eligible_application(round_, officer), officer, panel) for key in "XYZ"
    }
    assignment.assign(officer, panel, AssignmentMode.ALL_TO_ALL)
    ada, ben, cal, dee = members.values()
    x, y, z = applications.values()
    for member, values in ((ada, [5, 5, 5]), (ben, [4, 4, 4]), (cal, [3, 3, None])):
        score(x, member, values)
    for member, level in ((ada, 4), (ben, 2), (cal, 1), (dee, 3)):
        score(y, member, [level] * 3)
    score(z, ada, [2, 2, 2])
    score(z, ben, [1, 1, 1])
    _draft(z, cal, [5, 5, 5])
    declarations.declare(dee, x, "none")
    score(x, dee, [5, 5, 5])
    declarations.record_for_member(officer, dee, x, "financial", "Paid to run their sessions")
    dee_on_z = db.session.query(Assignment).filter_by(application_id=z.id, user_id=dee.id).one()
    services.decline_assignment(dee, dee_on_z, "I am away that week")
    return Round(officer, panel, members, applications)


def _expected(made: Round) -> aggregation.RoundSummary:
    """The same round as aggregation's own inputs, written out by hand."""
    ada, ben, cal, _dee = (m.id for m in made.members.values())
    x, y, z = (a.id for a in made.applications.values())
    criteria = [c for c in made.panel.round.criteria]
    first, second, third = (c.id for c in sorted(criteria, key=lambda c: c.position))
    specs = [aggregation.CriterionSpec(c.id, c.weight, c.max_score) for c in criteria]

    def sheet(scorer, application, a, b, c):
        return aggregation.Sheet(scorer, application, {first: a, second: b, third: c})

    sheets = [
        sheet(ada, x, 5, 5, 5),
        sheet(ben, x, 4, 4, 4),
        sheet(cal, x, 3, 3, None),
        sheet(ada, y, 4, 4, 4),
        sheet(ben, y, 2, 2, 2),
        sheet(cal, y, 1, 1, 1),
        sheet(_dee, y, 3, 3, 3),
        sheet(ada, z, 2, 2, 2),
        sheet(ben, z, 1, 1, 1),
    ]
    return aggregation.round_summary(sheets, specs)


def test_the_figures_match_the_aggregation_and_leave_out_conflicts_and_drafts():
    made = hand_made()
    view = fairness.fairness(made.panel)
    expected = _expected(made)
    rows = {row.application.id: row for row in view.applications}
    x, y, z = made.applications.values()
    assert rows[x.id].aggregate == expected.aggregates[x.id]
    assert rows[x.id].aggregate.mean == pytest.approx(80)  # Dee's conflicted 100 is left out
    assert rows[y.id].aggregate.mean == pytest.approx(50)
    assert rows[z.id].aggregate.scores == pytest.approx((40, 20))  # Cal's draft is left out
    assert [rows[a.id].scores_in for a in (x, y, z)] == ["3 of 3", "4 of 4", "2 of 3"]

    members = {row.user.full_name: row for row in view.members}
    for user in made.members.values():
        assert members[user.full_name].calibration == expected.calibration.get(user.id)
    ada = members["Ada"].calibration
    # Ada against the others on the same applications: 100-70, 80-40, 40-20.
    assert ada.leniency == pytest.approx(30)
    assert ada.panel_mean == pytest.approx(500 / 9)
    assert [
        (name, row.progress_label, row.declined, row.conflicts) for name, row in members.items()
    ] == [
        ("Ada", "3 of 3", 0, 0),
        ("Ben", "3 of 3", 0, 0),
        ("Cal", "2 of 3", 0, 0),
        ("Dee", "1 of 1", 1, 1),
    ]
    assert view.reliability.icc_1k == pytest.approx(expected.icc_1k)
    assert view.reliability.krippendorff_alpha == pytest.approx(expected.krippendorff_alpha)
    assert view.sheets_counted == 9


def test_the_page_shows_the_figures_to_one_decimal_with_their_meaning(client):
    made = hand_made()
    expected = _expected(made)
    sign_in(client, made.officer)
    response = client.get(f"/panels/rounds/{made.panel.round_id}/scores")
    assert response.status_code == 200
    soup = soup_of(response)
    text = soup.get_text(" ", strip=True)
    assert "how much higher or lower this member scores than the others" in text.lower()

    x = made.applications["X"]
    x_row = next(tr for tr in soup.find_all("tr") if tr.th and x.reference in tr.th.text)
    cells = [td.get_text(" ", strip=True) for td in x_row.find_all("td")]
    # Scores in, mean, median, normalised (nobody scored 5 applications), SD, range.
    assert cells == ["3 of 3", "80.0", "80.0", "–", f"{expected.aggregates[x.id].sd:.1f}", "40.0"]

    ada_row = next(tr for tr in soup.find_all("tr") if tr.th and "Ada" in tr.th.text)
    cells = [td.get_text(" ", strip=True) for td in ada_row.find_all("td")]
    assert cells[:5] == ["3 of 3", "0", "0", "73.3 (panel 55.6)", "30.0 higher"]
    dee_row = next(tr for tr in soup.find_all("tr") if tr.th and "Dee" in tr.th.text)
    assert [td.get_text(strip=True) for td in dee_row.find_all("td")][:3] == ["1 of 1", "1", "1"]

    reliability = fairness.reliability(
        expected.icc_1k, expected.krippendorff_alpha, sheets=9, scorers_per_application=[3, 4, 2]
    )
    assert reliability.level == "Too few scores to judge yet"  # nine scores
    assert reliability.level in text and reliability.reading in text
    assert "<strong>" not in text and "<span" not in text  # markup is markup, not text
    assert soup.find("strong", string=reliability.level)
    assert f"{expected.icc_1k:.2f}" in text
    for region in soup.find_all("div", attrs={"class": "app-table-region"}):
        assert region["tabindex"] == "0" and region["aria-label"]


def test_a_round_without_scores_says_reliability_is_not_known_yet(client):
    officer = make_user(Role.PROGRAMME_OFFICER)
    panel = make_panel(scoring_round(), [panel_member(name="Ada")])
    sign_in(client, officer)
    response = client.get(f"/panels/rounds/{panel.round_id}/scores")
    assert response.status_code == 200
    text = soup_of(response).get_text(" ", strip=True)
    assert "Not known yet" in text and "No scores yet" in text


@pytest.mark.parametrize(
    ("icc", "level"),
    [(0.95, "Very high"), (0.8, "High"), (0.64, "Moderate"), (0.2, "Low"), (-0.3, "None")],
)
def test_reliability_is_read_on_the_conventional_scale(icc, level):
    assert fairness.reliability(icc, 0.5).level == level


def test_panel_members_and_applicants_cannot_see_the_page(client):
    made = hand_made()
    path = f"/panels/rounds/{made.panel.round_id}/scores"
    x = made.applications["X"]
    for person in (made.members["Ada"], x.created_by, make_user()):
        sign_in(client, person)
        assert client.get(path).status_code == 403
    sign_in(client, made.officer)
    assert client.get("/panels/rounds/999999/scores").status_code == 404


def test_the_page_takes_the_same_number_of_queries_as_the_round_grows(client, count_queries):
    made = hand_made()
    path = f"/panels/rounds/{made.panel.round_id}/scores"
    sign_in(client, made.officer)
    before = count_queries(lambda: client.get(path))
    members = list(made.members.values())
    for level in range(6):
        application = with_panel(
            eligible_application(made.panel.round, made.officer), made.officer, made.panel
        )
        assignment.assign(made.officer, made.panel, AssignmentMode.ALL_TO_ALL)
        for member in members[:3]:
            score(application, member, [level % 6, (level + 2) % 6, None])
    assert db.session.query(ScoreSheet).count() > 20
    assert count_queries(lambda: client.get(path)) == before
