"""What locks once groups apply, and once the panel starts: refused by the services, with reasons."""

from datetime import timedelta

import pytest

from grants.applications.states import ApplicationStatus
from grants.errors import DomainError, InvalidInput
from grants.funds import criteria, locks, questions, services
from grants.funds.models import QuestionKind
from tests.funds.factories import LEVELS, make_criterion, make_question, make_round
from tests.panels.factories import record_score


def change(round_, **changes):
    details = services.RoundDetails.of(round_)
    for name, value in changes.items():
        setattr(details, name, value)
    return services.update_round(None, round_, details)


def refused(round_, **changes) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        change(round_, **changes)
    return raised.value.errors


def test_nothing_is_locked_before_anyone_applies():
    round_ = make_round()
    assert locks.locked_fields(round_) == {}
    assert locks.criteria_lock_reason(round_) is None
    assert locks.questions_lock_reason(round_) is None
    change(round_, min_award_pence=10_000, eligible_org_types=["cio"], slug="renamed")


@pytest.mark.parametrize(
    "changes",
    [
        {"eligible_org_types": ["cio"]},
        {"max_income_pence": 100},
        {"all_neighbourhoods": False, "neighbourhood_ids": [1]},
        {"min_award_pence": 10_000},
        {"max_award_pence": 300_000},
        {"slug": "renamed"},
        {"allows_recordings": True},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_eligibility_and_grant_sizes_lock_once_a_group_starts_applying(start_application, changes):
    round_ = make_round()
    start_application(round_)
    errors = refused(round_, **changes)
    field = next(iter(changes))
    assert errors[field] == locks.locked_fields(round_)[field]
    assert errors[field].startswith("Groups have started applying")


def test_the_project_window_locks_once_a_group_starts_applying(start_application):
    from datetime import date

    round_ = make_round(project_start_from=date(2027, 1, 1))
    start_application(round_)
    errors = refused(round_, project_start_from=date(2027, 2, 1))
    assert "planned their project dates" in errors["project_start_from"]


def test_title_guidance_and_budget_can_still_change(start_application):
    round_ = make_round()
    start_application(round_)
    change(round_, title="New title", guidance="New *guidance*", budget_pence=4_000_000)
    assert (round_.title, round_.budget_pence) == ("New title", 4_000_000)


def test_the_closing_time_can_be_extended_but_not_brought_forward(start_application):
    round_ = make_round()
    start_application(round_)
    closes = services.RoundDetails.of(round_).closes_at
    errors = refused(round_, closes_at=closes - timedelta(days=1))
    assert errors == {"closes_at": locks.CLOSING_EXTEND_ONLY}
    change(round_, closes_at=closes + timedelta(days=7))
    assert services.RoundDetails.of(round_).closes_at == closes + timedelta(days=7)


def test_the_edit_page_summary_names_each_locked_setting_once(start_application):
    round_ = make_round()
    start_application(round_)
    summary = dict(locks.locked_summary(round_))
    assert "Neighbourhoods" in summary and "Closing date and time" in summary
    assert len(summary) == len(set(locks.LABELS[name] for name in locks.locked_fields(round_)))


def test_blind_panel_locks_when_the_panel_starts(start_application):
    round_ = make_round()
    start_application(round_)
    change(round_, blind_panel=True)
    criterion = make_criterion(round_)
    record_score(start_application(round_, ApplicationStatus.IN_PANEL_REVIEW), criterion)
    assert refused(round_, blind_panel=False) == {"blind_panel": locks.BLIND_PANEL_FIXED}


# Criteria


def test_criteria_stay_open_while_applications_are_only_being_written_and_screened(
    start_application,
):
    round_ = make_round()
    for status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
    ):
        start_application(round_, status)
    first = make_criterion(round_, name="First")
    second = make_criterion(round_, name="Second")
    criteria.move_criterion(None, round_, second, "up")
    criteria.remove_criterion(None, round_, first)
    assert [c.name for c in round_.criteria] == ["Second"]


def test_criteria_stay_open_with_the_panel_until_the_first_score(start_application):
    round_ = make_round()
    make_criterion(round_)
    start_application(round_, ApplicationStatus.IN_PANEL_REVIEW)
    assert locks.criteria_lock_reason(round_) is None
    assert "blind_panel" not in locks.locked_fields(round_)


def test_criteria_lock_once_the_first_score_is_recorded(start_application):
    round_ = make_round()
    criterion = make_criterion(round_)
    make_criterion(round_, name="Another")
    record_score(start_application(round_, ApplicationStatus.IN_PANEL_REVIEW), criterion)
    assert locks.locked_fields(round_)["blind_panel"] == locks.BLIND_PANEL_FIXED
    reason = locks.criteria_lock_reason(round_)
    assert "so its scoring criteria can no longer change" in reason
    details = criteria.CriterionDetails(name="New", level_guidance=LEVELS, weight=1, max_score=3)
    attempts = [
        lambda: criteria.save_criterion(None, round_, None, details),
        lambda: criteria.save_criterion(None, round_, criterion, details),
        lambda: criteria.remove_criterion(None, round_, criterion),
        lambda: criteria.move_criterion(None, round_, criterion, "down"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as raised:
            attempt()
        assert raised.value.message == reason
    assert [c.name for c in round_.criteria] == ["Meets a local need", "Another"]


# Questions


def question_details(question, **changes):
    details = questions.QuestionDetails(
        label=question.label,
        kind=question.kind.value,
        hint=question.hint,
        required=question.required,
        word_limit=question.word_limit,
        options=list(question.options),
    )
    for name, value in changes.items():
        setattr(details, name, value)
    return details


def refused_question(round_, question, **changes):
    with pytest.raises(InvalidInput) as raised:
        questions.save_question(None, round_, question, question_details(question, **changes))
    return raised.value.errors


@pytest.fixture
def started_round(start_application):
    round_ = make_round()
    make_question(round_, label="Pick one", kind="single_choice", options=["A", "B"])
    make_question(round_, label="Tell us", kind="long_text", word_limit=200)
    start_application(round_)
    return round_


def test_a_question_can_change_freely_before_anyone_applies():
    round_ = make_round()
    question = make_question(round_, kind="single_choice", options=["A", "B"])
    details = question_details(question, kind="long_text", word_limit=100, required=False)
    saved = questions.save_question(None, round_, question, details)
    assert (saved.kind, saved.options, saved.word_limit) == (QuestionKind.LONG_TEXT, [], 100)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "multiple_choice"}, "kind", "the type of answer cannot change"),
        ({"options": ["A", "B", "C"]}, "options", "the choices cannot change"),
        ({"required": False}, "required", "whether it must be answered cannot change"),
    ],
)
def test_a_question_type_choices_and_requirement_lock_once_groups_apply(
    started_round, changes, field, message
):
    question = started_round.questions[0]
    errors = refused_question(started_round, question, **changes)
    assert errors[field] == f"Groups have started applying to this round, so {message}"


def test_wording_and_hint_can_still_be_corrected(started_round):
    question = started_round.questions[0]
    details = question_details(question, label="Pick one option", hint="Only one")
    saved = questions.save_question(None, started_round, question, details)
    assert (saved.label, saved.hint) == ("Pick one option", "Only one")


def test_a_word_limit_can_be_raised_but_not_lowered(started_round):
    question = started_round.questions[1]
    errors = refused_question(started_round, question, word_limit=150)
    assert "can be raised but not lowered" in errors["word_limit"]
    questions.save_question(
        None, started_round, question, question_details(question, word_limit=250)
    )
    assert question.word_limit == 250


def test_questions_cannot_be_removed_once_groups_apply(started_round):
    with pytest.raises(DomainError) as raised:
        questions.remove_question(None, started_round, started_round.questions[0])
    assert "questions cannot be removed" in raised.value.message
    assert len(started_round.questions) == 2


def test_only_optional_questions_can_be_added_once_groups_apply(started_round):
    required = questions.QuestionDetails(label="New", kind="short_text", required=True)
    with pytest.raises(InvalidInput) as raised:
        questions.save_question(None, started_round, None, required)
    assert raised.value.errors["required"].endswith("so a new question must be optional")
    optional = questions.QuestionDetails(label="New", kind="short_text", required=False)
    assert questions.save_question(None, started_round, None, optional).position == 3


def test_questions_can_still_be_reordered(started_round):
    questions.move_question(None, started_round, started_round.questions[1], "up")
    assert [q.label for q in started_round.questions] == ["Tell us", "Pick one"]
