"""The panel's decision on each application, and the round's budget that decisions can never
exceed.

The budget rule holds under concurrency: before adding up what is already committed, the decision
takes the round row's lock (a no-op UPDATE: PostgreSQL's row lock, SQLite's write lock), so two
officers deciding at once are put in order and the second sees the first's award.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from grants import audit
from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import SET_ASIDE, ApplicationStatus
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput, NotFound
from grants.extensions import db
from grants.funds.models import Round
from grants.money import format_pence
from grants.panels import addenda, decision_history, freeze, meetings
from grants.panels.meeting_models import FUNDING, Decision, DecisionOutcome, DeclineReason
from grants.panels.models import Panel
from grants.panels.record_models import RecordKind
from grants.screening import access as screening_access

TEXT_MAX_LENGTH = 5000
MAX_CONDITIONS = 20
# Decisions are made on these; a reserve-list application may later be funded or declined.
DECIDABLE = frozenset({ApplicationStatus.IN_PANEL_REVIEW, ApplicationStatus.RESERVE})
ALREADY_DECIDED = "This application has already been decided"
JUST_DECIDED = (
    "Another officer has just recorded a decision on this application. Check it, and give a "
    "reason if you change it"
)


@dataclass(frozen=True)
class DecisionInput:
    """What the officer chose, as the form gave it (amounts already in pence)."""

    outcome: str | DecisionOutcome | None
    rationale: str | None = None
    amount_pence: int | None = None
    reduced_reason: str | None = None
    conditions: str | None = None  # one a line
    decline_reason_id: int | None = None
    decline_detail: str | None = None
    departure_rationale: str | None = None
    change_reason: str | None = None  # needed when a decision already exists


def application_of(panel: Panel, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != panel.round_id:
        raise NotFound("That application is not with this panel")
    return application


def decide(actor: User, panel: Panel, application: Application, choice: DecisionInput) -> Decision:
    """Record the panel's decision. The application moves through its life cycle when the
    decision is released to the group (``feedback.release``), so nobody learns it early.

    Refused without quorum (unless overridden), for an application not with the panel, when a
    funding decision would take the round over budget, and when a decision departs from the
    ranking without its own rationale.

    A change to an existing decision needs a reason. It is kept as a new version beside the
    earlier ones (never in their place); its feedback then waits for review, and once the
    panel's work is frozen (released or meeting closed) the change is an addendum to the record.
    """
    meetings.check_officer(actor)
    screening_access.check_may_decide(actor, application)
    if application.round_id != panel.round_id:
        raise NotFound("That application is not with this panel")
    if application.status not in DECIDABLE:
        raise DomainError(
            ALREADY_DECIDED
            if application.status in _DECIDED_STATUSES
            else "Only an application with the panel can be decided"
        )
    if application.status == ApplicationStatus.RESERVE:
        # A reserve-list place funded or declined later, when money is found or the round
        # ends: the officer acts on the meeting's decision, so no meeting need be open.
        meeting = meetings.meeting_of(panel)
    else:
        meeting = meetings.check_may_decide(meetings.meeting_of(panel))
    changing = decision_history.has_decision(application)
    frozen = freeze.is_frozen(application)
    outcome, fields = check_choice(application, choice, changing=changing)
    ranking = meetings.ranked_list(panel)
    rank = ranking.rank_of(application.id)
    departs = departs_from_ranking(ranking, application.id, outcome)
    departure_rationale = _text(choice.departure_rationale)
    if departs and not departure_rationale:
        raise InvalidInput(
            {
                "departure_rationale": "This decision departs from the ranking. Enter why the "
                "panel decided differently"
            }
        )
    round_ = lock_round(application.round_id)
    decision = db.session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id)
        .execution_options(populate_existing=True)
    )
    if decision is not None and not decision.can_be_decided_again:
        raise DomainError(ALREADY_DECIDED)
    if decision is not None and not changing:  # recorded by someone else since we looked
        raise DomainError(JUST_DECIDED, field="outcome")
    _check_budget(round_, application, fields["amount_pence"])
    before = decision.audit_view() if decision else None
    earlier = (decision.outcome, decision.amount_pence) if decision else None
    if decision is None:
        decision = Decision(application_id=application.id, version=0)
        db.session.add(decision)
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.outcome = outcome
    decision.meeting_id = meeting.id
    decision.departs_from_ranking = departs
    decision.departure_rationale = departure_rationale if departs else None
    decision.rank_at_decision = rank
    decision.ranking_method = panel.ranking_method
    decision.decided_by_id = actor.id
    decision.decided_at = utcnow()
    decision.released_at = None  # a reserve decided again is told again
    decision.released_by_id = None
    decision.version = (decision.version or 0) + 1
    change_reason = _text(choice.change_reason) if earlier else None
    db.session.flush()
    db.session.add(decision_history.new_version(decision, actor, change_reason))
    db.session.flush()
    db.session.expire(decision, ["versions"])
    audit.record(
        actor,
        "decision.recorded",
        decision,
        before=before,
        after={**decision.audit_view(), "version": decision.version, "reason": change_reason},
    )
    if frozen and earlier:
        addenda.add_addendum(
            meeting,
            RecordKind.DECISION_CHANGED,
            decision_history.change_text(decision, earlier, change_reason, actor),
            actor,
        )
    return decision


_DECIDED_STATUSES = frozenset(
    {ApplicationStatus.FUNDED, ApplicationStatus.FUNDED_WITH_CONDITIONS, ApplicationStatus.DECLINED}
)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:TEXT_MAX_LENGTH] or None


def check_choice(
    application: Application, choice: DecisionInput, *, changing: bool = False
) -> tuple[DecisionOutcome, dict]:
    """Every problem with the choice at once, or the outcome and the decision's fields. A change
    to an existing decision (``changing``) needs its reason."""
    errors: dict[str, str] = {}
    if changing and not _text(choice.change_reason):
        errors["change_reason"] = "Enter why the decision is changing"
    try:
        outcome = DecisionOutcome(choice.outcome)
    except ValueError:
        raise InvalidInput({"outcome": "Choose a decision", **errors}) from None
    if application.status == ApplicationStatus.RESERVE and outcome == DecisionOutcome.RESERVE:
        raise InvalidInput({"outcome": "The application is already on the reserve list", **errors})
    requested = application.amount_requested_pence
    fields = {
        "rationale": _text(choice.rationale),
        "amount_pence": requested if outcome.is_funding else 0,
        "reduced_reason": None,
        "conditions": [],
        "decline_reason_id": None,
        "decline_detail": None,
    }
    if not fields["rationale"]:
        errors["rationale"] = "Enter the panel's rationale for the decision"
    if outcome == DecisionOutcome.FUND_REDUCED:
        amount = choice.amount_pence
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            errors["amount"] = "Enter the reduced amount to award"
        elif amount >= requested:
            errors["amount"] = (
                f"The reduced amount must be less than the {format_pence(requested)} asked for"
            )
        else:
            fields["amount_pence"] = amount
        fields["reduced_reason"] = _text(choice.reduced_reason)
        if not fields["reduced_reason"]:
            errors["reduced_reason"] = "Enter why the panel reduced the amount"
    if outcome == DecisionOutcome.FUND_WITH_CONDITIONS:
        conditions = [line.strip()[:500] for line in (choice.conditions or "").splitlines()]
        fields["conditions"] = [line for line in conditions if line][:MAX_CONDITIONS]
        if not fields["conditions"]:
            errors["conditions"] = "Enter the conditions, one on each line"
    if outcome == DecisionOutcome.DECLINE:
        fields["decline_detail"] = _text(choice.decline_detail)
        reason = db.session.get(DeclineReason, choice.decline_reason_id or 0)
        if choice.decline_reason_id and (reason is None or not reason.is_active):
            errors["decline_reason"] = "Choose a reason from the list"
        elif reason is None and not fields["decline_detail"]:
            errors["decline_reason"] = "Choose a reason for declining, or describe it"
        fields["decline_reason_id"] = reason.id if reason else None
    if errors:
        raise InvalidInput(errors)
    return outcome, fields


def departs_from_ranking(ranking, application_id: int, outcome: DecisionOutcome) -> bool:
    """Funding an application while one ranked above it is declined, or declining one while an
    application ranked below it is funded."""
    rank = ranking.rank_of(application_id)
    if rank is None or outcome not in (*FUNDING, DecisionOutcome.DECLINE):
        return False
    for row in ranking.rows:
        if row.decision is None or row.application.id == application_id:
            continue
        if (
            outcome.is_funding
            and row.rank < rank
            and row.decision.outcome == DecisionOutcome.DECLINE
        ):
            return True
        if (
            outcome == DecisionOutcome.DECLINE
            and row.rank > rank
            and row.decision.outcome in FUNDING
        ):
            return True
    return False


def lock_round(round_id: int) -> Round:
    """Take the round row's lock until the transaction ends, then read it fresh."""
    db.session.execute(
        update(Round)
        .where(Round.id == round_id)
        .values(budget_pence=Round.budget_pence)
        .execution_options(synchronize_session=False)
    )
    round_ = db.session.get(Round, round_id, populate_existing=True)
    return round_


def committed_pence(round_id: int, *, excluding_application: int | None = None) -> int:
    """What the round's funding decisions add up to; a group that withdrew releases its money."""
    query = (
        select(func.coalesce(func.sum(Decision.amount_pence), 0))
        .join(Application, Application.id == Decision.application_id)
        .where(
            Application.round_id == round_id,
            Decision.outcome.in_(FUNDING),
            Application.status.not_in(SET_ASIDE),
        )
    )
    if excluding_application is not None:
        query = query.where(Decision.application_id != excluding_application)
    return int(db.session.scalar(query))


def _check_budget(round_: Round, application: Application, amount: int) -> None:
    if amount == 0:
        return
    committed = committed_pence(round_.id, excluding_application=application.id)
    if committed + amount > round_.budget_pence:
        remaining = max(round_.budget_pence - committed, 0)
        raise DomainError(
            f"Funding {format_pence(amount)} would take the round over its budget: "
            f"{format_pence(remaining)} is left",
            field="outcome",
        )


@dataclass(frozen=True)
class Budget:
    budget: int
    funded: int  # decided
    proposed: int  # undecided applications that fit, in rank order
    reserve: int  # asked for by the reserve list

    @property
    def remaining(self) -> int:
        return self.budget - self.funded

    @property
    def after_proposed(self) -> int:
        return self.budget - self.funded - self.proposed


def live_budget(round_: Round, ranking) -> tuple[Budget, set[int]]:
    """The running total against the budget, and which undecided applications would be funded
    in rank order with what is left (the "funding line")."""
    funded = sum(
        r.decision.amount_pence
        for r in ranking.rows
        if r.decision and r.decision.outcome in FUNDING
    )
    reserve = sum(
        r.application.amount_requested_pence
        for r in ranking.rows
        if r.decision and r.decision.outcome == DecisionOutcome.RESERVE
    )
    left = round_.budget_pence - funded
    within: set[int] = set()
    for row in ranking.rows:
        requested = row.application.amount_requested_pence
        if row.decision is None and row.score is not None and requested <= left:
            within.add(row.application.id)
            left -= requested
    proposed = round_.budget_pence - funded - left
    return Budget(round_.budget_pence, funded, proposed, reserve), within


# Decline reasons -------------------------------------------------------------------------------


def decline_reasons(*, active_only: bool = True) -> list[DeclineReason]:
    query = select(DeclineReason).order_by(DeclineReason.label)
    if active_only:
        query = query.where(DeclineReason.is_active)
    return list(db.session.scalars(query))


def add_decline_reason(actor: User, label: str | None) -> DeclineReason:
    meetings.check_officer(actor)
    label = (label or "").strip()
    if not label:
        raise DomainError("Enter the reason", field="label")
    if len(label) > 200:
        raise DomainError("The reason must be 200 characters or fewer", field="label")
    existing = db.session.scalar(
        select(DeclineReason).where(func.lower(DeclineReason.label) == label.lower())
    )
    if existing is not None:
        if existing.is_active:
            raise DomainError("That reason is already on the list", field="label")
        return set_reason_active(actor, existing, True)
    reason = DeclineReason(label=label, is_active=True)
    db.session.add(reason)
    db.session.flush()
    audit.record(actor, "decline_reason.added", reason, after=reason.audit_view())
    return reason


def set_reason_active(actor: User, reason: DeclineReason, active: bool) -> DeclineReason:
    """Retire a reason (it stays on the decisions that used it) or bring it back."""
    meetings.check_officer(actor)
    before = reason.audit_view()
    reason.is_active = active
    db.session.flush()
    audit.record(actor, "decline_reason.changed", reason, before=before, after=reason.audit_view())
    return reason


def reason_usage(round_id: int) -> list[tuple[str, int]]:
    """How often each decline reason was used in the round, most used first; free-text-only
    declines are counted as "Other"."""
    rows = db.session.execute(
        select(DeclineReason.label, func.count(Decision.id))
        .select_from(Decision)
        .join(Application, Application.id == Decision.application_id)
        .outerjoin(DeclineReason, DeclineReason.id == Decision.decline_reason_id)
        .where(Application.round_id == round_id, Decision.outcome == DecisionOutcome.DECLINE)
        .group_by(DeclineReason.label)
    ).all()
    usage = [(label or "Other (described in the decision)", count) for label, count in rows]
    return sorted(usage, key=lambda item: (-item[1], item[0]))
