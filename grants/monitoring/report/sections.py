"""The report's task list: its sections, in order, and where each stands.

A section is complete once the group has saved it (``report.sections_saved``) and what it
says is enough: spending with no missing answers, every outcome given a value, every required
question answered. Worked out each time it is shown, never stored beyond "saved at least once".

The story of change and the challenges and changes sections are saved by their own pages
(``story_routes``, ``change_routes``), which add "story" and "changes" to ``sections_saved``;
the story is optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from grants.applications.sections import SectionStatus
from grants.funds.models import QuestionKind
from grants.monitoring import spending
from grants.monitoring.dates import due_wording
from grants.monitoring.models import MonitoringReport
from grants.monitoring.states import ReportStatus

WHAT_HAPPENED = "what_happened"
SPENDING = "spending"
OUTCOMES = "outcomes"
STORY = "story"
CHANGES = "changes"
QUESTIONS = "questions"


def is_saved(report: MonitoringReport, key: str) -> bool:
    return key in (report.sections_saved or [])


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


# A question's key, as the template pages make them ("q-1a2b3c4d", or "next" for a default).
SAFE_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class TemplateQuestion:
    """One of the template's own questions, shaped like a round's question (``funds.Question``)
    so the application's question widgets and rules serve it too. ``id`` is its key."""

    id: str
    kind: QuestionKind
    label: str
    hint: str
    required: bool
    word_limit: int | None
    options: list[str]

    @classmethod
    def of(cls, question: dict[str, Any]) -> TemplateQuestion | None:
        try:
            kind = QuestionKind(question.get("kind"))
        except ValueError:
            return None
        key = str(question.get("key") or "")
        if kind == QuestionKind.FILE or not SAFE_KEY.fullmatch(key):
            return None  # reports ask no file questions
        return cls(
            id=key,
            kind=kind,
            label=str(question.get("label") or ""),
            hint=str(question.get("hint") or ""),
            required=bool(question.get("required")),
            word_limit=question.get("word_limit") or None,
            options=[str(option) for option in question.get("options") or []],
        )

    @property
    def field_name(self) -> str:
        """The form field that asks it ("q-1a2b" is asked by "question_q_1a2b")."""
        return "question_" + self.id.replace("-", "_")


def questions_of(report: MonitoringReport) -> list[TemplateQuestion]:
    """The template's own questions, as the version the report started on asks them."""
    made = (TemplateQuestion.of(q) for q in report.template_version.questions or [])
    return [q for q in made if q is not None]


def _what_happened_complete(report: MonitoringReport) -> bool:
    return bool((report.what_happened or "").strip()) or report.recording() is not None


def _outcome_answered(outcome, value) -> bool:
    if value is None:
        return False
    if outcome.is_measured:
        return value.actual_value is not None
    return bool((value.progress or "").strip())


def outcomes_missing(report: MonitoringReport) -> list[str]:
    """What the people and outcomes section still lacks, in words (empty when complete)."""
    application = report.award.application
    missing = [g for g in application.beneficiary_groups or [] if g not in (report.reach or {})]
    values = {value.outcome_id: value for value in report.outcome_values}
    for outcome in application.outcomes:
        if not _outcome_answered(outcome, values.get(outcome.id)):
            missing.append(outcome.title)
    return missing


def questions_missing(report: MonitoringReport) -> list[TemplateQuestion]:
    answers = report.answers or {}
    return [q for q in questions_of(report) if q.required and empty(answers.get(q.id))]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    endpoint: str
    complete: Callable[[MonitoringReport], bool]
    optional: bool = False


SECTIONS = [
    Section(
        WHAT_HAPPENED,
        "What happened",
        "reports.what_happened",
        lambda r: is_saved(r, WHAT_HAPPENED) and _what_happened_complete(r),
    ),
    Section(
        SPENDING,
        "Spending",
        "reports.spending",
        lambda r: is_saved(r, SPENDING) and spending.check(r).complete,
    ),
    Section(
        OUTCOMES,
        "People and outcomes",
        "reports.outcomes",
        lambda r: is_saved(r, OUTCOMES) and not outcomes_missing(r),
    ),
    Section(STORY, "A story of change", "reports.story", lambda r: is_saved(r, STORY), True),
    Section(CHANGES, "Challenges and changes", "reports.changes", lambda r: is_saved(r, CHANGES)),
    Section(
        QUESTIONS,
        "More questions",
        "reports.questions",
        lambda r: is_saved(r, QUESTIONS) and not questions_missing(r),
    ),
]
SEND = Section("send", "Check and send your report", "reports.check", lambda r: r.sent_count > 0)


def sections_for(report: MonitoringReport) -> list[Section]:
    """The sections this report has: the questions only when its template asks some."""
    return [s for s in SECTIONS if s.key != QUESTIONS or questions_of(report)]


def incomplete(report: MonitoringReport) -> list[Section]:
    """Required sections not yet complete: what stops the report being sent."""
    return [s for s in sections_for(report) if not s.optional and not s.complete(report)]


@dataclass(frozen=True)
class TaskListItem:
    section: Section
    status: SectionStatus

    @property
    def optional(self) -> bool:
        return self.section.optional


def _status(section: Section, report: MonitoringReport, blocked: bool) -> SectionStatus:
    if blocked:
        return SectionStatus.CANNOT_START
    if section.complete(report):
        return SectionStatus.COMPLETED
    return SectionStatus.IN_PROGRESS if is_saved(report, section.key) else SectionStatus.NOT_STARTED


def task_list(report: MonitoringReport) -> list[TaskListItem]:
    """Every section, then "check and send", which can start once the required ones are done."""
    items = [TaskListItem(s, _status(s, report, False)) for s in sections_for(report)]
    ready = all(item.status.is_complete or item.optional for item in items)
    send_status = SectionStatus.NOT_STARTED if ready else SectionStatus.CANNOT_START
    return [*items, TaskListItem(SEND, send_status)]


def due_text(due_on: date, today: date, *, sent: bool = False) -> str:
    """When the report is due ("Overdue by 3 days", "Due in 5 days"); a sent report is no longer
    overdue, so it gives the date."""
    if sent:
        return f"Due {due_on.day} {due_on:%B %Y}"
    return due_wording(due_on, today)


def changes_asked(report: MonitoringReport):
    """The officer's latest request for changes, while the report is reopened for them."""
    if report.status != ReportStatus.CHANGES_REQUESTED or not report.reviews:
        return None
    return report.reviews[-1]
