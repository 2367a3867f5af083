"""offline group handover approval, letters to post, removal requests, call-back numbers

Revision ID: 0015_group_handover
Revises: 0014_membership_history
Create Date: 2026-12-04 18:30:00

Handing an offline group to someone from it becomes a proposal that a second programme officer
approves (group_handover). Letters for contacts without an email address are kept for an officer
to print and post (group_letter). A removal that needs the main contact's agreement waits in
removal_request. Every group's phone number records when it was first given and last changed:
existing numbers count as given when the group was made, and as never changed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_group_handover"
down_revision = "0014_membership_history"
branch_labels = None
depends_on = None

KEEP_IDS_UNIQUE = {"sqlite_autoincrement": True}  # a rebuilt SQLite table keeps AUTOINCREMENT

organisation = sa.table(
    "organisation",
    sa.column("contact_phone", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("contact_phone_given_at", sa.DateTime(timezone=True)),
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(
            sa.Column("contact_phone_given_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("contact_phone_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute(
        organisation.update()
        .where(organisation.c.contact_phone.is_not(None))
        .values(contact_phone_given_at=organisation.c.created_at)
    )

    op.create_table(
        "group_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "status", _enum("handover_status", "proposed", "approved", "refused"), nullable=False
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "decided_by_id IS NULL OR status = 'refused' OR decided_by_id <> proposed_by_id",
            name=op.f("ck_group_handover_four_eyes"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_group_handover_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["group_invitation.id"],
            name=op.f("fk_group_handover_invitation_id_group_invitation"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_group_handover_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["user.id"], name=op.f("fk_group_handover_proposed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_handover")),
        **KEEP_IDS_UNIQUE,
    )
    with op.batch_alter_table("group_handover", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_handover_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "group_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_group_letter_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_id"], ["user.id"], name=op.f("fk_group_letter_posted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_letter")),
        **KEEP_IDS_UNIQUE,
    )
    with op.batch_alter_table("group_letter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_letter_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "removal_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", _enum("removal_outcome", "agreed", "refused"), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_removal_request_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_removal_request_membership_id_membership"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_removal_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_removal_request_requested_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removal_request")),
        **KEEP_IDS_UNIQUE,
    )
    with op.batch_alter_table("removal_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_removal_request_membership_id"), ["membership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_removal_request_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("removal_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_removal_request_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_removal_request_membership_id"))
    op.drop_table("removal_request")
    with op.batch_alter_table("group_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_letter_organisation_id"))
    op.drop_table("group_letter")
    with op.batch_alter_table("group_handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_handover_organisation_id"))
    op.drop_table("group_handover")
    with op.batch_alter_table("organisation", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_column("contact_phone_changed_at")
        batch_op.drop_column("contact_phone_given_at")
