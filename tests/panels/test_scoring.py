"""Independent scoring: drafts keep everything, submit checks and locks, only an officer reopens,
nothing after the window, paper entry, progress, and the criteria lock from the first score."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants import transaction
from grants.clock import utcnow
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.funds import locks
from grants.panels import access, declarations, scoring
from grants.panels.models import ScoreSheet
from tests.checks import error_messages, soup_of
from tests.factories import sign_in
from tests.panels.factories import eligible_application, panel_member
from tests.panels.member_setup import assign, assigned, scores

pytestmark = pytest.mark.usefixtures("reference_data")


def form_data(setting, *values, comments=None):
    data = {}
    for index, criterion in enumerate(setting.criteria):
        if index < len(values) and values[index] is not None:
            data[f"score-{criterion.id}"] = str(values[index])
        data[f"comment-{criterion.id}"] = (comments or {}).get(index, "")
    return data


def saved(setting, member=None) -> dict[int, tuple]:
    db.session.expire_all()
    sheet = access.sheet_of(member or setting.member, setting.application)
    return {s.criterion_id: (s.score, s.not_applicable, s.comment) for s in sheet.scores}


def test_a_partial_draft_keeps_whatever_was_typed(client):
    setting = assigned()
    first, second, third = setting.criteria
    sign_in(client, setting.member)
    client.post(
        f"/scoring/{setting.application.id}",
        data={**form_data(setting, 4, comments={1: "Half thought through"}), "save_draft": "y"},
    )
    assert saved(setting) == {
        first.id: (4, False, None),
        second.id: (None, False, "Half thought through"),
        third.id: (None, False, None),
    }
    page = soup_of(client.get(f"/scoring/{setting.application.id}"))
    assert page.select_one(f"input[name=score-{first.id}][value='4']").has_attr("checked")
    assert "Half thought through" in page.select_one(f"textarea[name=comment-{second.id}]").text


def test_submit_reports_every_missing_score_at_once_and_keeps_the_input(client):
    setting = assigned()
    sign_in(client, setting.member)
    response = client.post(
        f"/scoring/{setting.application.id}",
        data={**form_data(setting, None, None, comments={0: "Keep me"}), "submit": "y"},
    )
    assert error_messages(response) == [
        "Select a score for ‘Meets a local need’",
        "Select a score for ‘Reaches people’",
    ]
    assert "Keep me" in response.get_data(as_text=True)
    assert access.sheet_of(setting.member, setting.application) is None  # refused: nothing kept


def test_submit_locks_the_sheet_and_the_optional_criterion_may_be_na(client):
    setting = assigned()
    first, second, third = setting.criteria
    sign_in(client, setting.member)
    data = {**form_data(setting, 5, 0), f"score-{third.id}": "na", "submit": "y"}
    response = client.post(f"/scoring/{setting.application.id}", data=data)
    assert response.status_code == 302
    assert saved(setting)[third.id] == (None, True, None)
    changed = {**data, f"score-{first.id}": "1", "save_draft": "y"}
    again = client.post(f"/scoring/{setting.application.id}", data=changed, follow_redirects=True)
    assert scoring.SUBMITTED in again.get_data(as_text=True)  # told, not shown an error page
    assert saved(setting)[first.id][0] == 5
    page = client.get(f"/scoring/{setting.application.id}").get_data(as_text=True)
    assert "Your scores are locked" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("6", "Score for ‘Meets a local need’ must be a whole number from 0 to 5"),
        ("-1", "Score for ‘Meets a local need’ must be a whole number from 0 to 5"),
        ("2.5", "Score for ‘Meets a local need’ must be a whole number from 0 to 5"),
        ("na", "‘Meets a local need’ must be scored: it cannot be marked not applicable"),
    ],
)
def test_forged_scores_are_refused_even_in_a_draft(client, value, message):
    setting = assigned()
    sign_in(client, setting.member)
    data = {**form_data(setting), f"score-{setting.criteria[0].id}": value, "save_draft": "y"}
    response = client.post(f"/scoring/{setting.application.id}", data=data)
    assert error_messages(response) == [message]
    assert access.sheet_of(setting.member, setting.application) is None


def test_a_huge_comment_is_refused_not_stored():
    setting = assigned()
    with pytest.raises(InvalidInput) as raised:
        scoring.save_draft(
            setting.member,
            setting.member,
            setting.application,
            scores(setting, 1, comments={0: "x" * (scoring.COMMENT_MAX_LENGTH + 1)}),
        )
    assert list(raised.value.errors) == [f"comment-{setting.criteria[0].id}"]


def test_double_submit_is_refused():
    setting = assigned()
    scoring.submit(setting.member, setting.member, setting.application, scores(setting, 3, 3))
    with pytest.raises(NotAllowed):
        scoring.submit(setting.member, setting.member, setting.application, scores(setting, 3, 3))


def test_no_scoring_after_the_window_closes_unless_reopened(client, outbox):
    setting = assigned(scoring_closes_at=utcnow() + timedelta(days=1))
    sheet = scoring.submit(
        setting.member, setting.member, setting.application, scores(setting, 3, 3)
    )
    setting.panel.scoring_closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    with pytest.raises(NotAllowed) as raised:
        scoring.save_draft(setting.member, setting.member, setting.application, scores(setting, 1))
    assert raised.value.message == scoring.SUBMITTED
    other = eligible_application(setting.round)
    assign(setting.panel, other, setting.member)
    declarations.declare(setting.member, other, "none")
    with pytest.raises(NotAllowed) as raised:
        scoring.save_draft(setting.member, setting.member, other, scores(setting, 1))
    assert raised.value.message == scoring.WINDOW_CLOSED
    scoring.reopen(setting.officer, sheet, "Typed a 3 for a 5")
    scoring.submit(setting.member, setting.member, setting.application, scores(setting, 5, 3))
    assert saved(setting)[setting.criteria[0].id][0] == 5


def test_only_an_officer_reopens_with_a_reason_and_the_member_is_told(client, outbox):
    setting = assigned()
    sheet = scoring.submit(
        setting.member, setting.member, setting.application, scores(setting, 3, 3)
    )
    with pytest.raises(NotAllowed):
        scoring.reopen(setting.member, sheet, "I changed my mind")
    with pytest.raises(InvalidInput):
        scoring.reopen(setting.officer, sheet, "  ")
    sign_in(client, setting.member)
    assert (
        client.post(f"/scoring/sheets/{sheet.id}/reopen", data={"reopen-reason": "x"}).status_code
        == 403
    )
    sign_in(client, setting.officer)
    client.post(f"/scoring/sheets/{sheet.id}/reopen", data={"reopen-reason": "Misread paper form"})
    db.session.expire_all()
    assert not sheet.is_submitted and sheet.reopen_reason == "Misread paper form"
    assert outbox[-1].subject.startswith("Your scores have been reopened")
    assert outbox[-1].to == [setting.member.email]
    with pytest.raises(NotAllowed):
        scoring.reopen(setting.officer, sheet, "Again")


def test_another_members_sheet_cannot_be_touched(client):
    setting = assigned()
    other = panel_member()
    assign(setting.panel, setting.application, other)
    declarations.declare(other, setting.application, "none")
    sheet = scoring.save_draft(other, other, setting.application, scores(setting, 2))
    sign_in(client, setting.member)
    assert (
        client.get(f"/scoring/{setting.application.id}/members/{other.id}/paper").status_code == 403
    )
    assert (
        client.post(f"/scoring/sheets/{sheet.id}/reopen", data={"reopen-reason": "x"}).status_code
        == 403
    )
    client.post(
        f"/scoring/{setting.application.id}", data={**form_data(setting, 5), "save_draft": "y"}
    )
    assert saved(setting, other)[setting.criteria[0].id][0] == 2  # theirs untouched


def test_an_officer_enters_paper_scores_and_the_record_shows_who(client):
    setting = assigned()
    sign_in(client, setting.officer)
    url = f"/scoring/{setting.application.id}/members/{setting.member.id}/paper"
    assert client.get(url).status_code == 200
    client.post(url, data={**form_data(setting, 4, 2), "submit": "y"})
    db.session.expire_all()
    sheet = access.sheet_of(setting.member, setting.application)
    assert sheet.is_submitted and sheet.entered_by_id == setting.officer.id
    page = client.get(url).get_data(as_text=True)
    assert f"Entered on paper by {setting.officer.full_name}" in page


def test_a_member_cannot_enter_scores_for_someone_else():
    setting = assigned()
    other = panel_member()
    with pytest.raises(NotAllowed):
        scoring.save_draft(other, setting.member, setting.application, scores(setting, 1))


def test_progress_counts_submitted_of_those_to_score(client):
    setting = assigned()
    second = eligible_application(setting.round)
    assign(setting.panel, second, setting.member)
    conflicted = eligible_application(setting.round)
    assign(setting.panel, conflicted, setting.member)
    declarations.declare(setting.member, conflicted, "financial", "I supply them")
    scoring.submit(setting.member, setting.member, setting.application, scores(setting, 3, 3))
    progress = scoring.progress_of(setting.member)
    assert (progress.scored, progress.to_score) == (1, 2)
    assert [row.state for row in progress.rows] == [
        "Submitted",
        "Declare interests first",
        "Conflict declared",
    ]
    sign_in(client, setting.member)
    assert "1 of 2 scored" in soup_of(client.get("/scoring/")).get_text()
    assert "1 of 2 scored" in soup_of(client.get("/home")).get_text()


def test_the_criteria_lock_from_the_first_draft_score():
    setting = assigned()
    assert not locks.panel_has_started(setting.round)
    scoring.save_draft(setting.member, setting.member, setting.application, scores(setting, 1))
    assert locks.panel_has_started(setting.round)
    transaction.commit()
    assert db.session.query(ScoreSheet).count() == 1


def test_the_guidance_page_explains_conflicts_and_normalising(client):
    setting = assigned()
    sign_in(client, setting.member)
    text = soup_of(client.get("/scoring/guidance")).get_text()
    assert "conflict of interest" in text and "normalised" in text


def test_others_scores_stay_hidden_until_own_submitted_and_window_closed(client):
    setting = assigned(scoring_closes_at=utcnow() + timedelta(days=1))
    other = panel_member()
    assign(setting.panel, setting.application, other)
    declarations.declare(other, setting.application, "none")
    scoring.submit(
        other, other, setting.application, scores(setting, 5, 5, comments={0: "Secret view"})
    )
    sign_in(client, setting.member)
    url = f"/scoring/{setting.application.id}/scores"
    assert client.get(url).status_code == 403  # nothing submitted, window open
    assert "Secret view" not in client.get(f"/scoring/{setting.application.id}").get_data(
        as_text=True
    )
    scoring.submit(setting.member, setting.member, setting.application, scores(setting, 1, 1))
    assert client.get(url).status_code == 403  # submitted, but the window is still open
    setting.panel.scoring_closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    page = client.get(url)
    assert page.status_code == 200 and "Secret view" in page.get_data(as_text=True)
    assert "Mean score out of 100" in page.get_data(as_text=True)


def test_an_officer_prints_a_members_pack_and_a_member_cannot(client):
    setting = assigned()
    sign_in(client, setting.member)
    assert client.get(f"/scoring/members/{setting.member.id}/pack.pdf").status_code == 403
    sign_in(client, setting.officer)
    response = client.get(f"/scoring/members/{setting.member.id}/pack.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
