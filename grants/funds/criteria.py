"""A round's weighted scoring criteria: what the panel scores applications against.

Criteria may be added, changed, removed and reordered until the panel starts scoring (see
grants.funds.locks.criteria_lock_reason); after that, changing them would make scores already
given mean something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grants import audit, limits
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.funds import ordering
from grants.funds.locks import criteria_lock_reason
from grants.funds.models import Criterion, Round
from grants.funds.services import check_can_manage
from grants.reference.models import Principle

MAX_WEIGHT = 100
MAX_SCORE = 10
_LEVEL_LINE = re.compile(r"^(?P<score>\d{1,2})\s*[:.\-–]\s*(?P<text>.+)$", re.ASCII)


@dataclass
class CriterionDetails:
    name: str
    level_guidance: str  # one line per score: "0: No evidence"
    weight: int
    max_score: int
    principle_id: int | None = None


def parse_level_guidance(text: str, max_score: int) -> dict[str, str]:
    """'0: No evidence\\n1: Some evidence' -> {"0": "No evidence", "1": "Some evidence"}.

    Every score from 0 to ``max_score`` needs its own line, so panel members scoring apart from
    each other read the same meaning into the same number.
    """
    levels: dict[str, str] = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = _LEVEL_LINE.match(line)
        if not match:
            raise DomainError(
                "Start each line with a score and a colon, like 0: No evidence",
                field="level_guidance",
            )
        score, meaning = int(match["score"]), match["text"].strip()
        if score > max_score:
            raise DomainError(
                f"Scores must be from 0 to {max_score}, the maximum score", field="level_guidance"
            )
        if str(score) in levels:
            raise DomainError(f"Give guidance for score {score} only once", field="level_guidance")
        if len(meaning) > 500:
            raise DomainError(
                "Guidance for each score must be 500 characters or fewer", field="level_guidance"
            )
        levels[str(score)] = meaning
    missing = [str(score) for score in range(max_score + 1) if str(score) not in levels]
    if missing:
        raise DomainError(
            f"Give guidance for every score from 0 to {max_score}. Missing: {', '.join(missing)}",
            field="level_guidance",
        )
    return {str(score): levels[str(score)] for score in range(max_score + 1)}


def format_level_guidance(levels: dict[str, str]) -> str:
    ordered = sorted(levels.items(), key=lambda item: int(item[0]))
    return "\n".join(f"{score}: {meaning}" for score, meaning in ordered)


def check_unlocked(round_: Round) -> None:
    reason = criteria_lock_reason(round_)
    if reason:
        raise DomainError(reason)


def get_criterion(round_: Round, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.round_id != round_.id:
        raise NotFound("Criterion not found")
    return criterion


def criterion_errors(details: CriterionDetails) -> dict[str, str]:
    """Every problem with a criterion's details, field by field.

    A form calls this even when some answers failed its own checks (those are None here), so an
    officer sees every problem on the first submit: a rule whose answers are missing is skipped.
    """
    errors: dict[str, str] = {}
    name = (details.name or "").strip()
    if not name:
        errors["name"] = "Enter the criterion's name"
    elif len(name) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    if details.weight is None or not 1 <= details.weight <= MAX_WEIGHT:
        errors["weight"] = f"Weight must be a whole number from 1 to {MAX_WEIGHT}"
    if details.max_score is None or not 1 <= details.max_score <= MAX_SCORE:
        errors["max_score"] = f"Maximum score must be a whole number from 1 to {MAX_SCORE}"
    elif (details.level_guidance or "").strip():
        try:
            parse_level_guidance(details.level_guidance, details.max_score)
        except DomainError as error:
            errors["level_guidance"] = error.message
    if details.principle_id is not None and (
        details.principle_id > 2**31 - 1  # beyond the id column: no such principle
        or db.session.get(Principle, details.principle_id) is None
    ):
        errors["principle_id"] = "Select a principle from the list"
    return errors


def save_criterion(
    actor, round_: Round, criterion: Criterion | None, details: CriterionDetails
) -> Criterion:
    """Add a criterion at the end of the list (``criterion`` None) or change one."""
    check_can_manage(actor)
    check_unlocked(round_)
    errors = criterion_errors(details)
    if errors:
        raise InvalidInput(errors)
    before = criterion.audit_view() if criterion else None
    if criterion is None:
        limits.make_room(
            round_,
            Criterion.round_id,
            limits.MAX_CRITERIA,
            f"A round can have up to {limits.MAX_CRITERIA} criteria. Remove one to add another",
            field="name",
        )
        criterion = Criterion(round=round_, position=ordering.next_position(round_.criteria))
        db.session.add(criterion)
    criterion.name = details.name.strip()
    criterion.level_guidance = parse_level_guidance(details.level_guidance, details.max_score)
    criterion.weight = details.weight
    criterion.max_score = details.max_score
    criterion.principle_id = details.principle_id
    db.session.flush()
    action = "criterion.updated" if before else "criterion.created"
    audit.record(actor, action, criterion, before=before, after=criterion.audit_view())
    db.session.flush()
    return criterion


def remove_criterion(actor, round_: Round, criterion: Criterion) -> None:
    check_can_manage(actor)
    check_unlocked(round_)
    before = criterion.audit_view()
    remaining = [c for c in round_.criteria if c is not criterion]
    round_.criteria.remove(criterion)
    ordering.renumber(sorted(remaining, key=lambda c: (c.position, c.id)))
    audit.record(actor, "criterion.removed", criterion, before=before)
    db.session.flush()


def move_criterion(actor, round_: Round, criterion: Criterion, direction: str) -> None:
    """Move a criterion up or down one place. Moving past either end changes nothing."""
    check_can_manage(actor)
    check_unlocked(round_)
    before = [c.id for c in sorted(round_.criteria, key=lambda c: c.position)]
    if not ordering.move(round_.criteria, criterion, direction):
        return
    after = [c.id for c in sorted(round_.criteria, key=lambda c: c.position)]
    audit.record(
        actor,
        "criteria.reordered",
        round_,
        before={"criteria": before},
        after={"criteria": after},
    )
    db.session.flush()
    db.session.expire(round_, ["criteria"])  # reload in the new order
