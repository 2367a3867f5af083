"""The task list: which sections an application has, and whether each is complete.

Completeness is derived from the answers themselves, never stored, so it cannot drift.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from grants.applications.models import (
    SUPPORTING_DOCUMENTS,
    Application,
    DocumentKind,
)
from grants.funds.models import Question, QuestionKind

LONG_TEXT_KINDS = {QuestionKind.LONG_TEXT}


def has_recording(application: Application, answer_key: str) -> bool:
    return any(
        d.kind == DocumentKind.RECORDING and d.answer_key == answer_key
        for d in application.documents
    )


def has_document(
    application: Application, kind: DocumentKind, answer_key: str | None = None
) -> bool:
    return any(
        d.kind == kind and (answer_key is None or d.answer_key == answer_key)
        for d in application.documents
    )


def question_key(question: Question) -> str:
    return f"question-{question.id}"


def question_answered(application: Application, question: Question) -> bool:
    if question.kind == QuestionKind.FILE:
        return has_document(application, DocumentKind.ANSWER_FILE, question_key(question))
    value = application.answer_for(question.id)
    if value not in (None, "", []):
        return True
    return question.kind in LONG_TEXT_KINDS and has_recording(application, question_key(question))


def budget_total(application: Application) -> int:
    return sum(line.amount_pence for line in application.budget_lines)


def budget_within_limits(application: Application) -> bool:
    total = budget_total(application)
    return application.round.min_award_pence <= total <= application.round.max_award_pence


def _project_complete(a: Application) -> bool:
    described = bool(a.description) or has_recording(a, "description")
    return bool(a.title and a.summary and described)


def _timeline_complete(a: Application) -> bool:
    return bool(a.start_date and a.end_date and a.end_date >= a.start_date)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    complete: Callable[[Application], bool]
    started: Callable[[Application], bool]


SECTIONS = [
    Section(
        "group",
        "About your group",
        lambda a: a.group_details_confirmed,
        lambda a: a.group_details_confirmed,
    ),
    Section(
        "project",
        "Your project",
        _project_complete,
        lambda a: bool(a.title or a.summary or a.description),
    ),
    Section(
        "where",
        "Where it happens",
        lambda a: bool(a.neighbourhoods),
        lambda a: bool(a.neighbourhoods),
    ),
    Section(
        "principles",
        "Principles",
        lambda a: a.main_principle_id is not None,
        lambda a: a.main_principle_id is not None,
    ),
    Section(
        "beneficiaries",
        "Who benefits",
        lambda a: a.people_reached is not None and bool(a.beneficiary_groups),
        lambda a: a.people_reached is not None or bool(a.beneficiary_groups),
    ),
    Section(
        "outcomes",
        "How will you know it worked?",
        lambda a: bool(a.outcomes),
        lambda a: bool(a.outcomes),
    ),
    Section(
        "budget",
        "Budget",
        lambda a: bool(a.budget_lines) and budget_within_limits(a),
        lambda a: bool(a.budget_lines),
    ),
    Section("timeline", "Timeline", _timeline_complete, lambda a: bool(a.start_date or a.end_date)),
    Section(
        "questions",
        "Questions from this round",
        lambda a: all(question_answered(a, q) for q in a.round.questions if q.required),
        lambda a: bool(a.answers) or has_document(a, DocumentKind.ANSWER_FILE),
    ),
    Section(
        "documents",
        "Supporting documents",
        lambda a: all(has_document(a, kind) or a.waiver_for(kind) for kind in SUPPORTING_DOCUMENTS),
        lambda a: any(has_document(a, kind) or a.waiver_for(kind) for kind in SUPPORTING_DOCUMENTS),
    ),
]
DECLARATION = Section(
    "declaration",
    "Declaration",
    lambda a: a.declared_at is not None,
    lambda a: a.declared_at is not None,
)


def sections_for(application: Application) -> list[Section]:
    """The sections this application must complete before the declaration."""
    return [s for s in SECTIONS if s.key != "questions" or application.round.questions]


def incomplete(application: Application) -> list[Section]:
    return [s for s in sections_for(application) if not s.complete(application)]


class SectionStatus(enum.StrEnum):
    """Where a task-list section stands, derived from the answers each time it is shown."""

    CANNOT_START = "cannot_start"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return SECTION_STATUS_LABELS[self]

    @property
    def is_complete(self) -> bool:
        return self == SectionStatus.COMPLETED

    @property
    def can_start(self) -> bool:
        return self != SectionStatus.CANNOT_START

    @property
    def tag_class(self) -> str | None:
        """GOV.UK task lists tag unfinished sections; finished and blocked ones are plain text."""
        return SECTION_TAG_CLASSES.get(self)

    @property
    def text_class(self) -> str | None:
        return "govuk-task-list__status--cannot-start-yet" if not self.can_start else None


SECTION_STATUS_LABELS = {
    SectionStatus.CANNOT_START: "Cannot start yet",
    SectionStatus.NOT_STARTED: "Not yet started",
    SectionStatus.IN_PROGRESS: "In progress",
    SectionStatus.COMPLETED: "Completed",
}
SECTION_TAG_CLASSES = {
    SectionStatus.NOT_STARTED: "govuk-tag--blue",
    SectionStatus.IN_PROGRESS: "govuk-tag--light-blue",
}


def status_of(section: Section, application: Application) -> SectionStatus:
    if section is DECLARATION and incomplete(application):
        return SectionStatus.CANNOT_START
    if section.complete(application):
        return SectionStatus.COMPLETED
    return SectionStatus.IN_PROGRESS if section.started(application) else SectionStatus.NOT_STARTED


@dataclass(frozen=True)
class TaskListItem:
    """One row of the task list: the section and where it stands."""

    section: Section
    status: SectionStatus


def task_list(application: Application) -> list[TaskListItem]:
    """Every section of the application, then the declaration, each with its status."""
    return [
        TaskListItem(section, status_of(section, application))
        for section in [*sections_for(application), DECLARATION]
    ]


def ready_to_submit(application: Application) -> bool:
    return not incomplete(application) and DECLARATION.complete(application)
