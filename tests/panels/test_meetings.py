"""The moderation meeting: opening it, attendance and quorum, the override, closing, the ranking
method, moderated scores and the ranked list the meeting works from."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.audit import AuditEvent
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.panels import decisions, feedback, meetings
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_models import Meeting, MeetingAttendance, ModeratedScore
from grants.panels.models import (
    Declaration,
    InterestKind,
    PanelSeat,
    RankingMethod,
    Representation,
    Score,
    ScoreSheet,
)
from grants.permissions import Role
from tests.factories import make_user
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round
from tests.panels.meeting_setup import (
    Scored,
    quorate_meeting,
    score,
    scored_round,
    with_panel,
)

pytestmark = pytest.mark.usefixtures("reference_data")
R = Representation


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


# Opening, attendance and quorum ----------------------------------------------------------------


def test_a_panel_has_one_meeting_and_opening_it_again_changes_nothing():
    scored = scored_round()
    first = meetings.open_meeting(scored.officer, scored.panel, min_members=4)
    again = meetings.open_meeting(scored.officer, scored.panel, min_members=2)
    assert again.id == first.id
    assert again.min_members == 4
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    assert _events("meeting.opened") == 1


@pytest.mark.parametrize("bad", [None, 0, -1, 101])
def test_the_quorum_minimum_must_be_sensible(bad):
    scored = scored_round()
    with pytest.raises(DomainError) as raised:
        meetings.open_meeting(scored.officer, scored.panel, min_members=bad)
    assert raised.value.field == "min_members"
    assert meetings.meeting_of(scored.panel) is None


def test_only_programme_officers_run_the_meeting():
    scored = scored_round()
    for person in (scored.members[0], make_user(Role.FINANCE_OFFICER), make_user()):
        with pytest.raises(NotAllowed):
            meetings.open_meeting(person, scored.panel)
    meeting = quorate_meeting(scored)
    with pytest.raises(NotAllowed):
        meetings.record_attendance(scored.members[0], meeting, [], min_members=1)
    with pytest.raises(NotAllowed):
        meetings.override_quorum(scored.members[0], meeting, "We say so")
    with pytest.raises(NotAllowed):
        meetings.close_meeting(scored.members[0], meeting)


def test_only_people_sitting_on_the_panel_can_be_recorded_as_attending():
    scored = scored_round()
    meeting = meetings.open_meeting(scored.officer, scored.panel)
    members = [m.id for m in scored.members]
    meetings.record_attendance(scored.officer, meeting, members[:2], min_members=3)
    other_panel_member = panel_member()
    make_panel(scoring_round(), [other_panel_member])
    for outsider in (other_panel_member, scored.officer):
        with pytest.raises(InvalidInput) as raised:
            meetings.record_attendance(
                scored.officer, meeting, [*members, outsider.id], min_members=0
            )
        assert set(raised.value.errors) == {"attending", "min_members"}
    db.session.expire_all()
    assert sorted(a.user_id for a in meeting.attendance) == sorted(members[:2])


def test_recording_attendance_again_replaces_who_is_there_and_is_audited():
    scored = scored_round()
    meeting = meetings.open_meeting(scored.officer, scored.panel)
    a, b, c, d = (m.id for m in scored.members)
    meetings.record_attendance(scored.officer, meeting, [a, b, c], min_members=3)
    meetings.record_attendance(scored.officer, meeting, [b, c, d, d], min_members=2)
    rows = db.session.scalars(select(MeetingAttendance.user_id)).all()
    assert sorted(rows) == sorted([b, c, d])
    assert meeting.min_members == 2
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.attendance").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.before["attending"] == sorted([a, b, c])
    assert event.after["attending"] == sorted([b, c, d])


def _meeting_with(representations, *, min_members=3, unprofiled=0):
    officer = make_user(Role.PROGRAMME_OFFICER)
    people = [panel_member(r) for r in representations]
    people += [make_user(Role.PANEL_MEMBER) for _ in range(unprofiled)]
    panel = make_panel(scoring_round(), people)
    meeting = meetings.open_meeting(officer, panel, min_members=min_members)
    meetings.record_attendance(officer, meeting, [p.id for p in people], min_members=min_members)
    return meeting


@pytest.mark.parametrize(
    ("present", "minimum", "unprofiled", "met"),
    [
        ([R.RESIDENT, R.YOUNG_PERSON, R.FAITH], 3, 0, True),
        ([R.RESIDENT, R.VCFSE], 3, 0, False),  # too few
        ([R.RESIDENT, R.VCFSE, R.COUNCIL_OFFICER, R.PARTNER], 3, 0, True),  # exactly half
        ([R.RESIDENT, R.COUNCIL_OFFICER, R.PARTNER], 3, 0, False),  # community a minority
        ([R.COUNCIL_OFFICER, R.PARTNER, R.COUNCIL_OFFICER], 3, 0, False),
        ([R.RESIDENT, R.RESIDENT], 2, 2, True),  # unrecorded: not community; 2 of 4
        ([R.RESIDENT], 1, 2, False),  # 1 of 3
        ([], 1, 0, False),
    ],
)
def test_quorum_needs_the_minimum_and_community_members_at_least_half(
    present, minimum, unprofiled, met
):
    meeting = _meeting_with(present, min_members=minimum, unprofiled=unprofiled)
    quorum = meetings.quorum(meeting)
    assert quorum.attending == len(present) + unprofiled
    assert quorum.community == sum(1 for r in present if r.is_community)
    assert quorum.met is met
    if met:
        assert meetings.check_may_decide(meeting) is meeting
    else:
        with pytest.raises(DomainError, match="not quorate"):
            meetings.check_may_decide(meeting)


def test_without_quorum_the_officer_may_record_why_the_meeting_decides_anyway():
    meeting = _meeting_with([R.COUNCIL_OFFICER, R.RESIDENT, R.PARTNER])
    officer = meeting.opened_by
    for blank in (None, "", "   \n "):
        with pytest.raises(DomainError) as raised:
            meetings.override_quorum(officer, meeting, blank)
        assert raised.value.field == "reason"
    with pytest.raises(DomainError, match="not quorate"):
        meetings.check_may_decide(meeting)
    meetings.override_quorum(officer, meeting, "  Two residents sent their views in writing ")
    assert meeting.quorum_override_reason == "Two residents sent their views in writing"
    assert meeting.quorum_overridden_by_id == officer.id
    assert meetings.check_may_decide(meeting) is meeting
    assert _events("meeting.quorum_overridden") == 1


def test_a_closed_meeting_changes_no_more():
    scored = scored_round()
    meeting = quorate_meeting(scored)
    meetings.close_meeting(scored.officer, meeting)
    assert not meeting.is_open
    assert _events("meeting.closed") == 1
    attempts = [
        lambda: meetings.record_attendance(scored.officer, meeting, [], min_members=1),
        lambda: meetings.override_quorum(scored.officer, meeting, "Late"),
        lambda: meetings.close_meeting(scored.officer, meeting),
        lambda: meetings.check_may_decide(meeting),
        lambda: meetings.moderate(scored.officer, scored.applications[0], 50, "Late"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="closed"):
            attempt()
    with pytest.raises(DomainError, match="Open the meeting"):
        meetings.check_may_decide(None)


# The ranking method ----------------------------------------------------------------------------


def _split_round() -> tuple[Scored, object, object]:
    """Two applications scored by five members: ``divided`` has four top scores and one zero
    (mean 80, trimmed 100, flagged); ``steady`` is scored 100, 80, 80, 80, 100 (mean 88, trimmed
    86.7, not flagged)."""
    officer = make_user(Role.PROGRAMME_OFFICER)
    round_ = scoring_round()
    members = [panel_member() for _ in range(5)]
    panel = make_panel(round_, members)
    divided = with_panel(eligible_application(round_, officer), officer, panel)
    steady = with_panel(eligible_application(round_, officer), officer, panel)
    for member, d, s in zip(members, [5, 5, 5, 5, 0], [5, 4, 4, 4, 5], strict=True):
        score(divided, member, [d, d, d])
        score(steady, member, [s, s, s])
    return Scored(officer, round_, panel, members, [divided, steady]), divided, steady


def test_the_chosen_ranking_method_orders_the_list_and_is_recorded():
    scored, divided, steady = _split_round()
    by_mean = meetings.ranked_list(scored.panel)
    assert by_mean.method == RankingMethod.MEAN
    assert [r.application.id for r in by_mean.rows] == [steady.id, divided.id]
    assert by_mean.rows[0].score == pytest.approx(88)
    meetings.choose_ranking_method(scored.officer, scored.panel, "trimmed")
    by_trimmed = meetings.ranked_list(scored.panel)
    assert [r.application.id for r in by_trimmed.rows] == [divided.id, steady.id]
    assert by_trimmed.rows[0].score == pytest.approx(100)
    assert by_trimmed.rank_of(steady.id) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.ranking_method"))
    assert (event.before, event.after) == (
        {"ranking_method": "mean"},
        {"ranking_method": "trimmed"},
    )
    meetings.choose_ranking_method(scored.officer, scored.panel, RankingMethod.NORMALISED)
    assert scored.panel.ranking_method == RankingMethod.NORMALISED


@pytest.mark.parametrize("bad", ["", "median", "MEAN", None, "1; drop table panel"])
def test_an_unknown_ranking_method_is_refused_clearly(bad):
    scored = scored_round()
    with pytest.raises(DomainError) as raised:
        meetings.choose_ranking_method(scored.officer, scored.panel, bad)
    assert raised.value.field == "method"
    assert "Choose how to rank" in raised.value.message
    assert scored.panel.ranking_method == RankingMethod.MEAN
    assert _events("panel.ranking_method") == 0


# The ranked list -------------------------------------------------------------------------------


def test_applications_the_panel_disagreed_on_are_flagged_for_discussion_first():
    scored, divided, steady = _split_round()
    ranking = meetings.ranked_list(scored.panel)
    assert [r.application.id for r in ranking.flagged] == [divided.id]
    row = ranking.flagged[0]
    assert row.aggregate.n == 5
    assert row.aggregate.spread == pytest.approx(100)
    assert not next(r for r in ranking.rows if r.application.id == steady.id).flagged


def test_conflicted_and_unsubmitted_sheets_do_not_count():
    scored = scored_round(levels=(5,))
    application = scored.applications[0]
    conflicted, late, *_ = scored.members
    db.session.add(
        Declaration(
            application_id=application.id,
            user_id=conflicted.id,
            kind=InterestKind.FINANCIAL,
            description="My partner is their treasurer",
        )
    )
    sheet = db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.application_id == application.id, ScoreSheet.user_id == late.id
        )
    )
    sheet.submitted_at = None
    for entry in sheet.scores:
        entry.score = 0
    outsider = panel_member()
    db.session.add(PanelSeat(panel_id=scored.panel.id, user_id=outsider.id))
    db.session.flush()
    row = meetings.ranked_list(scored.panel).rows[0]
    assert row.aggregate.n == len(scored.members) - 2
    assert conflicted.id not in row.aggregate.scorer_ids
    assert late.id not in row.aggregate.scorer_ids
    assert row.aggregate.mean == pytest.approx(100)


def test_applications_not_with_the_panel_are_not_listed():
    scored = scored_round(levels=(4,))
    eligible_application(scored.round, scored.officer)  # eligible, not yet moved to the panel
    other = scored_round(levels=(5,))
    ranking = meetings.ranked_list(scored.panel)
    assert [r.application.id for r in ranking.rows] == [scored.applications[0].id]
    assert ranking.rank_of(other.applications[0].id) is None


def test_an_application_nobody_has_scored_is_listed_last_without_a_score():
    scored = scored_round(levels=(2,))
    unscored = with_panel(
        eligible_application(scored.round, scored.officer), scored.officer, scored.panel
    )
    ranking = meetings.ranked_list(scored.panel)
    assert [r.application.id for r in ranking.rows] == [scored.applications[0].id, unscored.id]
    assert ranking.rows[1].score is None and ranking.rows[1].aggregate is None


# Moderation ------------------------------------------------------------------------------------


def _original_scores(application) -> list[tuple[int, int | None]]:
    return sorted(
        db.session.execute(
            select(Score.id, Score.score)
            .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .where(ScoreSheet.application_id == application.id)
        ).all()
    )


def test_a_moderated_score_sits_beside_the_originals_and_takes_the_place_of_the_computed_one():
    scored = scored_round(levels=(5, 4, 1))
    quorate_meeting(scored)
    first, second, last = scored.applications
    before = _original_scores(last)
    meetings.moderate(scored.officer, last, 90, "Members misread the budget; agreed on 90")
    ranking = meetings.ranked_list(scored.panel)
    assert [r.application.id for r in ranking.rows] == [first.id, last.id, second.id]
    row = ranking.rows[1]
    assert row.score == 90
    assert row.aggregate.mean == pytest.approx(20)  # the computed figures stay on show
    assert row.moderated.reason == "Members misread the budget; agreed on 90"
    assert _original_scores(last) == before
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.score_moderated")
    )
    assert event.after == {"score": 90, "reason": "Members misread the budget; agreed on 90"}


def test_moderating_again_keeps_the_history_and_the_latest_counts():
    scored = scored_round(levels=(5, 4))
    quorate_meeting(scored)
    second = scored.applications[1]
    meetings.moderate(scored.officer, second, 100, "First view")
    meetings.moderate(scored.officer, second, 10, "Second view")
    history = meetings.moderation_history(second)
    assert [(m.score, m.reason) for m in history] == [(100, "First view"), (10, "Second view")]
    assert all(m.moderated_by_id == scored.officer.id for m in history)
    ranking = meetings.ranked_list(scored.panel)
    assert ranking.rank_of(second.id) == 2
    assert ranking.rows[1].score == 10


@pytest.mark.parametrize("bad", [None, -1, 101, True, 50.5, "60"])
def test_a_moderated_score_is_a_whole_number_out_of_100_with_a_reason(bad):
    scored = scored_round(levels=(5,))
    quorate_meeting(scored)
    with pytest.raises(InvalidInput) as raised:
        meetings.moderate(scored.officer, scored.applications[0], bad, "  ")
    assert set(raised.value.errors) == {"score", "reason"}
    assert db.session.scalar(select(func.count(ModeratedScore.id))) == 0


def test_scores_are_moderated_only_at_an_open_meeting_before_the_decision():
    scored = scored_round(levels=(5, 4))
    first, second = scored.applications
    with pytest.raises(DomainError, match="Open the meeting"):
        meetings.moderate(scored.officer, first, 50, "Too early")
    quorate_meeting(scored)
    not_with_panel = eligible_application(scored.round, scored.officer)
    with pytest.raises(DomainError, match="with the panel"):
        meetings.moderate(scored.officer, not_with_panel, 50, "Not ours")
    with pytest.raises(NotAllowed):
        meetings.moderate(scored.members[0], second, 10, "I disagree")
    decision = decisions.decide(
        scored.officer, scored.panel, first, DecisionInput(outcome="fund", rationale="Strong")
    )
    assert db.session.scalar(select(func.count(ModeratedScore.id))) == 0
    meetings.moderate(scored.officer, first, 70, "Until it is released it may be revisited")
    feedback.save_feedback(scored.officer, decision, "Well done")
    feedback.release(scored.officer, scored.panel, link_for=lambda a: f"/applications/{a.id}")
    with pytest.raises(DomainError, match="released"):
        meetings.moderate(scored.officer, first, 10, "Changed our minds")
    assert [m.score for m in meetings.moderation_history(first)] == [70]
