"""Demo data, so every stage of the service can be seen straight after `make run`.

Idempotent: running it again adds only what is missing. Funds, rounds and about 40 applications in
every status come from the funds and applications demo modules; later stages (scores, awards,
payments, reports) extend :func:`seed`.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from sqlalchemy import func, select

from grants import audit
from grants.accounts import services as accounts
from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.awards.demo import seed as seed_awards
from grants.extensions import db
from grants.funds.demo import seed_funds
from grants.monitoring.demo import seed as seed_monitoring
from grants.organisations import services as organisations
from grants.organisations.models import Membership, Organisation
from grants.panels.demo import seed as seed_panels
from grants.permissions import Role
from grants.screening.demo import seed_applications

# email, name, roles, who they represent. Roles combine: the officer is also an admin, and panel1
# (a Hindley resident) also runs a community group (see DEMO_MEMBERSHIPS).
DEMO_USERS = [
    ("admin@example.org", "Amira Admin", {Role.ADMIN}, None),
    ("officer@example.org", "Owen Officer", {Role.PROGRAMME_OFFICER, Role.ADMIN}, None),
    # A second officer screens what Owen entered for groups (nobody screens their own entry).
    ("officer2@example.org", "Olu Officer", {Role.PROGRAMME_OFFICER}, None),
    # Fatima may also reveal groups' full bank details; Frank sees them masked.
    (
        "finance@example.org",
        "Fatima Finance",
        {Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER},
        None,
    ),
    ("finance2@example.org", "Frank Finance", {Role.FINANCE_OFFICER}, None),
    ("panel1@example.org", "Pat Resident", {Role.PANEL_MEMBER}, "Resident, Hindley"),
    ("panel2@example.org", "Priya Resident", {Role.PANEL_MEMBER}, "Resident, Leigh West"),
    ("panel3@example.org", "Jordan Young", {Role.PANEL_MEMBER}, "Young person, Wigan Youth Zone"),
    ("panel4@example.org", "Imam Yusuf Ali", {Role.PANEL_MEMBER}, "Faith group representative"),
    ("panel5@example.org", "Val Community", {Role.PANEL_MEMBER}, "VCFSE representative"),
    ("panel6@example.org", "Colin Council", {Role.PANEL_MEMBER}, "Council officer, Communities"),
    ("applicant@example.org", "Alex Applicant", set(), None),
    ("applicant2@example.org", "Bea Applicant", set(), None),
]

DEMO_GROUPS = [
    (
        "applicant@example.org",
        organisations.GroupDetails(
            name="Hindley Green Community Association",
            org_type="registered_charity",
            charity_number="1123456",
            company_number=None,
            society_number=None,
            address_line_1="Community Centre, Leyland Mill Lane",
            address_line_2=None,
            town="Wigan",
            postcode="WN2 4DB",
            income_band="10k_to_50k",
            contact_phone="0161 496 0101",
        ),
    ),
    (
        "applicant2@example.org",
        organisations.GroupDetails(
            name="Leigh Youth Football CIC",
            org_type="cic",
            charity_number=None,
            company_number="09876543",
            society_number=None,
            address_line_1="Sports Pavilion, Twist Lane",
            address_line_2=None,
            town="Leigh",
            postcode="WN7 4DN",
            income_band="under_10k",
            contact_phone="0161 496 0102",
        ),
    ),
]


# Extra members of the demo groups: (email, group name). A panel member who runs a group.
DEMO_MEMBERSHIPS = [("panel1@example.org", "Hindley Green Community Association")]


def describe_roles(roles: set[Role]) -> str:
    return ", ".join(role.label for role in Role if role in roles) or "Group member"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed() -> Iterator[str]:
    password = current_app.config["DEMO_PASSWORD"]
    for email, name, roles, representing in DEMO_USERS:
        user = _user(email)
        if user is None:
            user = accounts.create_user(email=email, full_name=name, password=password, roles=roles)
            user.representing = representing
            db.session.flush()
    for email, details in DEMO_GROUPS:
        exists = db.session.scalar(select(Organisation.id).where(Organisation.name == details.name))
        if not exists:
            organisations.create_group(_user(email), details)
    _seed_memberships()
    yield from seed_funds()
    yield from seed_applications(password)
    yield from seed_panels()
    yield from seed_awards()
    yield from seed_monitoring()
    yield "Applications by status: " + ", ".join(
        f"{ApplicationStatus(status).label} {count}"
        for status, count in db.session.execute(
            select(Application.status, func.count(Application.id))
            .group_by(Application.status)
            .order_by(Application.status)
        )
    )
    yield "Demo sign-ins (password for all: " + password + ")"
    members = dict(DEMO_MEMBERSHIPS)
    for email, _name, roles, representing in DEMO_USERS:
        line = f"  {email:<26} {describe_roles(roles)}"
        if representing:
            line += f" ({representing})"
        if email in members:
            line += f"; member of {members[email]}"
        yield line


def _seed_memberships() -> None:
    """Demo people who belong to a group someone else created (added directly: demo data)."""
    for email, group_name in DEMO_MEMBERSHIPS:
        user = _user(email)
        group = db.session.scalar(select(Organisation).where(Organisation.name == group_name))
        if user is None or group is None or organisations.is_member(user, group.id):
            continue
        db.session.add(Membership(organisation_id=group.id, user_id=user.id))
        audit.record(None, "membership.added", group, after={"user_id": user.id})
        db.session.flush()
