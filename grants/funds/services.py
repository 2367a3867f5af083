"""Fund and round rules: what a valid fund or round is, what may change once groups apply.

Only programme officers (or the system itself, with ``actor=None``, for demo data) change funds
and rounds. Every change is checked in full before anything is written, audited, and committed
here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.clock import as_aware, uk_today, utcnow
from grants.errors import InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.funds.locks import locked_fields
from grants.funds.models import Contribution, Fund, Round, RoundStatus
from grants.money import format_pence
from grants.organisations.models import OrganisationType
from grants.permissions import Permission
from grants.reference.models import Neighbourhood

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,5}-[A-Za-z0-9-]{1,40}$")
PUBLISHER_PREFIX = re.compile(r"^360G-[A-Za-z0-9-]{1,55}$")
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def check_can_manage(actor) -> None:
    if actor is not None and not actor.can(Permission.MANAGE_FUNDS):
        raise NotAllowed("Only programme officers can set up funds and rounds")


# Funds


@dataclass
class FundDetails:
    name: str
    description: str
    funder_org_id: str
    funder_name: str
    publisher_prefix: str | None = None
    publisher_website: str | None = None
    # Only when creating a fund: the council's own money, the fund's first contribution. Partners'
    # contributions (and more of the council's) are recorded afterwards, each on its own.
    council_contribution_pence: int | None = None


def funds() -> list[Fund]:
    query = select(Fund).options(selectinload(Fund.rounds)).order_by(func.lower(Fund.name))
    return list(db.session.scalars(query))


def get_fund(fund_id: int) -> Fund:
    fund = db.session.get(Fund, fund_id)
    if fund is None:
        raise NotFound("Fund not found")
    return fund


def _rounds_total(fund: Fund, *, leaving_out: Round | None = None) -> int:
    return sum(r.budget_pence for r in fund.rounds if r is not leaving_out)


def text_error(value: str | None, *, missing: str, label: str, max_length: int) -> str | None:
    """The problem with a required piece of text, if any: blank, or too long for its column."""
    value = (value or "").strip()
    if not value:
        return missing
    if len(value) > max_length:
        return f"{label} must be {max_length:,} characters or fewer"
    return None


def fund_errors(details: FundDetails, fund: Fund | None) -> dict[str, str]:
    """Every problem with these details, field by field.

    A form calls this even when some answers failed its own checks (those are None here), so an
    officer sees every problem on the first submit: a rule whose answers are missing is skipped.
    """
    errors: dict[str, str] = {}
    for name, missing, label, max_length in (
        ("name", "Enter the fund's name", "Name", 200),
        ("funder_name", "Enter the funder's name", "Funder's name", 200),
    ):
        problem = text_error(
            getattr(details, name), missing=missing, label=label, max_length=max_length
        )
        if problem:
            errors[name] = problem
    name = (details.name or "").strip().lower()
    same_name = select(Fund.id).where(func.lower(Fund.name) == name)
    if fund is not None:
        same_name = same_name.where(Fund.id != fund.id)
    if name and db.session.scalar(same_name) is not None:
        errors["name"] = "A fund with this name already exists"
    if fund is None and details.council_contribution_pence is None:
        errors["council_contribution_pence"] = "Enter the council's contribution"
    if not ORG_ID.match((details.funder_org_id or "").strip()):
        errors["funder_org_id"] = "Enter the funder's org-id, like GB-LAE-WGN"
    prefix = (details.publisher_prefix or "").strip()
    if prefix and not PUBLISHER_PREFIX.match(prefix):
        errors["publisher_prefix"] = (
            "Enter a 360Giving prefix that starts 360G-, like 360G-wigancouncil"
        )
    website = (details.publisher_website or "").strip()
    if website and not WEBSITE.match(website):
        errors["publisher_website"] = "Enter a web address that starts https://"
    return errors


def save_fund(actor, fund: Fund | None, details: FundDetails) -> Fund:
    """Create a fund (``fund`` None) or change one."""
    check_can_manage(actor)
    errors = fund_errors(details, fund)
    if errors:
        raise InvalidInput(errors)
    before = fund.audit_view() if fund else None
    if fund is None:
        fund = Fund()
        db.session.add(fund)
    fund.name = details.name.strip()
    fund.description = details.description.strip()
    if before is None and details.council_contribution_pence:
        fund.contributions.append(
            Contribution(
                contributor_name=details.funder_name.strip(),
                contributor_org_id=details.funder_org_id.strip(),
                amount_pence=details.council_contribution_pence,
                received_on=uk_today(),
                created_by_id=actor.id if actor else None,
            )
        )
    fund.funder_org_id = details.funder_org_id.strip()
    fund.funder_name = details.funder_name.strip()
    fund.publisher_prefix = (details.publisher_prefix or "").strip() or None
    fund.publisher_website = (details.publisher_website or "").strip() or None
    db.session.flush()
    action = "fund.updated" if before else "fund.created"
    audit.record(actor, action, fund, before=before, after=fund.audit_view())
    db.session.flush()
    return fund


# Rounds


@dataclass
class RoundDetails:
    """A round's settings as an officer gives them. Times are aware UTC; money is pence."""

    slug: str
    title: str
    opens_at: datetime
    closes_at: datetime
    budget_pence: int
    min_award_pence: int
    max_award_pence: int
    eligible_org_types: list[str]
    guidance: str = ""
    max_income_pence: int | None = None
    all_neighbourhoods: bool = True
    neighbourhood_ids: list[int] = field(default_factory=list)
    allows_recordings: bool = False
    allows_several_applications: bool = False
    blind_panel: bool = False
    project_start_from: date | None = None
    project_end_by: date | None = None

    @classmethod
    def of(cls, round_: Round) -> RoundDetails:
        """A round's current settings, to change a few of them."""
        return cls(
            slug=round_.slug,
            title=round_.title,
            guidance=round_.guidance,
            opens_at=as_aware(round_.opens_at),
            closes_at=as_aware(round_.closes_at),
            budget_pence=round_.budget_pence,
            min_award_pence=round_.min_award_pence,
            max_award_pence=round_.max_award_pence,
            eligible_org_types=list(round_.eligible_org_types or []),
            max_income_pence=round_.max_income_pence,
            all_neighbourhoods=round_.all_neighbourhoods,
            neighbourhood_ids=sorted(n.id for n in round_.neighbourhoods),
            allows_recordings=round_.allows_recordings,
            allows_several_applications=round_.allows_several_applications,
            blind_panel=round_.blind_panel,
            project_start_from=round_.project_start_from,
            project_end_by=round_.project_end_by,
        )


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound("Round not found")
    return round_


def get_round_by_slug(slug: str) -> Round:
    round_ = None
    if len(slug) <= 80:
        round_ = db.session.scalar(select(Round).where(Round.slug == slug))
    if round_ is None:
        raise NotFound("Round not found")
    return round_


def rounds_not_closed(now: datetime | None = None) -> list[Round]:
    """Open and upcoming rounds, soonest first, for the home page and the eligibility checker."""
    query = (
        select(Round)
        .where(Round.closes_at > (now or utcnow()))
        .options(selectinload(Round.neighbourhoods), selectinload(Round.fund))
        .order_by(Round.opens_at, Round.closes_at, Round.id)
    )
    return list(db.session.scalars(query))


def open_rounds(now: datetime | None = None) -> list[Round]:
    now = now or utcnow()
    return [r for r in rounds_not_closed(now) if r.status(now) == RoundStatus.OPEN]


def _slug_errors(slug: str, round_: Round | None) -> str | None:
    if not slug:
        return "Enter a web address for the round"
    if len(slug) > 80:
        return "Web address must be 80 characters or fewer"
    if not SLUG.match(slug):
        return "Web address must use only lowercase letters, numbers and hyphens, like small-grants-2026"
    taken = select(Round.id).where(Round.slug == slug)
    if round_ is not None:
        taken = taken.where(Round.id != round_.id)
    if db.session.scalar(taken) is not None:
        return "Another round already uses this web address"
    return None


def _money_errors(details: RoundDetails, fund: Fund, round_: Round | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    budget, smallest, largest = (
        details.budget_pence,
        details.min_award_pence,
        details.max_award_pence,
    )
    for name, value, missing in (
        ("budget_pence", budget, "Enter the round's budget"),
        ("min_award_pence", smallest, "Enter the smallest grant"),
        ("max_award_pence", largest, "Enter the largest grant"),
    ):
        if value is None:
            errors[name] = missing
    if largest is not None and largest <= 0:
        errors["max_award_pence"] = "Largest grant must be more than £0"
    elif largest is not None and smallest is not None and largest < smallest:
        errors["max_award_pence"] = "Largest grant must be the same as or more than the smallest"
    elif largest is not None and budget is not None and largest > budget:
        errors["max_award_pence"] = "Largest grant must be the same as or less than the budget"
    available = fund.budget_pence - _rounds_total(fund, leaving_out=round_)
    if budget is not None and budget > available:
        errors["budget_pence"] = (
            f"Budget must be {format_pence(available)} or less: the rest of "
            f"{fund.name}'s {format_pence(fund.budget_pence)} is in other rounds"
        )
    return errors


def _round_errors(
    details: RoundDetails, fund: Fund, round_: Round | None
) -> tuple[dict[str, str], list[Neighbourhood]]:
    errors: dict[str, str] = {}
    title_problem = text_error(
        details.title, missing="Enter the round's title", label="Title", max_length=200
    )
    if title_problem:
        errors["title"] = title_problem
    if len(details.guidance or "") > 20_000:
        errors["guidance"] = "Guidance must be 20,000 characters or fewer"
    slug_problem = _slug_errors(details.slug, round_)
    if slug_problem:
        errors["slug"] = slug_problem
    if details.opens_at is None:
        errors["opens_at"] = "Enter the opening date"
    if details.closes_at is None:
        errors["closes_at"] = "Enter the closing date"
    elif details.opens_at is not None and details.closes_at <= details.opens_at:
        errors["closes_at"] = "Closing date and time must be after the opening date and time"
    errors.update(_money_errors(details, fund, round_))
    known_types = {t.value for t in OrganisationType}
    if not details.eligible_org_types:
        errors["eligible_org_types"] = "Select the types of group that can apply"
    elif not set(details.eligible_org_types) <= known_types:
        errors["eligible_org_types"] = "Select types of group from the list"
    neighbourhoods: list[Neighbourhood] = []
    if not details.all_neighbourhoods:
        ids = set(details.neighbourhood_ids)
        if ids:
            neighbourhoods = list(
                db.session.scalars(select(Neighbourhood).where(Neighbourhood.id.in_(ids)))
            )
        if not ids:
            errors["neighbourhood_ids"] = "Select the neighbourhoods where projects can happen"
        elif len(neighbourhoods) != len(ids):
            errors["neighbourhood_ids"] = "Select neighbourhoods from the list"
    start, end = details.project_start_from, details.project_end_by
    if start and end and end <= start:
        errors["project_end_by"] = "Latest project end must be after the earliest project start"
    return errors, neighbourhoods


def _to_the_minute(moment: datetime) -> datetime:
    """Rounds open and close on the minute: that is all the form can say."""
    return moment.replace(second=0, microsecond=0)


def _lock_errors(details: RoundDetails, round_: Round) -> dict[str, str]:
    """Each locked setting the officer tried to change, with the reason it is locked."""
    locked = locked_fields(round_)
    current = RoundDetails.of(round_)
    current.opens_at = _to_the_minute(current.opens_at)
    current.closes_at = _to_the_minute(current.closes_at)
    errors: dict[str, str] = {}
    for name, reason in locked.items():
        if name == "closes_at":
            if details.closes_at is not None and details.closes_at < current.closes_at:
                errors[name] = reason
            continue
        old, new = getattr(current, name), getattr(details, name)
        if name in ("eligible_org_types", "neighbourhood_ids"):
            old, new = sorted(old), sorted(new)
        if old != new:
            errors[name] = reason
    return errors


def _apply(round_: Round, details: RoundDetails, neighbourhoods: list[Neighbourhood]) -> None:
    round_.slug = details.slug
    round_.title = details.title.strip()
    round_.guidance = details.guidance.strip()
    round_.opens_at = details.opens_at
    round_.closes_at = details.closes_at
    round_.budget_pence = details.budget_pence
    round_.min_award_pence = details.min_award_pence
    round_.max_award_pence = details.max_award_pence
    round_.eligible_org_types = [
        t.value for t in OrganisationType if t in details.eligible_org_types
    ]
    round_.max_income_pence = details.max_income_pence
    round_.all_neighbourhoods = details.all_neighbourhoods
    round_.neighbourhoods = [] if details.all_neighbourhoods else neighbourhoods
    round_.allows_recordings = details.allows_recordings
    round_.allows_several_applications = details.allows_several_applications
    round_.blind_panel = details.blind_panel
    round_.project_start_from = details.project_start_from
    round_.project_end_by = details.project_end_by


def _normalise(details: RoundDetails) -> None:
    details.slug = (details.slug or "").strip().lower()
    if details.opens_at is not None:
        details.opens_at = _to_the_minute(details.opens_at)
    if details.closes_at is not None:
        details.closes_at = _to_the_minute(details.closes_at)
    if details.all_neighbourhoods:
        details.neighbourhood_ids = []


def round_errors(details: RoundDetails, fund: Fund, round_: Round | None) -> dict[str, str]:
    """Every problem with a new round's (``round_`` None) or a round's changed settings.

    A form calls this even when some answers failed its own checks (those are None here), so an
    officer sees every problem on the first submit: a rule whose answers are missing is skipped.
    """
    _normalise(details)
    errors, _ = _round_errors(details, fund, round_)
    if round_ is not None:
        errors.update(_lock_errors(details, round_))
    return errors


def create_round(actor, fund: Fund, details: RoundDetails) -> Round:
    check_can_manage(actor)
    _normalise(details)
    errors, neighbourhoods = _round_errors(details, fund, None)
    if errors:
        raise InvalidInput(errors)
    round_ = Round(fund=fund)
    _apply(round_, details, neighbourhoods)
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "round.created", round_, after=round_.audit_view())
    db.session.flush()
    return round_


def update_round(actor, round_: Round, details: RoundDetails) -> Round:
    """Change a round's settings. Locked settings (see grants.funds.locks) are refused, not ignored."""
    check_can_manage(actor)
    _normalise(details)
    errors = _lock_errors(details, round_)
    checks, neighbourhoods = _round_errors(details, round_.fund, round_)
    errors = {**checks, **errors}
    if errors:
        raise InvalidInput(errors)
    before = round_.audit_view()
    _apply(round_, details, neighbourhoods)
    audit.record(actor, "round.updated", round_, before=before, after=round_.audit_view())
    db.session.flush()
    return round_
