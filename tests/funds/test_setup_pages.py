"""The criteria and questions pages: add, change, remove and reorder without JavaScript."""

import pytest
from sqlalchemy import select

from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.funds.models import Criterion, Question
from tests.checks import error_messages, soup_of
from tests.funds.factories import make_criterion, make_question, make_round
from tests.panels.factories import record_score


def criterion_form(**overrides):
    values = {
        "name": "Meets a local need",
        "max_score": "2",
        "level_guidance": "0: No evidence\n1: Some evidence\n2: Strong evidence",
        "weight": "3",
        "principle_id": "",
    }
    values.update(overrides)
    return values


def question_form(**overrides):
    values = {
        "label": "Why now?",
        "hint": "",
        "kind": "short_text",
        "word_limit": "",
        "options": "",
        "required": "yes",
    }
    values.update(overrides)
    return values


def text(response):
    return response.get_data(as_text=True)


# Criteria


def test_the_criteria_page_lists_criteria_with_their_actions(client, officer):
    round_ = make_round()
    make_criterion(round_, name="First", weight=2)
    make_criterion(round_, name="Second")
    soup = soup_of(client.get(f"/funds/rounds/{round_.id}/criteria"))
    assert "2 criteria, total weight 3" in soup.get_text()
    buttons = [b.get_text(" ", strip=True) for b in soup.select("button[name=direction]")]
    assert buttons == ["Move down First", "Move up Second"]


def test_an_officer_adds_a_criterion_linked_to_a_principle(client, officer, reference_data):
    from grants.reference.models import Principle

    round_ = make_round()
    principle = db.session.scalar(select(Principle).where(Principle.name == "Know this place"))
    form = client.get(f"/funds/rounds/{round_.id}/criteria/new")
    assert "Know this place" in text(form)
    response = client.post(
        f"/funds/rounds/{round_.id}/criteria/new",
        data=criterion_form(principle_id=str(principle.id)),
    )
    assert response.status_code == 302
    criterion = db.session.scalar(select(Criterion))
    assert criterion.level_guidance == {
        "0": "No evidence",
        "1": "Some evidence",
        "2": "Strong evidence",
    }
    assert (criterion.weight, criterion.principle_id) == (3, principle.id)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the criterion's name"),
        ({"weight": "0"}, "Weight must be a whole number from 1 to 100"),
        ({"weight": "heavy"}, "Weight must be a whole number from 1 to 100"),
        ({"max_score": "20"}, "Maximum score must be a whole number from 1 to 10"),
        ({"level_guidance": "0: None\n2: Strong"}, "Missing: 1"),
        ({"level_guidance": "Nothing numbered"}, "Start each line with a score"),
        ({"principle_id": "999"}, "Select a principle from the list"),
        ({"principle_id": "not-a-number"}, None),
    ],
)
def test_bad_criteria_are_explained_and_kept(client, officer, overrides, message):
    round_ = make_round()
    response = client.post(
        f"/funds/rounds/{round_.id}/criteria/new", data=criterion_form(**overrides)
    )
    if message is None:  # a crafted principle is treated as none chosen
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert any(message in m for m in error_messages(response)), error_messages(response)
    assert soup_of(response).find("input", attrs={"name": "name"})["value"] == overrides.get(
        "name", "Meets a local need"
    )


def test_the_criterion_form_reports_every_problem_on_the_first_submit(client, officer):
    round_ = make_round()
    response = client.post(
        f"/funds/rounds/{round_.id}/criteria/new",
        data=criterion_form(name="", level_guidance="0: None\n2: Strong"),
    )
    messages = error_messages(response)
    assert "Enter the criterion's name" in messages
    assert any("Missing: 1" in message for message in messages), messages


def test_the_question_form_reports_every_problem_on_the_first_submit(client, officer):
    round_ = make_round()
    response = client.post(
        f"/funds/rounds/{round_.id}/questions/new",
        data=question_form(label="", kind="long_text", word_limit=""),
    )
    messages = error_messages(response)
    assert "Enter the question" in messages
    assert "Enter a word limit for a long text answer" in messages


def test_the_edit_form_shows_each_score_on_its_own_line(client, officer):
    round_ = make_round()
    criterion = make_criterion(round_)
    page = soup_of(client.get(f"/funds/rounds/{round_.id}/criteria/{criterion.id}"))
    assert page.find(
        "textarea", attrs={"name": "level_guidance"}
    ).get_text().strip().splitlines() == [
        "0: No evidence",
        "1: Some evidence",
        "2: Good evidence",
        "3: Strong evidence",
    ]


def test_moving_and_removing_criteria_by_post(client, officer):
    round_ = make_round()
    a, b = make_criterion(round_, name="A"), make_criterion(round_, name="B")
    response = client.post(
        f"/funds/rounds/{round_.id}/criteria/{b.id}/move", data={"direction": "up"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.name for c in round_.criteria] == ["B", "A"]
    confirm = client.get(f"/funds/rounds/{round_.id}/criteria/{a.id}/remove")
    assert "This cannot be undone" in text(confirm)
    client.post(f"/funds/rounds/{round_.id}/criteria/{a.id}/remove")
    db.session.expire_all()
    assert [c.name for c in round_.criteria] == ["B"]


def test_a_crafted_move_direction_changes_nothing(client, officer):
    round_ = make_round()
    a, _b = make_criterion(round_, name="A"), make_criterion(round_, name="B")
    response = client.post(
        f"/funds/rounds/{round_.id}/criteria/{a.id}/move", data={"direction": "x" * 5000}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.name for c in round_.criteria] == ["A", "B"]


def test_locked_criteria_say_why_and_refuse_changes(client, officer, start_application):
    round_ = make_round()
    criterion = make_criterion(round_, name="A")
    make_criterion(round_, name="B")
    record_score(start_application(round_, ApplicationStatus.IN_PANEL_REVIEW), criterion)
    page = soup_of(client.get(f"/funds/rounds/{round_.id}/criteria"))
    assert "can no longer change" in page.get_text()
    assert page.select("button[name=direction]") == []
    moved = client.post(
        f"/funds/rounds/{round_.id}/criteria/{criterion.id}/move",
        data={"direction": "down"},
        follow_redirects=True,
    )
    assert (
        "can no longer change" in soup_of(moved).select_one(".govuk-notification-banner").get_text()
    )
    removed = client.post(f"/funds/rounds/{round_.id}/criteria/{criterion.id}/remove")
    assert removed.status_code == 302
    edited = client.post(
        f"/funds/rounds/{round_.id}/criteria/{criterion.id}", data=criterion_form()
    )
    assert edited.status_code == 200 and any(
        "can no longer change" in m for m in error_messages(edited)
    )
    db.session.expire_all()
    assert [c.name for c in round_.criteria] == ["A", "B"]


@pytest.mark.parametrize(
    "path",
    ["/criteria/999", "/criteria/999/remove", "/questions/999", "/questions/999/remove"],
)
def test_unknown_criteria_and_questions_are_404(client, officer, path):
    round_ = make_round()
    assert client.get(f"/funds/rounds/{round_.id}{path}").status_code == 404


def test_a_criterion_cannot_be_reached_through_another_round(client, officer):
    criterion = make_criterion(make_round())
    other = make_round()
    assert client.get(f"/funds/rounds/{other.id}/criteria/{criterion.id}").status_code == 404
    assert (
        client.post(f"/funds/rounds/{other.id}/criteria/{criterion.id}/remove").status_code == 404
    )
    assert db.session.get(Criterion, criterion.id) is not None


# Questions


def test_the_questions_page_lists_questions(client, officer):
    round_ = make_round()
    make_question(round_, label="Tell us", kind="long_text", word_limit=300)
    make_question(round_, label="Pick", kind="single_choice", options=["A", "B"], required=False)
    page = text(client.get(f"/funds/rounds/{round_.id}/questions"))
    assert "Long text, with a word limit (300 words)" in page
    assert "One choice from a list: A, B" in page


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"kind": "long_text", "word_limit": "250"}, ("long_text", 250, [])),
        (
            {"kind": "single_choice", "options": "Yes\r\nNo\r\n\r\nMaybe"},
            ("single_choice", None, ["Yes", "No", "Maybe"]),
        ),
        ({"kind": "yes_no", "required": "no"}, ("yes_no", None, [])),
    ],
)
def test_an_officer_adds_questions_of_each_kind(client, officer, overrides, expected):
    round_ = make_round()
    response = client.post(
        f"/funds/rounds/{round_.id}/questions/new", data=question_form(**overrides)
    )
    assert response.status_code == 302
    question = db.session.scalar(select(Question))
    assert (question.kind.value, question.word_limit, question.options) == expected
    assert question.required == (overrides.get("required", "yes") == "yes")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"label": ""}, "Enter the question"),
        ({"kind": "essay"}, "Select the type of answer"),
        ({"kind": "long_text"}, "Enter a word limit for a long text answer"),
        ({"kind": "long_text", "word_limit": "lots"}, "Word limit must be a whole number"),
        ({"kind": "multiple_choice", "options": "Only one"}, "Enter at least 2 choices"),
        ({"required": ""}, "Select whether groups must answer this question"),
        ({"hint": "x" * 50_000}, "Hint must be 1,000 characters or fewer"),
    ],
)
def test_bad_questions_are_explained_and_kept(client, officer, overrides, message):
    round_ = make_round()
    response = client.post(
        f"/funds/rounds/{round_.id}/questions/new", data=question_form(**overrides)
    )
    assert response.status_code == 200
    assert any(message in m for m in error_messages(response)), error_messages(response)
    assert db.session.scalar(select(Question)) is None


def test_a_question_is_changed_moved_and_removed(client, officer):
    round_ = make_round()
    a, b = make_question(round_, label="A"), make_question(round_, label="B")
    form = soup_of(client.get(f"/funds/rounds/{round_.id}/questions/{a.id}"))
    assert form.find("input", attrs={"name": "label"})["value"] == "A"
    client.post(
        f"/funds/rounds/{round_.id}/questions/{a.id}", data=question_form(label="A, better")
    )
    client.post(f"/funds/rounds/{round_.id}/questions/{a.id}/move", data={"direction": "down"})
    client.post(f"/funds/rounds/{round_.id}/questions/{b.id}/remove")
    db.session.expire_all()
    assert [(q.label, q.position) for q in round_.questions] == [("A, better", 1)]


def test_once_groups_apply_questions_say_what_is_locked(client, officer, start_application):
    round_ = make_round()
    question = make_question(round_, label="A")
    start_application(round_)
    page = soup_of(client.get(f"/funds/rounds/{round_.id}/questions"))
    assert "questions cannot be removed" in page.get_text()
    assert f"/questions/{question.id}/remove" not in str(page)
    confirm = client.get(f"/funds/rounds/{round_.id}/questions/{question.id}/remove")
    assert "groups may have answered them" in text(confirm)
    assert (
        client.post(f"/funds/rounds/{round_.id}/questions/{question.id}/remove").status_code == 302
    )
    changed = client.post(
        f"/funds/rounds/{round_.id}/questions/{question.id}",
        data=question_form(label="A", kind="number"),
    )
    assert any("the type of answer cannot change" in m for m in error_messages(changed))
    db.session.expire_all()
    assert db.session.get(Question, question.id).kind.value == "short_text"
