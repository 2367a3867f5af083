"""A round's own questions, asked of every group that applies.

Before anyone applies, questions can change freely. Once a group has started an application, an
answer may already exist for each question, so a question's type, its choices and whether it must
be answered are fixed, and questions cannot be removed. Wording and hints can still be corrected,
questions reordered, word limits raised and optional questions added: none of that invalidates an
answer already given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grants import audit, limits
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.funds import ordering
from grants.funds.locks import has_applications
from grants.funds.models import Question, QuestionKind, Round
from grants.funds.services import check_can_manage

CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
MAX_WORD_LIMIT = 5000
MAX_OPTIONS = 30
STARTED = "Groups have started applying to this round"


@dataclass
class QuestionDetails:
    label: str
    kind: str
    hint: str = ""
    required: bool = True
    word_limit: int | None = None
    options: list[str] = field(default_factory=list)


def options_from_text(text: str | None) -> list[str]:
    """One choice per line; blank lines are ignored."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def get_question(round_: Round, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.round_id != round_.id:
        raise NotFound("Question not found")
    return question


def _option_errors(options: list[str]) -> str | None:
    if len(options) < 2:
        return "Enter at least 2 choices, one on each line"
    if len(options) > MAX_OPTIONS:
        return f"Enter {MAX_OPTIONS} choices or fewer"
    if any(len(option) > 200 for option in options):
        return "Each choice must be 200 characters or fewer"
    if len({option.lower() for option in options}) != len(options):
        return "Each choice must be different"
    return None


def _checked(details: QuestionDetails) -> tuple[dict[str, str], QuestionKind | None]:
    errors: dict[str, str] = {}
    try:
        kind = QuestionKind(details.kind)
    except ValueError:
        return {"kind": "Select the type of answer"}, None
    label = (details.label or "").strip()
    if not label:
        errors["label"] = "Enter the question"
    elif len(label) > 300:
        errors["label"] = "Question must be 300 characters or fewer"
    if len(details.hint or "") > 1000:
        errors["hint"] = "Hint must be 1,000 characters or fewer"
    if kind == QuestionKind.LONG_TEXT:
        limit = details.word_limit
        if limit is None:
            errors["word_limit"] = "Enter a word limit for a long text answer"
        elif not 1 <= limit <= MAX_WORD_LIMIT:
            errors["word_limit"] = f"Word limit must be a whole number from 1 to {MAX_WORD_LIMIT:,}"
    if kind in CHOICE_KINDS:
        problem = _option_errors(details.options)
        if problem:
            errors["options"] = problem
    return errors, kind


def _lock_errors(
    question: Question | None, details: QuestionDetails, kind: QuestionKind
) -> dict[str, str]:
    if question is None:
        if details.required:
            return {"required": f"{STARTED}, so a new question must be optional"}
        return {}
    errors: dict[str, str] = {}
    if kind != question.kind:
        errors["kind"] = f"{STARTED}, so the type of answer cannot change"
    if kind in CHOICE_KINDS and details.options != list(question.options or []):
        errors["options"] = f"{STARTED}, so the choices cannot change"
    if details.required != question.required:
        errors["required"] = f"{STARTED}, so whether it must be answered cannot change"
    old_limit, new_limit = question.word_limit, details.word_limit
    if kind == QuestionKind.LONG_TEXT and old_limit and new_limit and new_limit < old_limit:
        errors["word_limit"] = f"{STARTED}, so the word limit can be raised but not lowered"
    return errors


def question_errors(
    round_: Round, question: Question | None, details: QuestionDetails
) -> dict[str, str]:
    """Every problem with a new (``question`` None) or changed question, field by field.

    A form calls this even when some answers failed its own checks, so an officer sees every
    problem on the first submit.
    """
    errors, kind = _checked(details)
    if kind is not None and has_applications(round_):
        errors = {**errors, **_lock_errors(question, details, kind)}
    return errors


def save_question(
    actor, round_: Round, question: Question | None, details: QuestionDetails
) -> Question:
    """Add a question at the end (``question`` None) or change one, within the locks above."""
    check_can_manage(actor)
    errors = question_errors(round_, question, details)
    if errors:
        raise InvalidInput(errors)
    kind = QuestionKind(details.kind)
    before = question.audit_view() if question else None
    if question is None:
        limits.make_room(
            round_,
            Question.round_id,
            limits.MAX_QUESTIONS,
            f"A round can ask up to {limits.MAX_QUESTIONS} questions. Remove one to add another",
            field="label",
        )
        question = Question(round=round_, position=ordering.next_position(round_.questions))
        db.session.add(question)
    question.kind = kind
    question.label = details.label.strip()
    question.hint = (details.hint or "").strip()
    question.required = details.required
    question.word_limit = details.word_limit if kind == QuestionKind.LONG_TEXT else None
    question.options = list(details.options) if kind in CHOICE_KINDS else []
    db.session.flush()
    action = "question.updated" if before else "question.created"
    audit.record(actor, action, question, before=before, after=question.audit_view())
    db.session.flush()
    return question


def removal_lock_reason(round_: Round) -> str | None:
    if has_applications(round_):
        return (
            f"{STARTED}, so its questions cannot be removed: groups may have answered them. "
            "You can still correct a question's wording"
        )
    return None


def remove_question(actor, round_: Round, question: Question) -> None:
    check_can_manage(actor)
    reason = removal_lock_reason(round_)
    if reason:
        raise DomainError(reason)
    before = question.audit_view()
    remaining = [q for q in round_.questions if q is not question]
    round_.questions.remove(question)
    ordering.renumber(sorted(remaining, key=lambda q: (q.position, q.id)))
    audit.record(actor, "question.removed", question, before=before)
    db.session.flush()


def move_question(actor, round_: Round, question: Question, direction: str) -> None:
    """Move a question up or down one place. Allowed at any time: order changes no answer."""
    check_can_manage(actor)
    before = [q.id for q in sorted(round_.questions, key=lambda q: q.position)]
    if not ordering.move(round_.questions, question, direction):
        return
    after = [q.id for q in sorted(round_.questions, key=lambda q: q.position)]
    audit.record(
        actor,
        "questions.reordered",
        round_,
        before={"questions": before},
        after={"questions": after},
    )
    db.session.flush()
    db.session.expire(round_, ["questions"])  # reload in the new order
