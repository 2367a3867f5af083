"""Report templates: versions are never changed, a report keeps the one it began on, questions
follow the round's rules, and two officers at once each write a version of their own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.audit import AuditEvent
from grants.awards.models import ReportKind
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.funds.questions import QuestionDetails
from grants.monitoring.models import ReportTemplate, ReportTemplateVersion
from grants.monitoring.setup import templates
from grants.permissions import Role
from tests.concurrency import at_once, postgresql_only
from tests.factories import make_user
from tests.funds.factories import make_round
from tests.monitoring.factories import award_in_force, bare_report

pytestmark = pytest.mark.usefixtures("reference_data")


def details(**overrides) -> QuestionDetails:
    values = {"label": "Who helped you most?", "kind": "short_text", "required": False}
    return QuestionDetails(**{**values, **overrides})


@pytest.fixture
def officer():
    return make_user(Role.PROGRAMME_OFFICER)


@pytest.fixture
def template():
    return templates.template_for(make_round().id, ReportKind.INTERIM)


def test_a_new_template_starts_from_the_default_once(template):
    again = templates.template_for(template.round_id, ReportKind.INTERIM)
    final = templates.template_for(template.round_id, ReportKind.FINAL)
    assert again.id == template.id and template.current.number == 1
    assert [q["key"] for q in final.current.questions] == ["next"]


def test_adding_a_question_writes_the_next_version_and_leaves_the_last(officer, template):
    first = template.current
    version = templates.add_question(officer, template, details())
    assert version.number == 2 and first.questions == []
    assert [q["label"] for q in template.current.questions] == ["Who helped you most?"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report_template.question_added")
    ).one()
    assert event.before["version"] == 1 and event.after["version"] == 2


def test_changing_a_template_after_a_report_was_started_leaves_that_report_unchanged(officer):
    ready = award_in_force()
    report = bare_report(ready, ReportKind.INTERIM)
    template = templates.template_for(ready.award.round_id, ReportKind.INTERIM)
    started_on = report.template_version_id
    templates.add_question(officer, template, details(label="How many came?", kind="number"))
    key = template.current.questions[0]["key"]
    templates.edit_question(officer, template, key, details(label="How many people came?"))
    db.session.expire_all()
    assert report.template_version_id == started_on
    assert report.template_version.number == 1 and report.template_version.questions == []
    assert templates.version_for(ready.award.round_id, ReportKind.INTERIM).number == 3


def test_a_question_keeps_its_key_through_edits_and_moves(officer, template):
    templates.add_question(officer, template, details(label="One"))
    templates.add_question(officer, template, details(label="Two"))
    one, two = (q["key"] for q in template.current.questions)
    templates.edit_question(officer, template, one, details(label="One, again"))
    templates.move_question(officer, template, two, "up")
    assert [(q["key"], q["label"]) for q in template.current.questions] == [
        (two, "Two"),
        (one, "One, again"),
    ]
    assert templates.move_question(officer, template, two, "up") is None  # already first
    templates.remove_question(officer, template, two)
    assert [q["key"] for q in template.current.questions] == [one]
    numbers = [v.number for v in template.versions]
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert len(template.versions[2].questions) == 2  # earlier versions are untouched


def test_questions_follow_the_rounds_rules_every_problem_at_once(officer, template):
    with pytest.raises(InvalidInput) as raised:
        templates.add_question(
            officer, template, details(label="", kind="single_choice", options=["Only one"])
        )
    assert set(raised.value.errors) == {"label", "options"}
    with pytest.raises(InvalidInput) as raised:
        templates.add_question(officer, template, details(kind="long_text", word_limit=None))
    assert "word_limit" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        templates.add_question(officer, template, details(kind="file"))
    assert raised.value.errors["kind"] == templates.NO_FILES
    assert template.current.number == 1


def test_a_choice_keeps_its_options_and_other_kinds_drop_them(officer, template):
    templates.add_question(
        officer, template, details(kind="single_choice", options=["Yes", "No", "Not sure"])
    )
    templates.add_question(
        officer, template, details(label="How many?", kind="number", options=["stray"])
    )
    choice, number = template.current.questions
    assert choice["options"] == ["Yes", "No", "Not sure"] and number["options"] == []


def test_only_programme_officers_change_templates(template):
    with pytest.raises(NotAllowed):
        templates.add_question(make_user(Role.FINANCE_OFFICER), template, details())
    with pytest.raises(NotAllowed):
        templates.remove_question(make_user(), template, "next")


def test_editing_a_question_someone_removed_is_a_clear_error(officer, template):
    templates.add_question(officer, template, details())
    key = template.current.questions[0]["key"]
    templates.remove_question(officer, template, key)
    with pytest.raises(DomainError):
        templates.edit_question(officer, template, key, details(label="Changed"))


def test_a_version_written_in_between_is_built_on_not_lost(officer, template):
    """Another officer's version takes the next number first: this edit goes on top of it."""
    db.session.add(
        ReportTemplateVersion(
            template_id=template.id,
            number=2,
            questions=[{**templates._as_question("theirs", details(label="Theirs"))}],
        )
    )
    db.session.flush()
    version = templates.add_question(officer, template, details(label="Mine"))
    assert version.number == 3
    assert [q["label"] for q in version.questions] == ["Theirs", "Mine"]


def test_which_awards_owe_each_kind_comes_from_the_award_terms():
    ready = award_in_force()
    owed = {o.kind: o for o in templates.owed_in(ready.award.round)}
    assert "over £2,000" in owed[ReportKind.INTERIM].who
    assert "Every award" in owed[ReportKind.FINAL].who
    assert owed[ReportKind.INTERIM].awards == 1 and owed[ReportKind.FINAL].awards == 1


def test_two_first_uses_at_once_make_one_template(app):
    """Both find no template and insert one: the second reads the first's (PostgreSQL)."""
    postgresql_only()
    from grants import transaction

    round_id = make_round().id
    transaction.commit()

    def prepare():
        return lambda: templates.template_for(round_id, ReportKind.FINAL)

    assert at_once(app, [prepare, prepare]) == [None, None]
    count = db.session.scalar(
        select(func.count(ReportTemplate.id)).where(ReportTemplate.round_id == round_id)
    )
    assert count == 1


def test_two_officers_editing_at_once_each_write_a_version(app):
    postgresql_only()
    from grants import transaction
    from grants.accounts.models import User

    officers = [make_user(Role.PROGRAMME_OFFICER).id for _ in range(2)]
    template_id = templates.template_for(make_round().id, ReportKind.INTERIM).id
    transaction.commit()

    def editing(officer_id: int, label: str):
        def prepare():
            officer = db.session.get(User, officer_id)
            template = db.session.get(ReportTemplate, template_id)
            template.current  # noqa: B018 - read before the other writes
            return lambda: templates.add_question(officer, template, details(label=label))

        return prepare

    assert at_once(app, [editing(officers[0], "First"), editing(officers[1], "Second")]) == [
        None,
        None,
    ]
    db.session.expire_all()
    template = db.session.get(ReportTemplate, template_id)
    assert [v.number for v in template.versions] == [1, 2, 3]
    assert sorted(q["label"] for q in template.current.questions) == ["First", "Second"]


def test_an_edit_that_loses_the_race_for_a_number_is_applied_on_top(officer, template, monkeypatch):
    """This officer read version 1, but another officer's version 2 was saved before theirs:
    the unique number refuses the insert, and the edit is written again as version 3."""
    stale = template.current
    db.session.add(
        ReportTemplateVersion(
            template_id=template.id,
            number=2,
            questions=[templates._as_question("theirs", details(label="Theirs"))],
        )
    )
    db.session.flush()
    real_latest, calls = templates._latest, []

    def latest_read_too_early(t):
        calls.append(t)
        return stale if len(calls) == 1 else real_latest(t)

    monkeypatch.setattr(templates, "_latest", latest_read_too_early)
    version = templates.add_question(officer, template, details(label="Mine"))
    assert len(calls) == 2 and version.number == 3
    assert [q["label"] for q in version.questions] == ["Theirs", "Mine"]


def test_a_template_made_by_someone_else_first_is_read_not_duplicated(monkeypatch):
    """The first look found none, but by the insert another request had made it."""
    round_id = make_round().id
    made = templates.template_for(round_id, ReportKind.INTERIM)
    real_find, calls = templates._find, []

    def found_nothing_at_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(templates, "_find", found_nothing_at_first)
    assert templates.template_for(round_id, ReportKind.INTERIM).id == made.id
    assert len(calls) == 2


def test_two_questions_alike_are_refused(officer, template):
    templates.add_question(officer, template, details(label="Who came?"))
    templates.add_question(officer, template, details(label="Who else?"))
    with pytest.raises(DomainError):
        templates.add_question(officer, template, details(label="  WHO CAME?  "))
    other = template.current.questions[1]["key"]
    with pytest.raises(DomainError):
        templates.edit_question(officer, template, other, details(label="who came?"))
    assert template.current.number == 3
