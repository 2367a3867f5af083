"""Criteria and questions: their own rules, their order, and the audit trail of every change."""

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.funds import criteria, questions
from grants.funds.criteria import format_level_guidance, parse_level_guidance
from tests.funds.factories import make_criterion, make_question, make_round


def actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# What each score means


def test_level_guidance_is_read_one_line_per_score():
    text = "0: No evidence\n\n1 - Some evidence\n 2. Good evidence "
    assert parse_level_guidance(text, 2) == {
        "0": "No evidence",
        "1": "Some evidence",
        "2": "Good evidence",
    }


def test_level_guidance_is_kept_in_score_order_and_written_back_the_same_way():
    levels = parse_level_guidance("2: Good\n0: None\n1: Some", 2)
    assert list(levels) == ["0", "1", "2"]
    assert format_level_guidance(levels) == "0: None\n1: Some\n2: Good"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("No evidence", "Start each line with a score and a colon"),
        ("0: None\n1: Some\n3: Lots", "Scores must be from 0 to 2"),
        ("0: None\n0: Again\n1: Some\n2: Good", "Give guidance for score 0 only once"),
        ("0: None\n2: Good", "Missing: 1"),
        ("", "Missing: 0, 1, 2"),
        ("0: " + "x" * 501 + "\n1: a\n2: b", "500 characters or fewer"),
    ],
)
def test_bad_level_guidance_is_explained(text, message):
    with pytest.raises(DomainError) as raised:
        parse_level_guidance(text, 2)
    assert message in raised.value.message
    assert raised.value.field == "level_guidance"


# Criteria


def test_criteria_are_added_in_order_and_audited():
    round_ = make_round()
    first = make_criterion(round_, name="First", weight=3)
    second = make_criterion(round_, name="Second")
    assert (first.position, second.position) == (1, 2)
    assert first.level_guidance["3"] == "Strong evidence"
    assert actions().count("criterion.created") == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight": 0}, "weight"),
        ({"weight": 101}, "weight"),
        ({"max_score": 11}, "max_score"),
        ({"name": "  "}, "name"),
        ({"principle_id": 999}, "principle_id"),
        ({"level_guidance": "0: only"}, "level_guidance"),
    ],
)
def test_a_bad_criterion_is_refused(changes, field):
    round_ = make_round()
    values = {"name": "Need", "level_guidance": "0: a\n1: b", "weight": 1, "max_score": 1}
    values.update(changes)
    with pytest.raises(InvalidInput) as raised:
        criteria.save_criterion(None, round_, None, criteria.CriterionDetails(**values))
    assert field in raised.value.errors


def test_a_criterion_can_be_linked_to_a_principle(reference_data):
    from grants.reference.models import Principle

    principle = db.session.scalar(select(Principle).where(Principle.name == "Listen deeply"))
    round_ = make_round()
    details = criteria.CriterionDetails(
        name="Need", level_guidance="0: a\n1: b", weight=2, max_score=1, principle_id=principle.id
    )
    assert criteria.save_criterion(None, round_, None, details).principle.name == "Listen deeply"


def test_criteria_move_up_and_down_and_stay_put_at_the_ends():
    round_ = make_round()
    a, b, c = (make_criterion(round_, name=name) for name in "ABC")
    criteria.move_criterion(None, round_, c, "up")
    assert [x.name for x in round_.criteria] == ["A", "C", "B"]
    criteria.move_criterion(None, round_, a, "up")
    criteria.move_criterion(None, round_, b, "down")
    criteria.move_criterion(None, round_, a, "sideways")
    assert [x.name for x in round_.criteria] == ["A", "C", "B"]
    assert actions().count("criteria.reordered") == 1


def test_removing_a_criterion_closes_the_gap_and_is_audited():
    round_ = make_round()
    a, b, c = (make_criterion(round_, name=name) for name in "ABC")
    criteria.remove_criterion(None, round_, b)
    assert [(x.name, x.position) for x in round_.criteria] == [("A", 1), ("C", 2)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.removed"))
    assert event.before["name"] == "B"


def test_a_criterion_of_another_round_is_not_found():
    from grants.errors import NotFound

    other = make_criterion(make_round())
    with pytest.raises(NotFound):
        criteria.get_criterion(make_round(), other.id)


# Questions


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "essay"}, "kind", "Select the type of answer"),
        ({"label": " "}, "label", "Enter the question"),
        ({"kind": "long_text"}, "word_limit", "Enter a word limit"),
        ({"kind": "long_text", "word_limit": 0}, "word_limit", "from 1 to 5,000"),
        ({"kind": "single_choice", "options": ["Only one"]}, "options", "at least 2 choices"),
        ({"kind": "multiple_choice", "options": ["A", "a"]}, "options", "must be different"),
        (
            {"kind": "single_choice", "options": [str(n) for n in range(31)]},
            "options",
            "30 choices or fewer",
        ),
        ({"kind": "single_choice", "options": ["A", "B" * 201]}, "options", "200 characters"),
    ],
)
def test_a_bad_question_is_refused(values, field, message):
    details = questions.QuestionDetails(**{"label": "Question", "kind": "short_text", **values})
    with pytest.raises(InvalidInput) as raised:
        questions.save_question(None, make_round(), None, details)
    assert message in raised.value.errors[field]


def test_every_kind_of_question_can_be_added():
    round_ = make_round()
    make_question(round_, kind="short_text")
    make_question(round_, kind="long_text", word_limit=250)
    make_question(round_, kind="number")
    make_question(round_, kind="yes_no", required=False)
    make_question(round_, kind="single_choice", options=["A", "B"])
    make_question(round_, kind="multiple_choice", options=["A", "B", "C"])
    make_question(round_, kind="date")
    make_question(round_, kind="file", hint="A PDF")
    assert [q.position for q in round_.questions] == list(range(1, 9))
    assert actions().count("question.created") == 8


def test_settings_that_do_not_fit_the_kind_are_dropped():
    question = make_question(make_round(), kind="short_text", word_limit=50, options=["A", "B"])
    assert (question.word_limit, question.options) == (None, [])


def test_options_are_read_one_per_line():
    assert questions.options_from_text(" Yes \n\n No\r\nMaybe ") == ["Yes", "No", "Maybe"]


def test_removing_and_moving_questions():
    round_ = make_round()
    a, b, c = (make_question(round_, label=label) for label in "ABC")
    questions.move_question(None, round_, a, "down")
    questions.remove_question(None, round_, c)
    assert [(q.label, q.position) for q in round_.questions] == [("B", 1), ("A", 2)]
    assert {"questions.reordered", "question.removed"} <= set(actions())
