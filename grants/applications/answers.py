"""Saving each task-list section. Every save checks the rules, audits before and after, commits.

Save and return: each section saves on its own, so people can stop and come back at any point.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants import audit, limits
from grants.accounts.models import User
from grants.applications import files
from grants.applications.models import (
    BENEFICIARY_GROUPS,
    BUDGET_CATEGORIES,
    Answer,
    Application,
    BudgetLine,
    DocumentKind,
)
from grants.applications.outcomes import (  # noqa: F401  (the outcomes section's services)
    add_outcome,
    outcome_problems,
    remove_outcome,
)
from grants.applications.sections import budget_total, has_recording
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.funds.models import Question, QuestionKind
from grants.money import MoneyError, format_pence, parse_pounds
from grants.reference.models import Neighbourhood, Principle

DESCRIPTION_WORD_LIMIT = 1000
MAX_PEOPLE = 10_000_000


def words(text: str | None) -> int:
    return len((text or "").split())


def _saved(actor: User, application: Application, section: str, before: dict, after: dict) -> None:
    audit.record(actor, f"application.{section}_saved", application, before=before, after=after)
    db.session.flush()


def confirm_group(actor: User, application: Application) -> None:
    application.group_details_confirmed = True
    _saved(actor, application, "group", {}, {"group_details_confirmed": True})


def _usable_recording(
    application: Application, recording: files.PendingFile | None
) -> files.PendingFile | None:
    recording = next(iter(files.chosen([recording] if recording else [])), None)
    return recording if recording and application.round.allows_recordings else None


def project_problems(
    application: Application,
    *,
    summary: str | None,
    description: str | None,
    recording: files.PendingFile | None = None,
) -> dict[str, str]:
    """The project section's rules, field by field (empty when all is well)."""
    summary, description = (summary or "").strip(), (description or "").strip()
    recording = _usable_recording(application, recording)
    errors = {}
    if len(summary) > 140:
        errors["summary"] = "Summary must be 140 characters or fewer"
    if words(description) > DESCRIPTION_WORD_LIMIT:
        errors["description"] = f"Description must be {DESCRIPTION_WORD_LIMIT} words or fewer"
    if not description and not recording and not has_recording(application, "description"):
        errors["description"] = "Describe your project"
    return errors


def save_project(
    actor: User,
    application: Application,
    *,
    title: str,
    summary: str,
    description: str | None,
    recording: files.PendingFile | None = None,
) -> None:
    """The project's title, summary and description, or a recording in place of the description
    where the round allows one. Text is checked before the recording is stored."""
    title, summary, description = title.strip(), summary.strip(), (description or "").strip()
    recording = _usable_recording(application, recording)
    errors = project_problems(
        application, summary=summary, description=description, recording=recording
    )
    if errors:
        raise InvalidInput(errors)
    staged = files.stage([recording]) if recording else []
    before = {
        "title": application.title,
        "summary": application.summary,
        "description": application.description,
    }
    application.title, application.summary = title, summary
    application.description = description or None
    notes, replaced = files.place(actor, application, staged)
    after = {"title": title, "summary": summary, "description": description, "files": notes}
    _saved(actor, application, "project", before, after)
    files.forget(replaced)


def save_neighbourhoods(
    actor: User, application: Application, neighbourhood_ids: list[int]
) -> None:
    if not neighbourhood_ids:
        raise DomainError("Select at least one neighbourhood", field="neighbourhoods")
    chosen = list(
        db.session.scalars(
            select(Neighbourhood).where(
                Neighbourhood.id.in_(neighbourhood_ids), Neighbourhood.is_active
            )
        )
    )
    if len(chosen) != len(set(neighbourhood_ids)):
        raise DomainError("Select neighbourhoods from the list", field="neighbourhoods")
    outside = [n.name for n in chosen if not application.round.covers(n.id)]
    if outside:
        raise DomainError(
            "This round does not fund projects in " + ", ".join(outside), field="neighbourhoods"
        )
    before = {"neighbourhoods": [n.code for n in application.neighbourhoods]}
    application.neighbourhoods = chosen
    _saved(actor, application, "where", before, {"neighbourhoods": [n.code for n in chosen]})


def save_principles(
    actor: User, application: Application, *, main_id: int | None, other_ids: list[int]
) -> None:
    principles = {p.id: p for p in db.session.scalars(select(Principle).where(Principle.is_active))}
    if main_id not in principles:
        raise DomainError("Select the principle your project mainly serves", field="main_principle")
    if any(pid not in principles for pid in other_ids):
        raise DomainError("Select principles from the list", field="other_principles")
    before = {
        "main": application.main_principle_id,
        "others": [p.id for p in application.other_principles],
    }
    application.main_principle_id = main_id
    application.other_principles = [
        principles[pid] for pid in dict.fromkeys(other_ids) if pid != main_id
    ]
    after = {"main": main_id, "others": [p.id for p in application.other_principles]}
    _saved(actor, application, "principles", before, after)


def beneficiaries_problems(*, people_reached: int | None, groups: list[str]) -> dict[str, str]:
    errors = {}
    if people_reached is None or not 0 <= people_reached <= MAX_PEOPLE:
        errors["people_reached"] = (
            f"Enter how many people will take part, as a whole number up to {MAX_PEOPLE:,}"
        )
    unknown = [g for g in groups if g not in BENEFICIARY_GROUPS]
    if not groups or unknown:
        errors["groups"] = "Select who will benefit"
    return errors


def save_beneficiaries(
    actor: User, application: Application, *, people_reached: int | None, groups: list[str]
) -> None:
    errors = beneficiaries_problems(people_reached=people_reached, groups=groups)
    if errors:
        raise InvalidInput(errors)
    before = {
        "people_reached": application.people_reached,
        "groups": application.beneficiary_groups,
    }
    application.people_reached = people_reached
    application.beneficiary_groups = list(dict.fromkeys(groups))
    _saved(
        actor,
        application,
        "beneficiaries",
        before,
        {"people_reached": people_reached, "groups": groups},
    )


def _recalculate(application: Application) -> None:
    application.amount_requested_pence = budget_total(application)


def budget_line_problems(
    application: Application, *, category: str | None, amount: str | None
) -> dict[str, str]:
    """A budget line's rules, field by field. An empty answer is the form's to report."""
    errors = {}
    if category not in BUDGET_CATEGORIES:
        errors["category"] = "Select a category"
    if not (amount or "").strip():
        return errors
    try:
        pence = parse_pounds(amount)
    except MoneyError as error:
        errors["amount"] = str(error)
        return errors
    if pence <= 0:
        errors["amount"] = "Amount must be more than £0"
    elif budget_total(application) + pence > application.round.max_award_pence:
        errors["amount"] = (
            f"This would make your budget {format_pence(budget_total(application) + pence)}. "
            f"This round gives up to {format_pence(application.round.max_award_pence)}"
        )
    return errors


def add_budget_line(
    actor: User, application: Application, *, item: str, category: str, amount: str
) -> None:
    errors = budget_line_problems(application, category=category, amount=amount)
    if not amount.strip():
        errors.setdefault("amount", "Enter an amount")
    if errors:
        raise InvalidInput(errors)
    limits.make_room(
        application,
        BudgetLine.application_id,
        limits.MAX_BUDGET_LINES,
        f"A budget can have up to {limits.MAX_BUDGET_LINES} lines. "
        "Combine some costs into one line to add another",
        field="item",
    )
    pence = parse_pounds(amount)
    application.budget_lines.append(
        BudgetLine(item=item.strip(), category=category, amount_pence=pence)
    )
    _recalculate(application)
    _saved(
        actor, application, "budget", {}, {"added": {"item": item.strip(), "amount_pence": pence}}
    )


def remove_budget_line(actor: User, application: Application, line_id: int) -> None:
    line = next((b for b in application.budget_lines if b.id == line_id), None)
    if line is None:
        raise DomainError("That budget line has already been removed")
    application.budget_lines.remove(line)
    _recalculate(application)
    _saved(
        actor,
        application,
        "budget",
        {"removed": {"item": line.item, "amount_pence": line.amount_pence}},
        {},
    )


def timeline_problems(
    application: Application, *, start: date | None, end: date | None
) -> dict[str, str]:
    """The project's dates against the round's project window. A date not given (or not a real
    date) is the form's to report; the others are still checked."""
    round_ = application.round
    errors = {}
    if start and round_.project_start_from and start < round_.project_start_from:
        errors["start_date"] = (
            f"Start date must be on or after {round_.project_start_from:%-d %B %Y}"
        )
    if start and round_.project_end_by and start > round_.project_end_by:
        errors["start_date"] = f"Start date must be on or before {round_.project_end_by:%-d %B %Y}"
    if end and round_.project_end_by and end > round_.project_end_by:
        errors["end_date"] = f"End date must be on or before {round_.project_end_by:%-d %B %Y}"
    if start and end and end < start:
        errors["end_date"] = "End date must be the same as or after the start date"
    return errors


def save_timeline(actor: User, application: Application, *, start: date, end: date) -> None:
    errors = timeline_problems(application, start=start, end=end)
    if errors:
        raise InvalidInput(errors)
    before = {"start": str(application.start_date or ""), "end": str(application.end_date or "")}
    application.start_date, application.end_date = start, end
    _saved(actor, application, "timeline", before, {"start": str(start), "end": str(end)})


def _answer_problem(question: Question, value: Any) -> str | None:
    """Why a custom answer breaks its question's rules, or None. Empty answers are checked later."""
    if value in (None, "", []):
        return None
    if question.kind == QuestionKind.SHORT_TEXT and len(value) > 300:
        return "Answer must be 300 characters or fewer"
    if (
        question.kind == QuestionKind.LONG_TEXT
        and question.word_limit
        and words(value) > question.word_limit
    ):
        return f"Answer must be {question.word_limit} words or fewer"
    if question.kind == QuestionKind.YES_NO and value not in ("yes", "no"):
        return "Select yes or no"
    if question.kind == QuestionKind.SINGLE_CHOICE and value not in question.options:
        return "Select an option from the list"
    if question.kind == QuestionKind.MULTIPLE_CHOICE and any(
        v not in question.options for v in value
    ):
        return "Select options from the list"
    return None


def save_answers(
    actor: User,
    application: Application,
    values: dict[int, Any],
    uploads_chosen: list[files.PendingFile] = (),
) -> None:
    """Save the round's custom answers, all questions on the page at once, with any files
    (answers to file questions, recorded answers). Nothing is saved if anything is refused."""
    questions = {q.id: q for q in application.round.questions if q.kind != QuestionKind.FILE}
    errors = {}
    for question_id, value in values.items():
        question = questions.get(question_id)
        if question is None:
            continue
        problem = _answer_problem(question, value)
        if problem:
            errors[f"question_{question_id}"] = problem
    if errors:
        raise InvalidInput(errors)
    staged = files.stage(files.chosen(uploads_chosen))
    existing = {a.question_id: a for a in application.answers}
    before = {str(k): a.value for k, a in existing.items()}
    for question_id, value in values.items():
        if question_id not in questions:
            continue
        if isinstance(value, date):
            value = value.isoformat()
        if question_id in existing:
            existing[question_id].value = value
        else:
            application.answers.append(Answer(question_id=question_id, value=value))
    notes, replaced = files.place(actor, application, staged)
    after = {str(k): v if not isinstance(v, date) else v.isoformat() for k, v in values.items()}
    _saved(actor, application, "questions", before, {**after, "files": notes})
    files.forget(replaced)


def attach_files(
    actor: User, application: Application, pending: list[files.PendingFile]
) -> dict[str, str]:
    """Save every chosen file that passes its checks, even when another one is refused.

    Returns the refused ones (field name to a message naming the file and why) for the page to
    show beside what was kept.
    """
    selected = files.chosen(pending)
    if not selected:
        raise DomainError("Select a file to upload", field=pending[0].field if pending else None)
    staged, refused = files.stage_each(selected)
    if staged:
        _keep_files(actor, application, staged)
    return refused


def _keep_files(actor: User, application: Application, staged: list[files.StagedFile]) -> None:
    notes, replaced = files.place(actor, application, staged)
    _saved(actor, application, "document", {"replaced": len(replaced)}, {"files": notes})
    files.forget(replaced)


def attach(
    actor: User,
    application: Application,
    upload: FileStorage | None,
    *,
    kind: DocumentKind,
    answer_key: str | None = None,
    field: str = "file",
) -> None:
    """Store one upload against the application, replacing any earlier file in the same slot."""
    if upload is None or not upload.filename:
        raise DomainError("Select a file", field=field)
    _keep_files(
        actor, application, files.stage([files.PendingFile(upload, kind, field, answer_key)])
    )


def remove_document(actor: User, application: Application, document_id: int) -> None:
    document = next((d for d in application.documents if d.id == document_id), None)
    if document is None:
        raise DomainError("That file has already been removed")
    application.documents.remove(document)
    _saved(actor, application, "document", {"removed": document.original_name}, {})
    files.forget([document.stored_name])


def declaration_problems(*, full_name: str | None, confirmed: bool) -> dict[str, str]:
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = "Enter your full name"
    if not confirmed:
        errors["confirm"] = "Confirm that the information is correct"
    return errors


def declare(actor: User, application: Application, *, full_name: str, confirmed: bool) -> None:
    errors = declaration_problems(full_name=full_name, confirmed=confirmed)
    if errors:
        raise InvalidInput(errors)
    application.declaration_name = full_name.strip()
    application.declared_at = utcnow()
    _saved(actor, application, "declaration", {}, {"name": full_name.strip()})
