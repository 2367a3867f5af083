"""integrity rules in the database: enum CHECKs, dates in order, reachable offline groups,
an index for an object's history, and ids that are never reused on SQLite

Revision ID: 0006_integrity
Revises: 0005_combinable_roles
Create Date: 2026-11-29 17:10:00

Every value a StrEnum column may hold is listed in a CHECK constraint, so a bad value is refused by
the database however it is written. On SQLite each table is rebuilt with AUTOINCREMENT, so the id
of a deleted application (and its audit trail) is never handed to a new one; PostgreSQL sequences
never reuse ids, so there only the constraints and the index are added.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_integrity"
down_revision = "0005_combinable_roles"
branch_labels = None
depends_on = None

# (table, column, constraint name, allowed values): a snapshot of the enums at this revision.
ENUM_CHECKS = [
    (
        "invitation",
        "role",
        "role",
        ("panel_member", "programme_officer", "finance_officer", "admin"),
    ),
    (
        "organisation",
        "org_type",
        "org_type",
        (
            "registered_charity",
            "cio",
            "charitable_company",
            "cic",
            "community_benefit_society",
            "company_limited_by_guarantee",
            "constituted_group",
            "faith_group",
            "informal_group",
        ),
    ),
    (
        "organisation",
        "income_band",
        "income_band",
        ("under_10k", "10k_to_50k", "50k_to_100k", "100k_to_250k", "over_250k"),
    ),
    (
        "user_role",
        "role",
        "role",
        ("panel_member", "programme_officer", "finance_officer", "admin"),
    ),
    (
        "application",
        "status",
        "application_status",
        (
            "draft",
            "submitted",
            "more_information_requested",
            "eligible",
            "ineligible",
            "in_panel_review",
            "funded",
            "funded_with_conditions",
            "reserve",
            "declined",
            "withdrawn",
        ),
    ),
    (
        "application",
        "channel",
        "channel",
        ("online", "phone", "paper", "in_person", "video_call", "interpreter"),
    ),
    (
        "question",
        "kind",
        "question_kind",
        (
            "short_text",
            "long_text",
            "number",
            "yes_no",
            "single_choice",
            "multiple_choice",
            "date",
            "file",
        ),
    ),
    (
        "document",
        "kind",
        "document_kind",
        (
            "governing_document",
            "safeguarding_policy",
            "accounts",
            "recording",
            "answer_file",
            "paper_scan",
        ),
    ),
    (
        "eligibility_check",
        "outcome",
        "screening_outcome",
        ("eligible", "ineligible", "more_information"),
    ),
]

OTHER_CHECKS = [
    (
        "application",
        "ends_after_start",
        "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
    ),
    (
        "organisation",
        "reachable_contact",
        "main_contact_id IS NOT NULL OR (contact_name IS NOT NULL"
        " AND (contact_phone IS NOT NULL OR contact_email IS NOT NULL))",
    ),
]

# Tables whose single integer id AUTOINCREMENTs on SQLite.
ID_TABLES = [
    "fund",
    "neighbourhood",
    "outbound_email",
    "principle",
    "reference_counter",
    "user",
    "audit_event",
    "invitation",
    "organisation",
    "round",
    "application",
    "criterion",
    "group_invitation",
    "membership",
    "question",
    "answer",
    "budget_line",
    "document",
    "eligibility_check",
    "outcome",
    "revision",
    "staff_note",
]


def _checks_by_table():
    checks = {}
    for table, column, name, values in ENUM_CHECKS:
        allowed = ", ".join(f"'{value}'" for value in values)
        checks.setdefault(table, []).append((name, f"{column} IN ({allowed})"))
    for table, name, condition in OTHER_CHECKS:
        checks.setdefault(table, []).append((name, condition))
    return checks


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    checks = _checks_by_table()
    for table in sorted(set(checks) | (set(ID_TABLES) if sqlite else set())):
        options = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
        with op.batch_alter_table(table, **(options if sqlite else {})) as batch_op:
            if table == "user_role":
                batch_op.drop_constraint(op.f("ck_user_role_allowed"), type_="check")
            for name, condition in checks.get(table, []):
                batch_op.create_check_constraint(name, sa.text(condition))
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_index("ix_audit_event_object_type")
        batch_op.create_index("ix_audit_event_object", ["object_type", "object_id"])


def downgrade():
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_index("ix_audit_event_object")
        batch_op.create_index("ix_audit_event_object_type", ["object_type"])
    for table, constraints in _checks_by_table().items():
        with op.batch_alter_table(table) as batch_op:
            for name, _condition in constraints:
                batch_op.drop_constraint(name, type_="check")
            if table == "user_role":
                allowed = ", ".join(f"'{value}'" for value in ENUM_CHECKS[3][3])
                batch_op.create_check_constraint("allowed", sa.text(f"role IN ({allowed})"))
