"""Offers: finance sends the offer letter and grant agreement, reissues or withdraws it; the group
accepts online or declines; finance records an acceptance or a decline that came on paper; offers
not accepted in time expire.

Every move is claimed first (``transaction.claim``), so a double click or two people at once
change the award once and issue one document; the loser is told what already happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from grants import audit
from grants.accounts.models import User
from grants.applications.services import email_group
from grants.awards import access, documents, schedule, services
from grants.awards.models import Award, AwardDocument, DocumentKind
from grants.awards.states import Actor, AwardStatus
from grants.clock import uk_to_utc, uk_today, utc_to_uk, utcnow
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.formatting import long_date
from grants.transaction import claim

S = AwardStatus
NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2_000
ALREADY_SENT = "The offer has already been sent"
ALREADY_ACCEPTED = "You have already accepted this offer"
Link = Callable[[Award], str]


def has_lapsed(award: Award, today: date | None = None) -> bool:
    """An offer past its expiry date, whether or not the nightly expiry has run yet: nobody may
    accept it, and every page says it expired."""
    return (
        award.status == S.OFFERED
        and award.offer_expires_on is not None
        and award.offer_expires_on < (today or uk_today())
    )


def is_awaiting_acceptance(award: Award) -> bool:
    return award.status == S.OFFERED and not has_lapsed(award)


def _text_errors(values: dict[str, tuple[str | None, str, str, int]]) -> tuple[dict, dict]:
    """Stripped answers, and a message for each one missing or too long:
    ``{field: (answer, what to enter, its name, limit)}``."""
    cleaned, errors = {}, {}
    for field, (value, missing, label, limit) in values.items():
        cleaned[field] = (value or "").strip()
        if not cleaned[field]:
            errors[field] = missing
        elif len(cleaned[field]) > limit:
            errors[field] = f"{label} must be {limit:,} characters or fewer"
    return cleaned, errors


def _claim(award: Award, status: AwardStatus, lost: str) -> None:
    """Lock the award while it still has ``status``; a request that lost the race is told what
    happened instead of acting twice."""
    if not claim(award, status=status):
        raise DomainError(lost)


def acceptance_refusal(award: Award) -> DomainError:
    """Why the group cannot answer the offer now."""
    if award.accepted_at is not None:
        return DomainError(ALREADY_ACCEPTED)
    if has_lapsed(award) or award.status == S.EXPIRED:
        return DomainError(
            f"This offer expired on {long_date(award.offer_expires_on)}. "
            f"Contact {award.round.fund.funder_name} if you still want the grant"
        )
    if award.status == S.PREPARING:
        return DomainError("Your offer is still being prepared")
    return DomainError(f"This offer can no longer be answered: {award.status.label.lower()}")


def _email(award: Award, subject: str, template: str, **context) -> None:
    email_group(award.application, subject, template, award=award, **context)


def _email_accepted(award: Award, link_for: Link, bank_link_for: Link | None) -> None:
    """The group's confirmation, with its next step: giving the bank details to pay into."""
    _email(
        award,
        "Your grant agreement has been countersigned",
        "award_accepted",
        link=link_for(award),
        bank_link=bank_link_for(award) if bank_link_for else None,
    )


def _issue(actor: User, award: Award, link_for: Link) -> AwardDocument:
    """A new offer: new expiry date, the letter and agreement drawn and kept as the next version,
    the group emailed the link (a group without email is posted the printed PDF)."""
    terms = schedule.terms_for(award.round_id)
    award.offer_expires_on = uk_today() + timedelta(days=terms.offer_valid_days)
    award.offered_terms = terms.terms  # what the group agrees to, whatever the round says later
    return documents.issue_offer(actor, award, accept_link=link_for(award))


def send_offer(actor: User, award: Award, link_for: Link) -> AwardDocument:
    """Send the offer letter and grant agreement. The round's budget is checked under its lock, so
    two offers at once cannot together take it over budget."""
    access.check_finance(actor, award)
    if award.status != S.PREPARING:
        raise DomainError(
            ALREADY_SENT if award.status == S.OFFERED else "This award cannot be offered"
        )
    _claim(award, S.PREPARING, ALREADY_SENT)
    if award.increase_awaits_approval:  # read again under the claim: an adjust a moment ago
        raise DomainError(
            "The amount is more than the panel decided: another finance officer must approve it "
            "before the offer is sent"
        )
    services.check_budget(award, award.current_amount_pence)
    document = _issue(actor, award, link_for)
    services.move(
        actor,
        award,
        S.OFFERED,
        Actor.FINANCE,
        action="award.offered",
        offered_at=utcnow(),
        offered_by_id=actor.id,
    )
    _email(award, "Your grant offer", "award_offer", link=link_for(award))
    return document


def reissue(
    actor: User,
    award: Award,
    reason: str | None,
    link_for: Link,
    *,
    seen_version: int | None = None,
) -> AwardDocument:
    """Issue the offer again as a new version with a new expiry date (say, the group lost it, or
    it lapsed). Earlier versions stay as they were. ``seen_version`` is the version the officer
    was looking at: a second click, arriving after the first made a new one, changes nothing."""
    access.check_finance(actor, award)
    if award.status != S.OFFERED:
        raise DomainError("Only an offer waiting for the group's answer can be reissued")
    cleaned, errors = _text_errors(
        {
            "reason": (
                reason,
                "Enter why the offer is being reissued",
                "The reason",
                REASON_MAX_LENGTH,
            )
        }
    )
    if errors:
        raise InvalidInput(errors)
    _claim(award, S.OFFERED, "The offer has been answered, so it cannot be reissued")
    current = documents.latest(award, DocumentKind.OFFER)
    if seen_version is not None and current is not None and current.version != seen_version:
        raise DomainError(f"The offer has already been reissued (version {current.version})")
    before = award.audit_view()
    document = _issue(actor, award, link_for)
    db.session.flush()
    audit.record(
        actor,
        "award.reissued",
        award,
        before=before,
        after={**award.audit_view(), "reason": cleaned["reason"], "version": document.version},
    )
    _email(
        award,
        "Your grant offer has been reissued",
        "award_reissued",
        link=link_for(award),
        reason=cleaned["reason"],
    )
    return document


@dataclass
class Acceptance:
    full_name: str | None
    role: str | None
    confirmed: bool


def _signatory_errors(name, role, whose: str = "your") -> tuple[dict, dict[str, str]]:
    return _text_errors(
        {
            "full_name": (name, f"Enter {whose} full name", "Full name", NAME_MAX_LENGTH),
            "role": (role, f"Enter {whose} role in the group", "Role", NAME_MAX_LENGTH),
        }
    )


def accept(
    actor: User, award: Award, answer: Acceptance, link_for: Link, bank_link_for: Link | None = None
) -> AwardDocument:
    """The group's signatory accepts the offer online: the award becomes accepted and the
    countersigned agreement is issued to both sides. Accepting twice does nothing the second
    time."""
    access.check_group_member(actor, award)
    if not is_awaiting_acceptance(award):
        raise acceptance_refusal(award)
    cleaned, errors = _signatory_errors(answer.full_name, answer.role)
    if not answer.confirmed:
        errors["confirmed"] = "Confirm that you are authorised to accept this grant"
    if errors:
        raise InvalidInput(errors)
    _claim(award, S.OFFERED, ALREADY_ACCEPTED)
    offer = documents.latest(award, DocumentKind.OFFER)
    services.move(
        actor,
        award,
        S.ACCEPTED,
        Actor.GROUP,
        action="award.accepted",
        accepted_at=utcnow(),
        accepted_by_id=actor.id,
        signatory_name=cleaned["full_name"],
        signatory_role=cleaned["role"],
        accepted_on_paper=False,
    )
    document = documents.issue_countersigned(actor, award, offer)
    _email_accepted(award, link_for, bank_link_for)
    return document


def signed_on_errors(award: Award, signed_on: date | None) -> dict[str, str]:
    """A paper acceptance's date: not in the future, not before the offer was sent, and not
    after it expired."""
    offered_on = utc_to_uk(award.offered_at).date() if award.offered_at else None
    if signed_on is None:
        return {"signed_on": "Enter the date the agreement was signed"}
    if signed_on > uk_today():
        return {"signed_on": "The date signed must be today or in the past"}
    if offered_on and signed_on < offered_on:
        return {
            "signed_on": f"The date signed must be on or after {long_date(offered_on)}, "
            "when the offer was sent"
        }
    if award.offer_expires_on and signed_on > award.offer_expires_on:
        return {
            "signed_on": f"The offer expired on {long_date(award.offer_expires_on)}, "
            "before this date"
        }
    return {}


@dataclass
class PaperAcceptance:
    full_name: str | None
    role: str | None
    signed_on: date | None
    scan: object | None  # an uploaded file


def record_paper_acceptance(
    actor: User,
    award: Award,
    answer: PaperAcceptance,
    link_for: Link,
    bank_link_for: Link | None = None,
) -> AwardDocument:
    """Finance records an acceptance signed on paper, with the scan of the signed page."""
    access.check_finance(actor, award)
    if award.status != S.OFFERED:
        raise DomainError("Only an offer waiting for the group's answer can be accepted")
    cleaned, errors = _signatory_errors(answer.full_name, answer.role, "the signatory's")
    errors.update(signed_on_errors(award, answer.signed_on))
    try:
        documents.store_upload(actor, award, answer.scan)
    except DomainError as error:
        errors[error.field or "scan"] = error.message
    if errors:
        raise InvalidInput(errors)
    _claim(award, S.OFFERED, "The offer has already been answered")
    offer = documents.latest(award, DocumentKind.OFFER)
    services.move(
        actor,
        award,
        S.ACCEPTED,
        Actor.FINANCE,
        action="award.accepted_on_paper",
        accepted_at=uk_to_utc(answer.signed_on, time(12)),
        accepted_by_id=None,
        signatory_name=cleaned["full_name"],
        signatory_role=cleaned["role"],
        accepted_on_paper=True,
    )
    document = documents.issue_countersigned(actor, award, offer)
    _email_accepted(award, link_for, bank_link_for)
    return document


def _end(
    actor: User,
    award: Award,
    target: AwardStatus,
    who: Actor,
    action: str,
    reason: str | None,
    missing: str,
    lost: str,
) -> None:
    cleaned, errors = _text_errors({"reason": (reason, missing, "The reason", REASON_MAX_LENGTH)})
    if errors:
        raise InvalidInput(errors)
    _claim(award, award.status, lost)
    services.move(
        actor,
        award,
        target,
        who,
        action=action,
        ended_reason=cleaned["reason"],
        ended_at=utcnow(),
        ended_by_id=actor.id,
    )


def decline(actor: User, award: Award, reason: str | None) -> Award:
    """The group turns the offer down, saying why; finance sees the reason on the award."""
    access.check_group_member(actor, award)
    if not is_awaiting_acceptance(award):
        raise acceptance_refusal(award)
    _end(
        actor,
        award,
        S.DECLINED,
        Actor.GROUP,
        "award.declined",
        reason,
        "Enter why you are declining the offer",
        "This offer has already been answered",
    )
    return award


def record_decline(actor: User, award: Award, reason: str | None) -> Award:
    """Finance records a decline the group sent by letter or said by phone."""
    access.check_finance(actor, award)
    if award.status != S.OFFERED:
        raise DomainError("Only an offer waiting for the group's answer can be declined")
    _end(
        actor,
        award,
        S.DECLINED,
        Actor.FINANCE,
        "award.declined",
        reason,
        "Enter why the group declined the offer",
        "This offer has already been answered",
    )
    return award


def withdraw(actor: User, award: Award, reason: str | None, link_for: Link) -> Award:
    """The council withdraws the award before it is accepted; a group that had the offer is
    told."""
    access.check_finance(actor, award)
    if award.status not in (S.PREPARING, S.OFFERED):
        raise DomainError("Only an award not yet accepted can be withdrawn")
    was_offered = award.status == S.OFFERED
    _end(
        actor,
        award,
        S.WITHDRAWN,
        Actor.FINANCE,
        "award.withdrawn",
        reason,
        "Enter why the award is being withdrawn",
        "The award has changed; check it again",
    )
    if was_offered:
        _email(
            award, "Your grant offer has been withdrawn", "award_withdrawn", link=link_for(award)
        )
    return award


def expire_due(today: date, link_for: Link | None = None) -> list[Award]:
    """Every offer whose expiry date has passed becomes expired, and its group is told. Run daily
    by ``flask expire-offers``; running it twice expires nothing twice."""
    due = db.session.scalars(
        select(Award)
        .where(Award.status == S.OFFERED, Award.offer_expires_on < today)
        .order_by(Award.id)
    ).all()
    expired = []
    for award in due:
        if not claim(award, status=S.OFFERED):
            continue
        services.move(
            None, award, S.EXPIRED, Actor.SYSTEM, action="award.expired", ended_at=utcnow()
        )
        _email(
            award,
            "Your grant offer has expired",
            "award_expired",
            link=link_for(award) if link_for else None,
        )
        expired.append(award)
    return expired
