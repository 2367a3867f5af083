"""What each person has waiting, by role, for their home page after sign-in.

A person may hold several roles and belong to groups too, so the home page is a list of sections,
one per thing they do. Every section is worked out here in a fixed number of queries, whatever
the number of groups, applications or roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from grants.accounts import role_grants
from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.awards.models import Award, BankDetails, Payment
from grants.awards.states import IN_FORCE, AwardStatus, PaymentStatus
from grants.clock import uk_today
from grants.email import undelivered_count
from grants.extensions import db
from grants.funds.models import Round
from grants.organisations.models import GroupHandover, HandoverStatus, Membership, Organisation
from grants.organisations.services import groups_of
from grants.page_sections import PageSections
from grants.panels.models import Panel
from grants.panels.scoring import Progress, progress_of
from grants.permissions import Permission, Role

RECENT_APPLICATIONS = 5

# Sections later domains add to the home page (monitoring: the next report due). Each loader is
# given the person and their Home, and must keep to a fixed number of queries too.
home_page: PageSections = PageSections()


@dataclass
class Home:
    """Everything the home page shows. ``to_screen`` is None for someone who does not screen."""

    user: User
    groups: list[Organisation] = field(default_factory=list)
    recent_applications: list[Application] = field(default_factory=list)
    application_count: int = 0
    to_screen: int | None = None
    # Offline groups' handovers proposed by another officer, waiting for a second one.
    handovers_to_approve: int | None = None
    # Rounds with a panel or with applications ready for one, for officers who run panels.
    panel_rounds: list[Round] | None = None
    # A panel member's applications to score and how far they have got (None for others).
    scoring: Progress | None = None
    # A finance officer's payments to approve (raised by someone else) and overdue payments.
    finance: FinanceWaiting | None = None
    # What the person's groups must do about their grants: accept an offer, give bank details.
    grant_steps: list[GrantStep] = field(default_factory=list)
    # An admin's roles waiting for a second admin, and email the service gave up sending.
    admin: AdminWaiting | None = None
    # (template, what it shows) for each section a later domain registered with ``home_page``.
    sections: list = field(default_factory=list)

    @property
    def is_panel_member(self) -> bool:
        return Role.PANEL_MEMBER in self.user.roles

    @property
    def is_finance_officer(self) -> bool:
        return Role.FINANCE_OFFICER in self.user.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.user.roles

    @property
    def has_nothing(self) -> bool:
        """No roles and no groups: the page explains how to create or join a group."""
        return not self.groups and not self.user.roles


@dataclass
class GrantStep:
    award: Award
    needs_bank_details: bool  # otherwise: an offer waiting to be accepted


def _grant_steps(groups: list[Organisation]) -> list[GrantStep]:
    """Offers waiting for the group's answer, and accepted grants the group has not yet given
    bank details for, in two queries."""
    ids = [group.id for group in groups]
    awards = list(
        db.session.scalars(
            select(Award)
            .where(
                Award.organisation_id.in_(ids),
                Award.status.in_([AwardStatus.OFFERED, *IN_FORCE]),
            )
            .options(joinedload(Award.application))
            .order_by(Award.id)
        )
    )
    with_details = set(
        db.session.scalars(
            select(BankDetails.organisation_id).where(
                BankDetails.organisation_id.in_(ids), BankDetails.replaced_at.is_(None)
            )
        )
    )
    today = uk_today()
    steps = []
    for award in awards:
        if award.status == AwardStatus.OFFERED:
            if award.offer_expires_on is None or award.offer_expires_on >= today:
                steps.append(GrantStep(award, needs_bank_details=False))
        elif award.organisation_id not in with_details:
            steps.append(GrantStep(award, needs_bank_details=True))
    return steps


@dataclass
class FinanceWaiting:
    to_approve: int
    overdue: int


def _finance_waiting(user: User) -> FinanceWaiting:
    """Two counts for the home page; the finance home has the lists."""
    to_approve = select(func.count(Payment.id)).where(
        Payment.status == PaymentStatus.RAISED, Payment.raised_by_id != user.id
    )
    overdue = (
        select(func.count(Payment.id))
        .join(Payment.award)
        .where(
            Award.status.in_(IN_FORCE),
            Payment.due_on < uk_today(),
            Payment.status.not_in([PaymentStatus.PAID, PaymentStatus.CANCELLED]),
        )
    )
    return FinanceWaiting(
        to_approve=db.session.scalar(to_approve) or 0, overdue=db.session.scalar(overdue) or 0
    )


@dataclass
class AdminWaiting:
    roles_to_confirm: int
    undelivered_email: int


def _admin_waiting() -> AdminWaiting:
    return AdminWaiting(
        roles_to_confirm=role_grants.pending_count(), undelivered_email=undelivered_count()
    )


def _group_applications(user: User):
    return (
        select(Application)
        .join(Membership, Membership.organisation_id == Application.organisation_id)
        .where(Membership.user_id == user.id, Membership.current())
    )


def home_for(user: User) -> Home:
    home = Home(user=user, groups=groups_of(user))
    if home.groups:
        home.grant_steps = _grant_steps(home.groups)
        query = _group_applications(user)
        home.application_count = db.session.scalar(
            select(func.count()).select_from(query.subquery())
        )
        home.recent_applications = list(
            db.session.scalars(
                query.options(joinedload(Application.round), joinedload(Application.organisation))
                .order_by(Application.created_at.desc(), Application.id.desc())
                .limit(RECENT_APPLICATIONS)
            )
        )
    if user.can(Permission.SCREEN_APPLICATIONS):
        home.to_screen = db.session.scalar(
            select(func.count(Application.id)).where(
                Application.status == ApplicationStatus.SUBMITTED
            )
        )
        home.handovers_to_approve = db.session.scalar(
            select(func.count(GroupHandover.id)).where(
                GroupHandover.status == HandoverStatus.PROPOSED,
                GroupHandover.proposed_by_id != user.id,
            )
        )
    if user.can(Permission.SCORE_APPLICATIONS):
        home.scoring = progress_of(user)
    if user.can(Permission.MANAGE_PANELS):
        home.panel_rounds = list(
            db.session.scalars(
                select(Round)
                .where(
                    exists().where(Panel.round_id == Round.id)
                    | exists().where(
                        Application.round_id == Round.id,
                        Application.status == ApplicationStatus.ELIGIBLE,
                    )
                )
                .order_by(Round.opens_at.desc(), Round.id.desc())
            )
        )
    if user.can(Permission.MANAGE_PAYMENTS):
        home.finance = _finance_waiting(user)
    if user.can(Permission.MANAGE_USERS):
        home.admin = _admin_waiting()
    home.sections = home_page.for_viewer(user, home)
    return home
