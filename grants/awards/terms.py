"""A round's award terms, set by finance: when an award is paid in one go, how larger awards are
split into instalments and what releases each, how long an offer stays open, and the standard
terms printed in every grant agreement.

Terms apply to offers made from then on. An award already offered keeps the schedule and the
agreement it was sent (its payments are its own rows, its issued PDF is kept); awards still being
prepared in the round are rescheduled at once, so what finance sends matches the terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from grants import audit
from grants.accounts.models import User
from grants.awards import services
from grants.awards.access import check_finance
from grants.awards.models import REPORT_FOR_CONDITION, Award, AwardTerms, ReleaseCondition
from grants.awards.schedule import terms_for
from grants.awards.states import AwardStatus
from grants.errors import InvalidInput
from grants.extensions import db
from grants.funds.models import Round

MAX_INSTALMENTS = 4
MAX_OFFER_VALID_DAYS = 365
TERMS_MAX_LENGTH = 20_000
MAX_LIMIT_PENCE = 10**13  # £100 billion: past any budget, inside a 64-bit column


@dataclass
class Instalment:
    percent: int | None
    condition: str | None


@dataclass
class TermsInput:
    """What finance typed. None means "not answered"."""

    single_payment_limit_pence: int | None
    offer_valid_days: int | None
    terms: str | None
    instalments: list[Instalment] = field(default_factory=list)


def _instalment_errors(rows: list[Instalment]) -> tuple[list[dict], dict[str, str]]:
    """The instalments given (a row left blank is no instalment) and what is wrong with them,
    against the row's own fields, or ``instalments`` for the schedule as a whole."""
    errors: dict[str, str] = {}
    chosen: list[dict] = []
    conditions = {c.value for c in ReleaseCondition}
    for number, row in enumerate(rows[:MAX_INSTALMENTS], start=1):
        if row.percent is None and not row.condition:
            continue
        if row.percent is None:
            errors[f"percent_{number}"] = f"Enter the percentage paid in instalment {number}"
        elif not 1 <= row.percent <= 100:
            errors[f"percent_{number}"] = (
                f"The percentage for instalment {number} must be between 1 and 100"
            )
        if row.condition not in conditions:
            errors[f"condition_{number}"] = f"Choose what releases instalment {number}"
        if f"percent_{number}" not in errors and f"condition_{number}" not in errors:
            chosen.append({"percent": row.percent, "condition": row.condition})
    if errors:
        return chosen, errors
    if not chosen:
        errors["instalments"] = "Enter at least one instalment"
    elif sum(step["percent"] for step in chosen) != 100:
        total = sum(step["percent"] for step in chosen)
        errors["instalments"] = f"The instalments must add up to 100%; they add up to {total}%"
    for condition in REPORT_FOR_CONDITION:
        if sum(1 for step in chosen if step["condition"] == condition.value) > 1:
            errors["instalments"] = (
                f"Only one instalment can be paid {condition.label[0].lower()}{condition.label[1:]}"
            )
    return chosen, errors


def terms_errors(answer: TermsInput) -> tuple[list[dict], dict[str, str]]:
    chosen, errors = _instalment_errors(answer.instalments)
    limit = answer.single_payment_limit_pence
    if limit is None:
        errors["single_payment_limit"] = "Enter the largest award paid in one instalment"
    elif limit < 0:
        errors["single_payment_limit"] = "The single payment limit must be £0 or more"
    elif limit > MAX_LIMIT_PENCE:
        errors["single_payment_limit"] = "Enter a smaller single payment limit"
    days = answer.offer_valid_days
    if days is None:
        errors["offer_valid_days"] = "Enter how many days an offer stays open"
    elif not 1 <= days <= MAX_OFFER_VALID_DAYS:
        errors["offer_valid_days"] = (
            f"An offer must stay open for between 1 and {MAX_OFFER_VALID_DAYS} days"
        )
    if len(answer.terms or "") > TERMS_MAX_LENGTH:
        errors["terms"] = f"Standard terms must be {TERMS_MAX_LENGTH:,} characters or fewer"
    return chosen, errors


def save_terms(actor: User, round_: Round, answer: TermsInput) -> AwardTerms:
    """Create or update the round's terms (audited before and after), then reschedule the
    round's awards still being prepared."""
    check_finance(actor)
    chosen, errors = terms_errors(answer)
    if errors:
        raise InvalidInput(errors)
    terms = db.session.scalar(select(AwardTerms).where(AwardTerms.round_id == round_.id))
    before = terms.audit_view() if terms else None
    if terms is None:
        terms = AwardTerms(round_id=round_.id)
        db.session.add(terms)
    terms.single_payment_limit_pence = answer.single_payment_limit_pence
    terms.instalments = chosen
    terms.offer_valid_days = answer.offer_valid_days
    terms.terms = (answer.terms or "").strip()
    db.session.flush()
    preparing = db.session.scalars(
        select(Award)
        .where(Award.round_id == round_.id, Award.status == AwardStatus.PREPARING)
        .order_by(Award.id)
    ).all()
    for award in preparing:
        services.reschedule(award)
    db.session.flush()
    audit.record(
        actor,
        "award_terms.saved",
        terms,
        before=before,
        after={**terms.audit_view(), "rescheduled_awards": [a.id for a in preparing]},
    )
    return terms


def current_terms(round_: Round) -> AwardTerms:
    """The round's saved terms, or the defaults it would use (not saved)."""
    return terms_for(round_.id)
