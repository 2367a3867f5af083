"""The group's report: starting it, saving each section, and sending it.

Every saver checks who is writing (``access.check_may_write``: the group's members, or an
officer entering it for them) and that the report can still change (a draft, or reopened with
changes requested: everything typed is kept), then records the section as saved and audits
before and after. Services flush; the request commits. Ids of budget lines and outcomes must be
the report's own application's: anything else is refused with a message, never a database error.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from grants import audit, uploads
from grants.accounts.models import User
from grants.applications.answers import MAX_PEOPLE, _answer_problem, words
from grants.applications.models import Channel
from grants.awards.access import is_group_member
from grants.awards.models import ReportDue
from grants.awards.states import IN_FORCE
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.monitoring import access
from grants.monitoring.models import (
    MonitoringReport,
    ReportFile,
    ReportOutcomeValue,
    ReportSpend,
)
from grants.monitoring.report import sections
from grants.monitoring.report.sending import (  # noqa: F401 (the report's services, in one place)
    AlreadySent,
    declaration_problems,
    reviewers_for,
    send,
)
from grants.monitoring.setup.templates import version_for
from grants.monitoring.states import FileKind

WHAT_HAPPENED_WORDS = 1000
EXPLANATION_CHARACTERS = 1000
COMMENT_CHARACTERS = 2000
MAX_VALUE = 1_000_000_000


# Starting ---------------------------------------------------------------------------------


def existing_for(report_due: ReportDue) -> MonitoringReport | None:
    return db.session.scalar(
        select(MonitoringReport).where(MonitoringReport.report_due_id == report_due.id)
    )


def start(
    actor: User, report_due: ReportDue, *, channel: Channel = Channel.ONLINE
) -> MonitoringReport:
    """The report for this report due, started now if nobody has yet. A second start (or two at
    once) returns the same report. An officer entering it for the group records how it reached
    them; the group's own members always report online."""
    award = report_due.award
    access.check_may_write(actor, award)
    existing = existing_for(report_due)
    if existing is not None:
        return existing
    if award.status not in IN_FORCE:
        raise DomainError("Reports can only be written while the grant agreement is in force")
    if report_due.accepted_at is not None:
        raise DomainError("This report has already been accepted")
    member = is_group_member(actor, award)
    if not member and channel == Channel.ONLINE:
        raise DomainError("Select how the group gave you its report", field="channel")
    report = MonitoringReport(
        report_due_id=report_due.id,
        award_id=award.id,
        template_version_id=version_for(award.round_id, report_due.kind).id,
        channel=Channel.ONLINE if member else channel,
        entered_by_id=None if member else actor.id,
        started_by_id=actor.id,
        started_at=utcnow(),
        reach={},
        answers={},
        sections_saved=[],
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # started by someone else a moment ago: theirs is the report
        return existing_for(report_due)
    if member:
        audit.record(actor, "monitoring_report.started", report, after=report.audit_view())
    else:  # the name the review side and the audit log know an assisted report by
        audit.record(
            actor,
            "monitoring.report_entered",
            report,
            after={**report.audit_view(), "entered_by_id": actor.id},
        )
    db.session.flush()
    return report


# Saving each section ---------------------------------------------------------------------


def _saved(actor: User, report: MonitoringReport, section: str, before: dict, after: dict) -> None:
    if section not in (report.sections_saved or []):
        report.sections_saved = [*(report.sections_saved or []), section]
    audit.record(actor, f"monitoring_report.{section}_saved", report, before=before, after=after)
    db.session.flush()


def _sha256_of_file(stored_name: str) -> str:
    digest = hashlib.sha256()
    with uploads.path_of(stored_name).open("rb") as stored:
        while chunk := stored.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _keep_recording(actor: User, report: MonitoringReport, upload: FileStorage) -> list[str]:
    """Store a recording in place of any earlier one. Returns the stored names it replaced."""
    stored = uploads.store(
        upload,
        allowed=uploads.RECORDING_TYPES,
        max_bytes=current_app.config["MAX_RECORDING_BYTES"],
        field="recording",
    )
    replaced = [f for f in report.files if f.kind == FileKind.RECORDING]
    for old in replaced:
        report.files.remove(old)
    report.files.append(
        ReportFile(
            kind=FileKind.RECORDING,
            stored_name=stored.stored_name,
            original_name=stored.original_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=_sha256_of_file(stored.stored_name),
            created_by_id=actor.id,
        )
    )
    return [old.stored_name for old in replaced]


def save_what_happened(
    actor: User,
    report: MonitoringReport,
    text: str | None,
    *,
    recording: FileStorage | None = None,
) -> None:
    """What happened, in the group's words, or a recording instead (or both)."""
    access.check_may_edit(actor, report)
    text = (text or "").strip()
    chosen = recording if recording is not None and recording.filename else None
    if words(text) > WHAT_HAPPENED_WORDS:
        raise DomainError(
            f"What happened must be {WHAT_HAPPENED_WORDS:,} words or fewer", field="what_happened"
        )
    if not text and chosen is None and report.recording() is None:
        raise DomainError("Tell us what happened, or send a recording", field="what_happened")
    before = {"what_happened": report.what_happened, "recording": _recording_name(report)}
    replaced = _keep_recording(actor, report, chosen) if chosen is not None else []
    report.what_happened = text or None
    after = {"what_happened": report.what_happened, "recording": _recording_name(report)}
    _saved(actor, report, sections.WHAT_HAPPENED, before, after)
    for name in replaced:
        uploads.discard_after_commit(name)


def _recording_name(report: MonitoringReport) -> str | None:
    recording = report.recording()
    return recording.original_name if recording else None


def remove_recording(actor: User, report: MonitoringReport, file_id: int) -> None:
    access.check_may_edit(actor, report)
    recording = next(
        (f for f in report.files if f.id == file_id and f.kind == FileKind.RECORDING), None
    )
    if recording is None:
        raise DomainError("That recording has already been removed")
    report.files.remove(recording)
    audit.record(
        actor,
        "monitoring_report.recording_removed",
        report,
        before={"recording": recording.original_name},
    )
    db.session.flush()
    uploads.discard_after_commit(recording.stored_name)


def save_spending(
    actor: User, report: MonitoringReport, spends: dict[int, tuple[int | None, str | None]]
) -> None:
    """Spend to date on the application's budget lines: ``{budget_line_id: (spent_pence,
    explanation)}``. A spend left out (None) is saved as not given yet: the spending check
    lists it as missing. Anything malformed is refused and nothing changes."""
    access.check_may_edit(actor, report)
    lines = {line.id: line for line in report.award.application.budget_lines}
    if any(line_id not in lines for line_id in spends):
        raise DomainError("Choose budget lines from this project's budget")
    errors = {}
    for line_id, (spent, explanation) in spends.items():
        if spent is not None and not 0 <= spent <= MAX_VALUE * 100:
            errors[f"spent_{line_id}"] = "Enter an amount of £0 or more, like 1,250.50"
        if len((explanation or "").strip()) > EXPLANATION_CHARACTERS:
            errors[f"explanation_{line_id}"] = (
                f"Explanation must be {EXPLANATION_CHARACTERS:,} characters or fewer"
            )
    if errors:
        raise InvalidInput(errors)
    saved = {spend.budget_line_id: spend for spend in report.spending}
    before = {str(k): [s.spent_pence, s.explanation] for k, s in saved.items()}
    for line_id, (spent, explanation) in spends.items():
        explanation = (explanation or "").strip() or None
        spend = saved.get(line_id)
        if spent is None:
            if spend is not None:
                report.spending.remove(spend)
        elif spend is None:
            report.spending.append(
                ReportSpend(budget_line_id=line_id, spent_pence=spent, explanation=explanation)
            )
        else:
            spend.spent_pence, spend.explanation = spent, explanation
    after = {str(k): list(v) for k, v in spends.items()}
    _saved(actor, report, sections.SPENDING, before, after)


def outcome_problems(
    report: MonitoringReport,
    *,
    reach: dict[str, int | None],
    values: dict[int, tuple[int | None, str | None, str | None]],
) -> dict[str, str]:
    """What is missing or wrong in the people and outcomes section, field by field."""
    application = report.award.application
    errors = {}
    for group in application.beneficiary_groups or []:
        number = reach.get(group)
        if number is None or not 0 <= number <= MAX_PEOPLE:
            errors[f"reach_{group}"] = (
                f"Enter how many people you reached, as a whole number up to {MAX_PEOPLE:,}"
            )
    for outcome in application.outcomes:
        actual, comment, progress = values.get(outcome.id, (None, None, None))
        if outcome.is_measured:
            if actual is None or not 0 <= actual <= MAX_VALUE:
                errors[f"actual_{outcome.id}"] = (
                    f"Enter the number so far for {outcome.title}, as a whole number"
                )
            if len((comment or "").strip()) > COMMENT_CHARACTERS:
                errors[f"comment_{outcome.id}"] = (
                    f"Comment must be {COMMENT_CHARACTERS:,} characters or fewer"
                )
        elif not (progress or "").strip():
            errors[f"progress_{outcome.id}"] = f"Describe your progress on {outcome.title}"
        elif len(progress.strip()) > COMMENT_CHARACTERS:
            errors[f"progress_{outcome.id}"] = (
                f"Progress must be {COMMENT_CHARACTERS:,} characters or fewer"
            )
    return errors


def save_outcomes(
    actor: User,
    report: MonitoringReport,
    *,
    reach: dict[str, int | None],
    values: dict[int, tuple[int | None, str | None, str | None]],
) -> None:
    """People reached by each beneficiary group the application named, and progress on each of
    its outcomes: ``{outcome_id: (actual, comment, progress)}`` (an actual value and a comment
    for an indicator outcome, progress in words for the group's own). Every question is
    answered, or nothing is saved."""
    access.check_may_edit(actor, report)
    application = report.award.application
    outcomes = {outcome.id: outcome for outcome in application.outcomes}
    if any(group not in (application.beneficiary_groups or []) for group in reach):
        raise DomainError("Give numbers only for the groups your application named")
    if any(outcome_id not in outcomes for outcome_id in values):
        raise DomainError("Choose outcomes from this project's outcomes")
    errors = outcome_problems(report, reach=reach, values=values)
    if errors:
        raise InvalidInput(errors)
    saved = {value.outcome_id: value for value in report.outcome_values}
    before = {
        "reach": dict(report.reach or {}),
        "values": {str(k): [v.actual_value, v.comment, v.progress] for k, v in saved.items()},
    }
    report.reach = {group: reach[group] for group in application.beneficiary_groups or []}
    for outcome_id, outcome in outcomes.items():
        actual, comment, progress = values[outcome_id]
        value = saved.get(outcome_id)
        if value is None:
            value = ReportOutcomeValue(outcome_id=outcome_id)
            report.outcome_values.append(value)
        if outcome.is_measured:
            value.actual_value, value.comment, value.progress = actual, _text(comment), None
        else:
            value.actual_value, value.comment, value.progress = None, None, _text(progress)
    after = {
        "reach": report.reach,
        "values": {str(k): list(values[k]) for k in outcomes},
    }
    _saved(actor, report, sections.OUTCOMES, before, after)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def answer_problems(report: MonitoringReport, values: dict[str, Any]) -> dict[str, str]:
    """Answers that break their question's rules (the application's rules), by form field."""
    questions = {q.id: q for q in sections.questions_of(report)}
    errors = {}
    for key, value in values.items():
        question = questions.get(key)
        problem = _answer_problem(question, value) if question else None
        if problem:
            errors[question.field_name] = problem
    return errors


def save_answers(actor: User, report: MonitoringReport, values: dict[str, Any]) -> None:
    """Answers to the template's own questions (the version the report started on), by key;
    checked by the same rules as an application's answers. Keys it does not ask are ignored."""
    access.check_may_edit(actor, report)
    errors = answer_problems(report, values)
    if errors:
        raise InvalidInput(errors)
    asked = {q.id for q in sections.questions_of(report)}
    before = dict(report.answers or {})
    answers = dict(report.answers or {})
    for key, value in values.items():
        if key in asked:
            answers[key] = value.isoformat() if isinstance(value, date) else value
    report.answers = answers
    _saved(actor, report, sections.QUESTIONS, before, answers)
