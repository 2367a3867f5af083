"""Demo data, so every stage of the service can be seen straight after `make run`.

Idempotent: running it again adds only what is missing. Funds, rounds and about 40 applications in
every status come from the funds and applications demo modules; later stages (scores, awards,
payments, reports) extend :func:`seed`.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from sqlalchemy import select

from grants.accounts import services as accounts
from grants.accounts.models import User
from grants.applications.demo import seed_applications
from grants.extensions import db
from grants.funds.demo import seed_funds
from grants.organisations import services as organisations
from grants.organisations.models import Organisation
from grants.permissions import Role

DEMO_USERS = [
    ("admin@example.org", "Amira Admin", Role.ADMIN, None),
    ("officer@example.org", "Owen Officer", Role.PROGRAMME_OFFICER, None),
    ("finance@example.org", "Fatima Finance", Role.FINANCE_OFFICER, None),
    ("finance2@example.org", "Frank Finance", Role.FINANCE_OFFICER, None),
    ("panel1@example.org", "Pat Resident", Role.PANEL_MEMBER, "Resident, Hindley"),
    ("panel2@example.org", "Priya Resident", Role.PANEL_MEMBER, "Resident, Leigh West"),
    ("panel3@example.org", "Jordan Young", Role.PANEL_MEMBER, "Young person, Wigan Youth Zone"),
    ("panel4@example.org", "Imam Yusuf Ali", Role.PANEL_MEMBER, "Faith group representative"),
    ("panel5@example.org", "Val Community", Role.PANEL_MEMBER, "VCFSE representative"),
    ("panel6@example.org", "Colin Council", Role.PANEL_MEMBER, "Council officer, Communities"),
    ("applicant@example.org", "Alex Applicant", Role.APPLICANT, None),
    ("applicant2@example.org", "Bea Applicant", Role.APPLICANT, None),
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
        ),
    ),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed() -> Iterator[str]:
    password = current_app.config["DEMO_PASSWORD"]
    for email, name, role, representing in DEMO_USERS:
        user = _user(email)
        if user is None:
            user = accounts.create_user(email=email, full_name=name, password=password, role=role)
            user.representing = representing
            db.session.flush()
    for email, details in DEMO_GROUPS:
        exists = db.session.scalar(select(Organisation.id).where(Organisation.name == details.name))
        if not exists:
            organisations.create_group(_user(email), details)
    yield from seed_funds()
    yield from seed_applications(password)
    yield "Demo sign-ins (password for all: " + password + ")"
    for email, _name, role, representing in DEMO_USERS:
        yield f"  {email:<26} {role.label}" + (f" ({representing})" if representing else "")
