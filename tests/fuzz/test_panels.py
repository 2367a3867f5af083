"""A panel member's score sheet and an officer's panel settings and decisions, sent hostile bodies.

Whatever is posted: never a 500; a sheet only ever holds whole scores within each criterion's
range (n/a only on an optional criterion); decisions never commit more than the round's budget.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select, update

from grants.extensions import db
from grants.panels import decisions
from grants.panels.meeting_models import DecisionOutcome
from grants.panels.member_forms import NOT_APPLICABLE
from grants.panels.models import Score, ScoreSheet
from tests.factories import sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, post
from tests.panels.meeting_setup import decline_reason, quorate_meeting, scored_round
from tests.panels.member_setup import assigned


@pytest.fixture
def sheet_setting(client, reference_data):
    setting = assigned()
    setting.criteria[-1].optional = True
    db.session.commit()
    sign_in(client, setting.member)
    return setting


@FUZZ
@given(data=st.data())
def test_a_score_sheet(client, sheet_setting, data):
    criteria = sheet_setting.criteria
    fields = {}
    for criterion in criteria:
        levels = [str(level) for level in range(criterion.max_score + 1)]
        fields[f"score-{criterion.id}"] = fuzz.choice_field(
            levels, tricky=[NOT_APPLICABLE, "-1", str(criterion.max_score + 1), "1.5", "٣"]
        )
        fields[f"comment-{criterion.id}"] = fuzz.text_field("Clear plan", tricky=["x" * 3001])
    fields["save_draft"] = fuzz.choice_field(["Save draft"])
    fields["submit"] = fuzz.choice_field(["Submit scores"])
    body = data.draw(fuzz.form_bodies(fields), label="body")

    response = post(client, f"/scoring/{sheet_setting.application.id}", body)
    event(f"answered {response.status_code}")

    by_id = {criterion.id: criterion for criterion in criteria}
    for score in db.session.scalars(
        select(Score).join(ScoreSheet).where(ScoreSheet.user_id == sheet_setting.member.id)
    ):
        criterion = by_id[score.criterion_id]
        if score.not_applicable:
            assert criterion.optional and score.score is None
        elif score.score is not None:
            assert 0 <= score.score <= criterion.max_score
        assert score.comment is None or len(score.comment) <= 3000
    # As an officer's reopening would, so the next example may change the sheet again.
    db.session.execute(update(ScoreSheet).values(submitted_at=None))
    db.session.commit()


@pytest.fixture
def meeting(client, reference_data):
    scored = scored_round(levels=(5, 4, 3), budget_pence=300_000)
    quorate_meeting(scored)
    reasons = [decline_reason().id]
    db.session.commit()
    sign_in(client, scored.officer)
    return scored, reasons


@FUZZ
@given(data=st.data())
def test_a_decision(client, meeting, data):
    scored, reasons = meeting
    application = data.draw(st.sampled_from(scored.applications), label="application")
    fields = {
        "outcome": fuzz.choice_field([o.value for o in DecisionOutcome], tricky=["FUND"]),
        "rationale": fuzz.text_field("Strong local support"),
        "amount": fuzz.number_field("1000", "999.99", tricky=["1500", "0", "-5", "£1,0.0"]),
        "reduced_reason": fuzz.text_field("Fewer sessions"),
        "conditions": fuzz.text_field("Share a safeguarding policy\nName a lead"),
        "decline_reason": fuzz.choice_field(
            [str(r) for r in reasons], tricky=["0", "x", "²", "99999999999999999999"]
        ),
        "decline_detail": fuzz.text_field("Duplicates another project"),
        "departure_rationale": fuzz.text_field("Funded elsewhere"),
        "change_reason": fuzz.text_field("Corrected a slip"),
    }
    body = data.draw(fuzz.form_bodies(fields), label="body")

    url = f"/panels/meetings/rounds/{scored.round.id}/applications/{application.id}"
    response = post(client, url, body)
    event(f"answered {response.status_code}")

    assert decisions.committed_pence(scored.round.id) <= scored.round.budget_pence


@FUZZ
@given(data=st.data())
def test_panel_settings(client, meeting, data):
    scored, _ = meeting
    numbers = ["min_scorers", "min_young_people", "min_faith_members", "rotation_after"]
    fields = {name: fuzz.number_field("1", "3", tricky=["0", "-1", "10**9"]) for name in numbers}
    fields |= {
        "disagreement_sd": fuzz.number_field("15"),
        "disagreement_range": fuzz.number_field("30"),
        "community_majority": fuzz.checkbox_field(),
        "indicative_allocations": fuzz.checkbox_field(),
        "closes_on": fuzz.date_field(),
        "closes_at_time": fuzz.text_field(*fuzz.TIMES, tricky=fuzz.NOT_TIMES),
    }
    body = data.draw(fuzz.form_bodies(fields), label="body")

    response = post(client, f"/panels/rounds/{scored.round.id}/settings", body)
    event(f"answered {response.status_code}")

    panel = scored.panel
    db.session.refresh(panel)
    assert panel.min_scorers >= 1 and panel.rotation_after >= 1
