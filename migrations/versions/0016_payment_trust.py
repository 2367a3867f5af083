"""payment runs fixed at creation, duplicate-account hashes, award amount approval

Revision ID: 0016_payment_trust
Revises: 0015_group_handover
Create Date: 2026-12-04 18:30:00

A payment run gets a life cycle (unsent, sent, void) and keeps its file, encrypted, with its
SHA-256. Runs already downloaded (an export in the audit log) start as sent; runs made before
files were kept have no file yet and keep the one made at their next download. A payment held to
be stopped at the bank is a new hold kind.

Bank details get a keyed fingerprint of the sort code and account number, for finding the same
account given by two groups. Existing rows are fingerprinted here when the app's bank-details
keys are configured (``flask db upgrade`` runs inside the app); otherwise, and after a key
rotation, ``flask rotate-bank-details-key`` fingerprints every row.

An award records why its amount differs from the panel's decision and who proposed and approved
an increase.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_payment_trust"
down_revision = "0015_group_handover"
branch_labels = None
depends_on = None

KEEP_IDS_UNIQUE = {"sqlite_autoincrement": True}  # a rebuilt SQLite table keeps AUTOINCREMENT
HOLD_KINDS_BEFORE = ("manual", "bank_details_changed")
HOLD_KINDS_AFTER = (*HOLD_KINDS_BEFORE, "stop_at_bank")

payment_run = sa.table(
    "payment_run",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("first_downloaded_at", sa.DateTime(timezone=True)),
    sa.column("first_downloaded_by_id", sa.Integer),
)
audit_event = sa.table(
    "audit_event",
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer),
)
bank_details = sa.table(
    "bank_details",
    sa.column("id", sa.Integer),
    sa.column("encrypted", sa.Text),
    sa.column("account_fingerprint", sa.String),
)


def _allow_hold_kinds(kinds) -> None:
    allowed = "hold_kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"
    with op.batch_alter_table("payment", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_constraint(op.f("ck_payment_hold_kind"), type_="check")
        batch_op.create_check_constraint("hold_kind", allowed)


def _mark_downloaded_runs_sent() -> None:
    connection = op.get_bind()
    exports = connection.execute(
        sa.select(audit_event.c.object_id, audit_event.c.occurred_at, audit_event.c.actor_id)
        .where(
            audit_event.c.action == "payment_run.exported",
            audit_event.c.object_type == "PaymentRun",
        )
        .order_by(audit_event.c.occurred_at.desc())
    ).all()
    first = {row.object_id: row for row in exports}  # the earliest export of each run wins
    for object_id, row in first.items():
        connection.execute(
            payment_run.update()
            .where(payment_run.c.id == int(object_id))
            .values(
                status="sent",
                first_downloaded_at=row.occurred_at,
                first_downloaded_by_id=row.actor_id,
            )
        )


def _fingerprint_existing_details() -> None:
    """Decrypt each row once with the app's keys. Without an app or keys, leave the rows for
    ``flask rotate-bank-details-key``."""
    try:
        from grants.awards import crypto

        connection = op.get_bind()
        for row in connection.execute(sa.select(bank_details.c.id, bank_details.c.encrypted)):
            data = crypto.decrypt(row.encrypted)
            connection.execute(
                bank_details.update()
                .where(bank_details.c.id == row.id)
                .values(
                    account_fingerprint=crypto.fingerprint(
                        data["sort_code"], data["account_number"]
                    )
                )
            )
    except (RuntimeError, ImportError) as error:  # no app context, or BankDetailsKeyError
        print(f"Bank details not fingerprinted ({error}): run flask rotate-bank-details-key")


def upgrade() -> None:
    with op.batch_alter_table("payment_run", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=40), nullable=False, server_default="unsent")
        )
        batch_op.add_column(sa.Column("file_encrypted", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("file_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("first_downloaded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("first_downloaded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_payment_run_first_downloaded_by_id_user"),
            "user",
            ["first_downloaded_by_id"],
            ["id"],
        )
    _mark_downloaded_runs_sent()
    with op.batch_alter_table("payment_run", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.create_check_constraint(
            "payment_run_status", "status IN ('unsent', 'sent', 'void')"
        )
        batch_op.create_check_constraint(
            "sent_when_downloaded", "status <> 'sent' OR first_downloaded_at IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "void_says_when", "status <> 'void' OR voided_at IS NOT NULL"
        )
    _allow_hold_kinds(HOLD_KINDS_AFTER)

    with op.batch_alter_table(
        "bank_details", schema=None, table_kwargs=KEEP_IDS_UNIQUE
    ) as batch_op:
        batch_op.add_column(sa.Column("account_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("duplicate_reason", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_bank_details_account_fingerprint"), ["account_fingerprint"], unique=False
        )
    _fingerprint_existing_details()

    with op.batch_alter_table("award", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(sa.Column("amount_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("increase_proposed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("increase_proposed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("increase_approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("increase_approved_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_award_increase_proposed_by_id_user"),
            "user",
            ["increase_proposed_by_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_award_increase_approved_by_id_user"),
            "user",
            ["increase_approved_by_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "increase_approver_is_not_proposer",
            "increase_approved_by_id IS NULL OR increase_approved_by_id <> increase_proposed_by_id",
        )


def downgrade() -> None:
    with op.batch_alter_table("award", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_constraint(op.f("ck_award_increase_approver_is_not_proposer"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_award_increase_approved_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_award_increase_proposed_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("increase_approved_at")
        batch_op.drop_column("increase_approved_by_id")
        batch_op.drop_column("increase_proposed_at")
        batch_op.drop_column("increase_proposed_by_id")
        batch_op.drop_column("amount_reason")

    with op.batch_alter_table(
        "bank_details", schema=None, table_kwargs=KEEP_IDS_UNIQUE
    ) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_details_account_fingerprint"))
        batch_op.drop_column("duplicate_reason")
        batch_op.drop_column("account_fingerprint")

    # Payments held to be stopped at the bank go back to their run, as the old schema knew them.
    op.execute(
        "UPDATE payment SET status = 'sent', hold_kind = NULL, hold_reason = NULL, "
        "held_from = NULL, held_by_id = NULL WHERE hold_kind = 'stop_at_bank'"
    )
    _allow_hold_kinds(HOLD_KINDS_BEFORE)

    with op.batch_alter_table("payment_run", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_constraint(op.f("ck_payment_run_void_says_when"), type_="check")
        batch_op.drop_constraint(op.f("ck_payment_run_sent_when_downloaded"), type_="check")
        batch_op.drop_constraint(op.f("ck_payment_run_payment_run_status"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_payment_run_first_downloaded_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("first_downloaded_by_id")
        batch_op.drop_column("first_downloaded_at")
        batch_op.drop_column("file_sha256")
        batch_op.drop_column("file_encrypted")
        batch_op.drop_column("status")
