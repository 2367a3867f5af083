"""the fund's indicator library, and outcomes that can be added up

Revision ID: 0020_indicators
Revises: 0019_single_line_text
Create Date: 2026-12-06 21:05:00

Each fund gets a library of indicators (a name, how to count it, a unit and a principle). An
application's planned outcome either picks one, with a whole-number target, or is the group's
own outcome in words. Every outcome written before this revision becomes an own outcome: its
text moves to ``description`` and its target stays as the words the group typed.

Downgrading keeps every outcome too: one that picked an indicator becomes text again, its
indicator's name as the outcome and its target in words with its unit ("40 people", "75%").
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_indicators"
down_revision = "0019_single_line_text"
branch_labels = None
depends_on = None

KEEP_IDS_UNIQUE = {"sqlite_autoincrement": True}  # a rebuilt SQLite table keeps AUTOINCREMENT


def upgrade():
    op.create_table(
        "fund_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column(
            "unit",
            sa.Enum(
                "people",
                "sessions",
                "hours",
                "volunteers",
                "items",
                "percentage",
                "yes_no",
                name="indicator_unit",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("principle_id", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_fund_indicator_fund_id_fund")
        ),
        sa.ForeignKeyConstraint(
            ["principle_id"],
            ["principle.id"],
            name=op.f("fk_fund_indicator_principle_id_principle"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_indicator")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("fund_indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_indicator_fund_id"), ["fund_id"], unique=False)

    with op.batch_alter_table("outcome", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(sa.Column("indicator_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_value", sa.BigInteger(), nullable=True))
        batch_op.alter_column(
            "indicator",
            new_column_name="description",
            existing_type=sa.String(length=300),
            existing_nullable=False,
            nullable=True,
        )
        batch_op.alter_column("target", existing_type=sa.String(length=200), nullable=True)
        batch_op.create_index(batch_op.f("ix_outcome_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outcome_indicator_id_fund_indicator"),
            "fund_indicator",
            ["indicator_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "indicator_or_own",
            "(indicator_id IS NOT NULL AND target_value IS NOT NULL AND target_value >= 0)"
            " OR (indicator_id IS NULL AND description IS NOT NULL)",
        )


def downgrade():
    outcome = sa.table(
        "outcome",
        sa.column("indicator_id", sa.Integer),
        sa.column("target_value", sa.BigInteger),
        sa.column("description", sa.String),
        sa.column("target", sa.String),
    )
    indicator = sa.table(
        "fund_indicator",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("unit", sa.String),
    )

    def of_indicator(column):
        return (
            sa.select(column).where(indicator.c.id == outcome.c.indicator_id).scalar_subquery()
        )

    # The target in words, as the pages showed it: "40 people", "75%", "Yes".
    unit = of_indicator(indicator.c.unit)
    number = sa.cast(outcome.c.target_value, sa.String)
    target = sa.case(
        (unit == "yes_no", sa.case((outcome.c.target_value > 0, "Yes"), else_="No")),
        (unit == "percentage", number + "%"),
        else_=number + " " + unit,
    )
    op.execute(
        outcome.update()
        .where(outcome.c.indicator_id.is_not(None))
        .values(description=of_indicator(indicator.c.name), target=target)
    )
    op.execute(outcome.update().where(outcome.c.target.is_(None)).values(target=""))
    with op.batch_alter_table("outcome", schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outcome_indicator_or_own"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_outcome_indicator_id_fund_indicator"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outcome_indicator_id"))
        batch_op.alter_column("target", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column(
            "description",
            new_column_name="indicator",
            existing_type=sa.String(length=300),
            nullable=False,
        )
        batch_op.drop_column("target_value")
        batch_op.drop_column("indicator_id")

    with op.batch_alter_table("fund_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_indicator_fund_id"))

    op.drop_table("fund_indicator")
