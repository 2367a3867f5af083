"""The moderation meeting's pages, as a programme officer uses them: every page renders, every
form reports all its errors at once and keeps what was typed, other people get 403, another
round's ids get 404, and nothing produces a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.panels import decisions, feedback, meetings
from grants.panels.decisions import DecisionInput
from grants.panels.meeting_models import Decision, DeclineReason, Meeting, ModeratedScore
from grants.panels.models import RankingMethod, ScoreSheet
from grants.permissions import Role
from tests.checks import error_messages, soup_of
from tests.factories import make_user, sign_in
from tests.panels.meeting_setup import decline_reason, quorate_meeting, scored_round

pytestmark = pytest.mark.usefixtures("reference_data")
CONFIRM = {"confirm": "yes"}  # the confirming POST of the release and close pages


@pytest.fixture
def scored():
    return scored_round(levels=(5, 4, 3))


@pytest.fixture
def officer(client, scored):
    sign_in(client, scored.officer)
    return scored.officer


def _base(scored) -> str:
    return f"/panels/meetings/rounds/{scored.round.id}"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _decide(scored, application, outcome="fund", **fields):
    return decisions.decide(
        scored.officer,
        scored.panel,
        application,
        DecisionInput(outcome=outcome, rationale="Agreed", **fields),
    )


# Opening the meeting, attendance, quorum -------------------------------------------------------


def test_the_officer_opens_the_meeting_once_even_when_the_button_is_pressed_twice(
    client, officer, scored
):
    assert "Open the moderation meeting" in _page(client.get(_base(scored)))
    for _ in range(2):
        response = client.post(f"{_base(scored)}/open", data={"min_members": "3"})
        assert response.status_code == 302
        assert response.location.endswith(f"{_base(scored)}/attendance")
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the minimum number of members for quorum"),
        ("three", "Enter the minimum number of members as a whole number, like 3"),
        ("0", "Enter the minimum number of members for quorum, from 1 to 100"),
    ],
)
def test_opening_reports_a_bad_minimum_and_keeps_it(client, officer, scored, typed, message):
    response = client.post(f"{_base(scored)}/open", data={"min_members": typed})
    assert error_messages(response) == [message]
    assert soup_of(response).find("input", {"name": "min_members"})["value"] == typed
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_attendance_is_recorded_and_quorum_shown(client, officer, scored):
    meeting = quorate_meeting(scored)
    page = _page(client.get(f"{_base(scored)}/attendance"))
    for member in scored.members:
        assert member.full_name in page
    chosen = [str(m.id) for m in scored.members[:2]]
    response = client.post(
        f"{_base(scored)}/attendance", data={"attending": chosen, "min_members": "3"}
    )
    assert response.status_code == 302
    page = _page(client.get(_base(scored)))
    assert "2 of at least 3" in page
    assert "No: decisions cannot be recorded" in page
    assert "record why the meeting may decide without quorum" in page
    assert sorted(a.user_id for a in meeting.attendance) == sorted(int(c) for c in chosen)


def test_attendance_reports_every_error_at_once_and_keeps_the_choices(client, officer, scored):
    quorate_meeting(scored)
    outsider = make_user(Role.PANEL_MEMBER)
    first = str(scored.members[0].id)
    response = client.post(
        f"{_base(scored)}/attendance",
        data={"attending": [first, str(outsider.id)], "min_members": "0"},
    )
    assert error_messages(response) == [
        "Choose members of this panel",
        "Enter the minimum number of members for quorum, from 1 to 100",
    ]
    soup = soup_of(response)
    assert soup.find("input", {"name": "attending", "value": first}).has_attr("checked")
    assert soup.find("input", {"name": "min_members"})["value"] == "0"
    response = client.post(
        f"{_base(scored)}/attendance", data={"attending": [first, "abc"], "min_members": ""}
    )
    assert error_messages(response) == ["Enter the minimum number of members for quorum"]


def test_the_quorum_override_needs_a_reason_and_is_then_shown(client, officer, scored):
    meeting = quorate_meeting(scored)
    _page(client.get(f"{_base(scored)}/quorum-override"))
    response = client.post(f"{_base(scored)}/quorum-override", data={"reason": "   "})
    assert error_messages(response) == ["Enter why the meeting may decide without quorum"]
    response = client.post(
        f"{_base(scored)}/quorum-override", data={"reason": "Two members by phone"}
    )
    assert response.status_code == 302
    assert meeting.quorum_override_reason == "Two members by phone"


def test_the_ranking_method_is_chosen_and_a_bad_one_refused(client, officer, scored):
    quorate_meeting(scored)
    response = client.post(f"{_base(scored)}/ranking", data={"method": "trimmed"})
    assert response.status_code == 302
    assert scored.panel.ranking_method == RankingMethod.TRIMMED
    for bad in ("median", ""):
        page = _page(
            client.post(f"{_base(scored)}/ranking", data={"method": bad}, follow_redirects=True)
        )
        assert "Choose how to rank the applications" in page
        db.session.refresh(scored.panel)
        assert scored.panel.ranking_method == RankingMethod.TRIMMED
    assert "All applications, ranked by trimmed mean" in page


def test_the_meeting_page_lists_disagreements_first_with_the_budget(client, officer, scored):
    quorate_meeting(scored)
    first, divided, last = scored.applications
    sheet = db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.application_id == divided.id, ScoreSheet.user_id == scored.members[0].id
        )
    )
    for entry in sheet.scores:
        entry.score = 0  # 0, 80, 80, 80: a range of 80 points
    _decide(scored, first, "fund")
    soup = soup_of(client.get(_base(scored)))
    tables = soup.select("table")
    captions = [t.caption.get_text(strip=True) for t in tables[:2]]
    assert captions == ["For discussion first", "All applications, ranked by mean"]
    assert [a.get_text() for a in tables[0].select("tbody a")] == [divided.reference]
    assert [a.get_text() for a in tables[1].select("tbody a")] == [
        first.reference,
        divided.reference,  # a mean of 60 ties with the last; the earlier application goes first
        last.reference,
    ]
    budget = {
        row.dt.get_text(strip=True): row.dd.get_text(strip=True)
        for row in soup.select("#budget + dl .govuk-summary-list__row")
    }
    assert budget["Round budget"] == "£60,000"
    assert budget["Decided awards"] == "£1,500"
    assert budget["Left to award"] == "£58,500"


def test_closing_the_meeting(client, officer, scored):
    meeting = quorate_meeting(scored)
    response = client.post(f"{_base(scored)}/close", data=CONFIRM, follow_redirects=True)
    assert "The meeting is closed" in _page(response)
    assert not meeting.is_open
    page = _page(client.post(f"{_base(scored)}/close", data=CONFIRM, follow_redirects=True))
    assert "The meeting has already closed" in page


# Deciding and moderating -----------------------------------------------------------------------


def test_the_decision_form_reports_every_error_at_once_and_keeps_what_was_typed(
    client, officer, scored
):
    quorate_meeting(scored)
    url = f"{_base(scored)}/applications/{scored.applications[0].id}"
    assert "Record the decision" in _page(client.get(url))
    response = client.post(url, data={})
    assert error_messages(response) == [
        "Choose a decision",
        "Enter the panel's rationale for the decision",
    ]
    response = client.post(
        url,
        data={"outcome": "fund_reduced", "amount": "", "conditions": "Keep me\nAnd me"},
    )
    assert sorted(error_messages(response)) == sorted(
        [
            "Enter the panel's rationale for the decision",
            "Enter the reduced amount to award",
            "Enter why the panel reduced the amount",
        ]
    )
    soup = soup_of(response)
    assert soup.find("input", {"name": "outcome", "value": "fund_reduced"}).has_attr("checked")
    assert soup.find("textarea", {"name": "conditions"}).get_text().strip() == "Keep me\nAnd me"
    response = client.post(
        url,
        data={
            "outcome": "fund_reduced",
            "rationale": "Good",
            "amount": "a lot",
            "reduced_reason": "",
        },
    )
    messages = error_messages(response)
    assert "Enter why the panel reduced the amount" in messages
    assert len(messages) == 2
    assert soup_of(response).find("input", {"name": "amount"})["value"] == "a lot"
    response = client.post(
        url,
        data={
            "outcome": "fund_reduced",
            "rationale": "Good",
            "amount": "1,200",
            "reduced_reason": "Fewer sessions",
        },
    )
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision))
    assert (decision.amount_pence, decision.reduced_reason) == (120_000, "Fewer sessions")


def test_a_decision_over_budget_or_without_quorum_is_refused_on_the_form(client, officer):
    scored = scored_round(levels=(5, 4), budget_pence=200_000)
    meeting = quorate_meeting(scored)
    first, second = scored.applications
    _decide(scored, first, "fund")
    url = f"{_base(scored)}/applications/{second.id}"
    response = client.post(url, data={"outcome": "fund", "rationale": "Yes"})
    assert error_messages(response) == [
        "Funding £1,500 would take the round over its budget: £500 is left"
    ]
    meetings_attending = [a.user_id for a in meeting.attendance][:1]
    meetings.record_attendance(scored.officer, meeting, meetings_attending, min_members=3)
    response = client.post(url, data={"outcome": "reserve", "rationale": "Yes"})
    assert "not quorate" in error_messages(response)[0]
    assert second.status == ApplicationStatus.IN_PANEL_REVIEW


def test_moderation_reports_every_error_and_then_shows_the_history(client, officer, scored):
    quorate_meeting(scored)
    application = scored.applications[2]
    url = f"{_base(scored)}/applications/{application.id}/moderate"
    response = client.post(url, data={"score": "150", "reason": ""})
    assert sorted(error_messages(response)) == [
        "Enter a moderated score from 0 to 100",
        "Enter why the panel moderated the score",
    ]
    assert soup_of(response).find("input", {"name": "score"})["value"] == "150"
    response = client.post(url, data={"score": "ninety", "reason": "Because"})
    assert error_messages(response) == ["Enter the moderated score as a whole number from 0 to 100"]
    assert soup_of(response).find("textarea", {"name": "reason"}).get_text().strip() == "Because"
    response = client.post(url, data={"score": "90", "reason": "Budget misread"})
    assert response.status_code == 302
    page = _page(client.get(f"{_base(scored)}/applications/{application.id}"))
    assert "90 out of 100" in page and "Budget misread" in page
    assert db.session.scalar(select(func.count(ModeratedScore.id))) == 1


# Equity, feedback, release, letters and the record ---------------------------------------------


def test_the_equity_page_shows_every_ward_and_the_formula_when_chosen(client, officer, scored):
    quorate_meeting(scored)
    page = _page(client.get(f"{_base(scored)}/equity"))
    assert "Abram" in page and "Worsley Mesnes" in page
    assert "Indicative allocation" not in page
    scored.panel.indicative_allocations = True
    page = _page(client.get(f"{_base(scored)}/equity"))
    assert "Indicative allocation" in page and "P × (1 + D)" in page


def test_feedback_is_written_from_a_draft_then_released(client, officer, scored, outbox):
    quorate_meeting(scored)
    top = scored.applications[0]
    decision = _decide(scored, top)
    assert "Feedback needed" in _page(client.get(f"{_base(scored)}/feedback"))
    url = f"{_base(scored)}/applications/{top.id}/feedback"
    _page(client.get(url))
    response = client.post(url, data={"feedback": "  "})
    assert error_messages(response) == ["Enter the feedback for the group"]
    response = client.post(url, data={"feedback": "A clear, costed plan."})
    assert response.status_code == 302
    transaction.commit()
    outbox.clear()
    page = _page(client.post(f"{_base(scored)}/release", data=CONFIRM, follow_redirects=True))
    assert "1 decision released to the groups" in page
    assert decision.is_released and top.status == ApplicationStatus.FUNDED
    assert len(outbox) == 1
    page = _page(client.get(url))
    assert "can no longer change" in page and "A clear, costed plan." in page
    page = _page(client.post(f"{_base(scored)}/release", data=CONFIRM, follow_redirects=True))
    assert "Every decision has already been released" in page
    assert len(outbox) == 1


def test_release_without_feedback_is_refused_with_the_references(client, officer, scored):
    quorate_meeting(scored)
    _decide(scored, scored.applications[0])
    page = _page(client.post(f"{_base(scored)}/release", data=CONFIRM, follow_redirects=True))
    assert "Write feedback for every decision" in page
    assert scored.applications[0].reference in page


def test_a_letter_is_printed_for_a_group_without_email(client, officer, scored):
    quorate_meeting(scored)
    top = scored.applications[0]
    organisation = top.organisation
    organisation.main_contact_id = None
    organisation.contact_name, organisation.contact_phone = "Joan Offline", "01942 000 000"
    organisation.contact_email = None
    decision = _decide(scored, top, "fund_with_conditions", conditions="Send the policy")
    feedback.save_feedback(scored.officer, decision, "Thank you for a fine bid.")
    url = f"{_base(scored)}/applications/{top.id}/letter"
    assert client.get(url).status_code == 404  # not before release
    feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    page = _page(client.get(f"{_base(scored)}/feedback"))
    assert "Print the letter" in page and "Letters to post" in page
    page = _page(client.get(url))
    assert "Dear Joan Offline" in page
    assert "Thank you for a fine bid." in page and "Send the policy" in page
    assert "Funded with conditions" in page


def test_the_decision_record_is_a_pdf(client, officer, scored):
    quorate_meeting(scored)
    response = client.get(f"{_base(scored)}/decision-record.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "no-store" in response.headers["Cache-Control"]


def test_decline_reasons_are_added_retired_and_restored(client, officer, scored):
    url = "/panels/meetings/decline-reasons"
    _page(client.get(url))
    response = client.post(url, data={"label": " "})
    assert error_messages(response) == ["Enter the reason"]
    response = client.post(url, data={"label": "x" * 201})
    assert len(error_messages(response)) == 1
    assert soup_of(response).find("input", {"name": "label"})["value"] == "x" * 201
    assert client.post(url, data={"label": "Not local enough"}).status_code == 302
    response = client.post(url, data={"label": "not local ENOUGH"})
    assert error_messages(response) == ["That reason is already on the list"]
    reason = db.session.scalar(
        select(DeclineReason).where(DeclineReason.label == "Not local enough")
    )
    page = _page(client.post(f"{url}/{reason.id}/retire", follow_redirects=True))
    assert "retired" in page
    db.session.refresh(reason)
    assert not reason.is_active
    client.post(f"{url}/{reason.id}/restore")
    db.session.refresh(reason)
    assert reason.is_active
    assert client.post(f"{url}/{reason.id}/delete").status_code == 404
    assert client.post(f"{url}/999999/retire").status_code == 404


# Who may use the pages, and ids that are not theirs --------------------------------------------


def _every_page(scored) -> list[tuple[str, str, dict]]:
    base = _base(scored)
    app_id = scored.applications[0].id
    reason = db.session.scalar(select(DeclineReason)) or decline_reason("Any")
    return [
        ("get", base, {}),
        ("post", f"{base}/open", {"min_members": "3"}),
        ("get", f"{base}/attendance", {}),
        ("post", f"{base}/attendance", {"min_members": "3"}),
        ("get", f"{base}/quorum-override", {}),
        ("post", f"{base}/quorum-override", {"reason": "Because"}),
        ("post", f"{base}/ranking", {"method": "mean"}),
        ("get", f"{base}/close", {}),
        ("post", f"{base}/close", CONFIRM),
        ("get", f"{base}/applications/{app_id}", {}),
        ("post", f"{base}/applications/{app_id}", {"outcome": "fund", "rationale": "Y"}),
        ("post", f"{base}/applications/{app_id}/moderate", {"score": "5", "reason": "Y"}),
        ("get", f"{base}/equity", {}),
        ("get", f"{base}/feedback", {}),
        ("get", f"{base}/applications/{app_id}/feedback", {}),
        ("post", f"{base}/applications/{app_id}/feedback", {"feedback": "Y"}),
        ("get", f"{base}/release", {}),
        ("post", f"{base}/release", CONFIRM),
        ("get", f"{base}/decision-record/addenda/1.pdf", {}),
        ("get", f"{base}/applications/{app_id}/letter", {}),
        ("get", f"{base}/decision-record.pdf", {}),
        ("get", "/panels/meetings/decline-reasons", {}),
        ("post", "/panels/meetings/decline-reasons", {"label": "New"}),
        ("post", f"/panels/meetings/decline-reasons/{reason.id}/retire", {}),
        ("post", f"/panels/meetings/decline-reasons/{reason.id}/restore", {}),
    ]


@pytest.mark.parametrize("who", ["panel member", "applicant", "finance officer"])
def test_only_programme_officers_may_use_the_meeting_pages(client, who):
    scored = scored_round(levels=(5,))
    meeting = quorate_meeting(scored)
    _decide(scored, scored.applications[0])
    person = {
        "panel member": scored.members[0],
        "applicant": scored.applications[0].organisation.main_contact,
        "finance officer": make_user(Role.FINANCE_OFFICER),
    }[who]
    sign_in(client, person)
    for method, url, data in _every_page(scored):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, (method, url, response.status_code)
    db.session.expire_all()
    assert meeting.is_open and not meeting.quorum_override_reason
    assert db.session.scalar(select(func.count(ModeratedScore.id))) == 0


def test_another_rounds_applications_are_not_found(client, officer, scored):
    quorate_meeting(scored)
    other = scored_round(levels=(5,))
    quorate_meeting(other)
    theirs = other.applications[0]
    decision = _decide(other, theirs)
    feedback.save_feedback(other.officer, decision, "Theirs")
    feedback.release(other.officer, other.panel, link_for=lambda a: "/")
    base = _base(scored)
    for method, url, data in [
        ("get", f"{base}/applications/{theirs.id}", {}),
        ("post", f"{base}/applications/{theirs.id}", {"outcome": "fund", "rationale": "Y"}),
        ("post", f"{base}/applications/{theirs.id}/moderate", {"score": "5", "reason": "Y"}),
        ("get", f"{base}/applications/{theirs.id}/feedback", {}),
        ("post", f"{base}/applications/{theirs.id}/feedback", {"feedback": "Mine now"}),
        ("get", f"{base}/applications/{theirs.id}/letter", {}),
        ("get", f"{base}/applications/999999", {}),
        ("get", "/panels/meetings/rounds/999999", {}),
        ("get", "/panels/meetings/rounds/999999/decision-record.pdf", {}),
    ]:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
    db.session.refresh(decision)
    assert decision.feedback == "Theirs"


def test_pages_before_the_meeting_opens_and_after_it_closes_never_fail(client, officer, scored):
    """Every page, in every state, with awkward input: never a server error."""
    awkward = {
        "outcome": "fund_reduced",
        "amount": "-£5",
        "decline_reason": "abc",
        "rationale": "x" * 6000,
        "score": "1e9",
        "reason": "\u202e",
        "min_members": "99999999999999",
        "attending": ["-1", "x"],
        "method": "\x00",
        "feedback": "",
        "label": "",
    }

    def visit_all(skip=()):
        for method, url, data in _every_page(scored):
            if url.rsplit("/", 1)[-1] in skip:
                continue
            for payload in (data, awkward):
                response = getattr(client, method)(url, data=payload)
                assert response.status_code < 500, (method, url, response.status_code)
                if method == "get":
                    break

    visit_all(skip=("open", "close"))  # no meeting yet
    assert meetings.meeting_of(scored.panel) is None
    quorate_meeting(scored)
    visit_all(skip=("close",))  # open
    meetings.close_meeting(scored.officer, scored.meeting)
    visit_all()  # closed


def test_after_the_meeting_only_a_reserve_place_can_still_be_decided(client, scored, officer):
    meeting = quorate_meeting(scored)
    first, second, third = scored.applications
    _decide(scored, first, "fund")
    _decide(scored, second, "reserve")
    for decision in feedback.round_decisions(scored.panel):
        feedback.save_feedback(scored.officer, decision, "Thank you")
    feedback.release(scored.officer, scored.panel, link_for=lambda a: "/")
    meetings.close_meeting(scored.officer, meeting)
    transaction.commit()

    def forms(application) -> tuple[bool, bool]:
        page = _page(client.get(f"{_base(scored)}/applications/{application.id}"))
        decidable = "Record the decision" in page or "Change the decision" in page
        return decidable, "Save moderated score" in page

    assert forms(first) == (False, False)  # released: final
    assert forms(second) == (True, False)  # a reserve place may be funded when money is found
    assert forms(third) == (False, False)  # undecided, but the meeting is over
    assert "No moderated score." in _page(client.get(f"{_base(scored)}/applications/{third.id}"))
