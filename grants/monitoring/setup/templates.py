"""Each round's report templates: which version a new report starts on, and officers' changes.

A round has one template per kind of report. Small grants owe only a final report and larger
ones an interim report too (the round's award terms decide, ``awards.schedule``); each kind's
template starts from the default below the first time it is needed. Versions are never changed:
an officer's edit writes the next one, and a report keeps the version it was started on.

A question is checked by the same rules as a round's own questions (``funds.questions``): the
same kinds of answer, choices for a choice, a word limit for long text. Its ``key`` is given
once and kept by every later version, so an answer always finds its question. Two officers
editing at once each write a version of their own: the second to arrive is numbered after the
first and applied on top of it, so neither change is lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants import audit, limits
from grants.awards.models import (
    REPORT_FOR_CONDITION,
    Award,
    ReleaseCondition,
    ReportDue,
    ReportKind,
)
from grants.awards.schedule import terms_for
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.funds.models import QuestionKind, Round
from grants.funds.questions import CHOICE_KINDS, QuestionDetails
from grants.funds.questions import _checked as question_shape_errors
from grants.funds.services import check_can_manage
from grants.money import format_pence
from grants.monitoring.models import ReportTemplate, ReportTemplateVersion

# The questions every new template starts with, beyond the report's standard sections.
DEFAULT_QUESTIONS: dict[ReportKind, list[dict[str, Any]]] = {
    ReportKind.INTERIM: [],
    ReportKind.FINAL: [
        {
            "key": "next",
            "kind": "long_text",
            "label": "What will your group do now the project has finished?",
            "hint": "For example, carry on with other funding, or hand over to another group.",
            "required": False,
            "word_limit": 300,
            "options": [],
        }
    ],
}
# A report's own answers are kept with the report; a file belongs in its photo or recording.
REPORT_KINDS = [kind for kind in QuestionKind if kind != QuestionKind.FILE]
NO_FILES = "A report question cannot ask for a file: groups add photos to their story"
ATTEMPTS = 5  # versions written by others in between, before an edit gives up
BUSY = "Someone else is changing this template at the same time. Try again"
MOVED_SINCE = "The template changed while you were looking at it. Check the order and try again"


def _find(round_id: int, kind: ReportKind) -> ReportTemplate | None:
    return db.session.scalar(
        select(ReportTemplate).where(
            ReportTemplate.round_id == round_id, ReportTemplate.kind == kind
        )
    )


def template_for(round_id: int, kind: ReportKind) -> ReportTemplate:
    """The round's template for this kind of report, made from the default if it has none.

    Two first uses at once (two groups starting reports) both find none and both insert; the
    unique constraint refuses the second, which then reads the one the first made."""
    template = _find(round_id, kind)
    if template is not None:
        return template
    template = ReportTemplate(round_id=round_id, kind=kind)
    template.versions.append(
        ReportTemplateVersion(number=1, questions=[dict(q) for q in DEFAULT_QUESTIONS[kind]])
    )
    try:
        with db.session.begin_nested():
            db.session.add(template)
            db.session.flush()
    except IntegrityError:
        found = _find(round_id, kind)
        if found is None:
            raise
        return found
    return template


def version_for(round_id: int, kind: ReportKind) -> ReportTemplateVersion:
    """The version a report started now begins on: the template's latest."""
    return template_for(round_id, kind).current


def get_template(round_: Round, kind: str) -> ReportTemplate:
    try:
        report_kind = ReportKind(kind)
    except ValueError:
        raise NotFound("Report template not found") from None
    return template_for(round_.id, report_kind)


def get_question(template: ReportTemplate, key: str) -> dict[str, Any]:
    """The question with this key in the template's current version (NotFound otherwise)."""
    question = next((q for q in template.current.questions if q["key"] == key), None)
    if question is None:
        raise NotFound("Question not found")
    return question


# Who owes each kind of report


@dataclass
class Owed:
    kind: ReportKind
    who: str  # which of the round's awards owe this kind of report, in words
    awards: int  # how many awards made so far owe it


def owed_in(round_: Round) -> list[Owed]:
    """Which awards owe each kind of report, from the round's award terms: every award owes a
    final report; awards paid in instalments owe an interim report when an instalment waits on
    one. Also how many awards in the round owe each so far (one query)."""
    terms = terms_for(round_.id)
    counts = dict(
        db.session.execute(
            select(ReportDue.kind, func.count(ReportDue.id))
            .join(Award, Award.id == ReportDue.award_id)
            .where(Award.round_id == round_.id)
            .group_by(ReportDue.kind)
        ).all()
    )
    conditions = {ReleaseCondition(step["condition"]) for step in terms.instalments or []}
    limit = format_pence(terms.single_payment_limit_pence)
    if any(REPORT_FOR_CONDITION.get(c) == ReportKind.INTERIM for c in conditions):
        interim = f"Awards over {limit}, paid in instalments"
    else:
        interim = "No award: the round's payment terms release no instalment on an interim report"
    final = f"Every award (awards of {limit} or less owe only this one)"
    return [
        Owed(ReportKind.INTERIM, interim, counts.get(ReportKind.INTERIM, 0)),
        Owed(ReportKind.FINAL, final, counts.get(ReportKind.FINAL, 0)),
    ]


# Officers' changes: each writes the next version


@dataclass
class TemplateQuestion:
    """A question of a template version, as the preview and the report's pages read it."""

    key: str
    kind: QuestionKind
    label: str
    hint: str = ""
    required: bool = False
    word_limit: int | None = None
    options: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:  # the preview's field names
        return self.key

    @classmethod
    def of(cls, question: dict[str, Any]) -> TemplateQuestion:
        return cls(
            key=question["key"],
            kind=QuestionKind(question["kind"]),
            label=question.get("label") or "",
            hint=question.get("hint") or "",
            required=bool(question.get("required")),
            word_limit=question.get("word_limit"),
            options=list(question.get("options") or []),
        )


def questions_of(version: ReportTemplateVersion) -> list[TemplateQuestion]:
    return [TemplateQuestion.of(q) for q in version.questions or []]


def question_errors(details: QuestionDetails) -> dict[str, str]:
    """Every problem with a question, field by field: the round's rules, and no file uploads."""
    errors, kind = question_shape_errors(details)
    if kind == QuestionKind.FILE:
        errors = {**errors, "kind": NO_FILES}
    return errors


def _as_question(key: str, details: QuestionDetails) -> dict[str, Any]:
    errors = question_errors(details)
    if errors:
        raise InvalidInput(errors)
    kind = QuestionKind(details.kind)
    return {
        "key": key,
        "kind": kind.value,
        "label": details.label.strip(),
        "hint": (details.hint or "").strip(),
        "required": bool(details.required),
        "word_limit": details.word_limit if kind == QuestionKind.LONG_TEXT else None,
        "options": list(details.options) if kind in CHOICE_KINDS else [],
    }


Change = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _latest(template: ReportTemplate) -> ReportTemplateVersion:
    """The newest version, read afresh (another officer may have written one since)."""
    return db.session.scalars(
        select(ReportTemplateVersion)
        .where(ReportTemplateVersion.template_id == template.id)
        .order_by(ReportTemplateVersion.number.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    ).one()


def _write_version(actor, template: ReportTemplate, action: str, change: Change, **details):
    """Apply ``change`` to the latest questions and save them as the next version.

    Another officer's version written in between takes the number first; this change is then
    applied again, on top of theirs, up to ``ATTEMPTS`` times. A change that changes nothing
    (a replayed edit) writes nothing: the latest version is returned as it is."""
    check_can_manage(actor)
    for _ in range(ATTEMPTS):
        latest = _latest(template)
        questions = change([dict(q) for q in latest.questions or []])
        if questions == list(latest.questions or []):
            return latest
        version = ReportTemplateVersion(
            template_id=template.id,
            number=latest.number + 1,
            questions=questions,
            created_by_id=getattr(actor, "id", None),
        )
        try:
            with db.session.begin_nested():
                db.session.add(version)
                db.session.flush()
        except IntegrityError:
            continue
        db.session.expire(template, ["versions"])
        audit.record(
            actor,
            action,
            template,
            before={"version": latest.number, "questions": [q["key"] for q in latest.questions]},
            after={
                "version": version.number,
                "questions": [q["key"] for q in questions],
                **details,
            },
        )
        db.session.flush()
        return version
    raise DomainError(BUSY)


def _index(questions: list[dict[str, Any]], key: str) -> int:
    for index, question in enumerate(questions):
        if question["key"] == key:
            return index
    raise DomainError("This question has been removed by someone else")


def new_key(questions: list[dict[str, Any]]) -> str:
    keys = {q["key"] for q in questions}
    while (key := f"q-{secrets.token_hex(4)}") in keys:
        continue
    return key


def add_question(
    actor, template: ReportTemplate, details: QuestionDetails
) -> ReportTemplateVersion:
    """Add a question at the end, in a new version."""
    check_can_manage(actor)
    _as_question("new", details)  # every problem now, before anything is written

    def change(questions):
        if len(questions) >= limits.MAX_QUESTIONS:
            raise DomainError(
                f"A report can ask up to {limits.MAX_QUESTIONS} questions. "
                "Remove one to add another",
                field="label",
            )
        label = details.label.strip().casefold()
        if any(q["label"].casefold() == label for q in questions):
            # Two questions alike help nobody; and a second click on "Save" adds nothing.
            raise DomainError("The report already asks this question", field="label")
        return [*questions, _as_question(new_key(questions), details)]

    return _write_version(actor, template, "report_template.question_added", change)


def edit_question(
    actor, template: ReportTemplate, key: str, details: QuestionDetails
) -> ReportTemplateVersion:
    """Change a question, in a new version; it keeps its key."""
    check_can_manage(actor)
    _as_question(key, details)

    def change(questions):
        index = _index(questions, key)
        label = details.label.strip().casefold()
        if any(q["label"].casefold() == label for i, q in enumerate(questions) if i != index):
            raise DomainError("The report already asks this question", field="label")
        questions[index] = _as_question(key, details)
        return questions

    return _write_version(actor, template, "report_template.question_changed", change, key=key)


def remove_question(actor, template: ReportTemplate, key: str) -> ReportTemplateVersion:
    """Leave a question out of the next version (reports already started keep it)."""

    def change(questions):
        del questions[_index(questions, key)]
        return questions

    return _write_version(actor, template, "report_template.question_removed", change, key=key)


def move_question(
    actor, template: ReportTemplate, key: str, direction: str, seen: int | None = None
) -> ReportTemplateVersion | None:
    """Move a question up or down one place, in a new version (None: it is already there).

    ``seen`` is the version number the officer was looking at: once another version has been
    written since (their own first click of a double click, or a colleague's change), the move
    is refused, since it may no longer be the one they meant."""
    if direction not in ("up", "down"):
        raise DomainError("Choose up or down")
    if seen is not None and seen != template.current.number:
        raise DomainError(MOVED_SINCE)
    current = [q["key"] for q in template.current.questions]
    if key not in current:
        raise NotFound("Question not found")
    place = current.index(key) + (-1 if direction == "up" else 1)
    if not 0 <= place < len(current):
        return None

    def change(questions):
        index = _index(questions, key)
        other = index + (-1 if direction == "up" else 1)
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
        return questions

    return _write_version(actor, template, "report_template.questions_reordered", change, key=key)
