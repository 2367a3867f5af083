"""awards, payments and partners' contributions

Revision ID: 0013_awards
Revises: 0012_meetings
Create Date: 2026-12-02 01:33:25

A fund's budget becomes the sum of its contributions: each fund's old total is kept as one
contribution from its funder (the council), dated the day the fund was created. Downgrading adds
the contributions back up into the total. Also: awards with their documents, report due dates,
payments, payment runs, variations and recoveries; groups' encrypted bank details; the round's
award terms; and the "bank details viewer" role.
"""

import sqlalchemy as sa
from alembic import op

KEEP_IDS_UNIQUE = {"sqlite_autoincrement": True}  # a rebuilt SQLite table keeps AUTOINCREMENT
ROLES_BEFORE = ("panel_member", "programme_officer", "finance_officer", "admin")
ROLES_AFTER = (*ROLES_BEFORE, "bank_details_viewer")

fund = sa.table(
    "fund",
    sa.column("id", sa.Integer),
    sa.column("total_budget_pence", sa.BigInteger),
    sa.column("funder_name", sa.String),
    sa.column("funder_org_id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
contribution = sa.table(
    "fund_contribution",
    sa.column("fund_id", sa.Integer),
    sa.column("contributor_name", sa.String),
    sa.column("contributor_org_id", sa.String),
    sa.column("amount_pence", sa.BigInteger),
    sa.column("received_on", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _allow_roles(roles) -> None:
    allowed = "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"
    for table in ("user_role", "invitation"):
        kwargs = {"table_kwargs": KEEP_IDS_UNIQUE} if table == "invitation" else {}
        with op.batch_alter_table(table, schema=None, **kwargs) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_role"), type_="check")
            batch_op.create_check_constraint("role", allowed)


revision = '0013_awards'
down_revision = '0012_meetings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fund_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('contributor_name', sa.String(length=200), nullable=False),
    sa.Column('contributor_org_id', sa.String(length=60), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_fund_contribution_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_fund_contribution_created_by_id_user')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_contribution_fund_id_fund')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_contribution')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('fund_contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_contribution_fund_id'), ['fund_id'], unique=False)

    op.create_table('payment_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('due_by', sa.Date(), nullable=False),
    sa.Column('total_pence', sa.BigInteger(), nullable=False),
    sa.Column('payment_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('total_pence >= 0', name=op.f('ck_payment_run_total_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_payment_run_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_run')),
    sqlite_autoincrement=True
    )
    op.create_table('award_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('single_payment_limit_pence', sa.BigInteger(), nullable=False),
    sa.Column('instalments', sa.JSON(), nullable=False),
    sa.Column('offer_valid_days', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.CheckConstraint('offer_valid_days >= 1', name=op.f('ck_award_terms_offer_valid_days_positive')),
    sa.CheckConstraint('single_payment_limit_pence >= 0', name=op.f('ck_award_terms_limit_not_negative')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_award_terms_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_terms')),
    sa.UniqueConstraint('round_id', name=op.f('uq_award_terms_round_id')),
    sqlite_autoincrement=True
    )
    op.create_table('bank_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('encrypted', sa.Text(), nullable=False),
    sa.Column('account_last4', sa.String(length=4), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verification_method', sa.Enum('call_back', 'bank_letter', 'bank_statement', name='verification_method', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('verified_at IS NULL OR verification_method IS NOT NULL', name=op.f('ck_bank_details_verified_says_how')),
    sa.CheckConstraint('verified_by_id IS NULL OR verified_by_id <> entered_by_id', name=op.f('ck_bank_details_verifier_is_not_enterer')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_bank_details_entered_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_bank_details_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_bank_details_verified_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_details')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('bank_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_details_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('preparing', 'offered', 'accepted', 'active', 'completed', 'closed_early', 'declined', 'expired', 'withdrawn', name='award_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offered_by_id', sa.Integer(), nullable=True),
    sa.Column('offer_expires_on', sa.Date(), nullable=True),
    sa.Column('offered_terms', sa.Text(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('signatory_name', sa.String(length=200), nullable=True),
    sa.Column('signatory_role', sa.String(length=200), nullable=True),
    sa.Column('accepted_on_paper', sa.Boolean(), nullable=True),
    sa.Column('ended_reason', sa.Text(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('accepted_at IS NULL OR signatory_name IS NOT NULL', name=op.f('ck_award_acceptance_has_signatory')),
    sa.CheckConstraint('amount_pence >= 0', name=op.f('ck_award_amount_not_negative')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_award_ends_after_start')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_award_accepted_by_id_user')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_award_application_id_application')),
    sa.ForeignKeyConstraint(['contribution_id'], ['fund_contribution.id'], name=op.f('fk_award_contribution_id_fund_contribution')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_award_created_by_id_user')),
    sa.ForeignKeyConstraint(['decision_id'], ['panel_decision.id'], name=op.f('fk_award_decision_id_panel_decision')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['user.id'], name=op.f('fk_award_ended_by_id_user')),
    sa.ForeignKeyConstraint(['offered_by_id'], ['user.id'], name=op.f('fk_award_offered_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_award_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_award_round_id_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('application_id', name=op.f('uq_award_application_id')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_award_decision_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_award_reference')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_status'), ['status'], unique=False)

    op.create_table('award_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('offer', 'countersigned', 'signed_scan', name='award_document_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_award_document_version_positive')),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_award_document_award_id_award')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_award_document_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_document')),
    sa.UniqueConstraint('award_id', 'kind', 'version', name='one_version_number'),
    sa.UniqueConstraint('stored_name', name=op.f('uq_award_document_stored_name')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('award_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_document_award_id'), ['award_id'], unique=False)

    op.create_table('award_recovery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('underspend', 'clawback', name='recovery_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_award_recovery_amount_positive')),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_award_recovery_award_id_award')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_award_recovery_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_recovery')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('award_recovery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_recovery_award_id'), ['award_id'], unique=False)

    op.create_table('award_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('interim', 'final', name='report_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_award_report_award_id_award')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_report')),
    sa.UniqueConstraint('award_id', 'kind', name='one_report_of_each_kind'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('award_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_report_award_id'), ['award_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('release_condition', sa.Enum('on_acceptance', 'interim_report', 'final_report', name='release_condition', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'raised', 'approved', 'sent', 'paid', 'held', 'cancelled', name='payment_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('remittance_reference', sa.String(length=100), nullable=True),
    sa.Column('paid_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('hold_kind', sa.Enum('manual', 'bank_details_changed', name='hold_kind', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('hold_reason', sa.Text(), nullable=True),
    sa.Column('held_from', sa.Enum('scheduled', 'raised', 'approved', 'sent', 'paid', 'held', 'cancelled', name='payment_held_from', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('held_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status <> 'held' OR (hold_reason IS NOT NULL AND held_from IS NOT NULL)", name=op.f('ck_payment_hold_has_reason')),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_payment_amount_positive')),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id <> raised_by_id', name=op.f('ck_payment_approver_is_not_raiser')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_payment_approved_by_id_user')),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_payment_award_id_award')),
    sa.ForeignKeyConstraint(['held_by_id'], ['user.id'], name=op.f('fk_payment_held_by_id_user')),
    sa.ForeignKeyConstraint(['paid_recorded_by_id'], ['user.id'], name=op.f('fk_payment_paid_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user.id'], name=op.f('fk_payment_raised_by_id_user')),
    sa.ForeignKeyConstraint(['run_id'], ['payment_run.id'], name=op.f('fk_payment_run_id_payment_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('award_id', 'number', name='one_instalment_number'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_award_id'), ['award_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_status'), ['status'], unique=False)

    op.create_table('award_variation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('amount', 'end_date', 'schedule', name='variation_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'rejected', name='variation_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('amount_change_pence', sa.BigInteger(), nullable=False),
    sa.Column('new_end_date', sa.Date(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('new_due_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> proposed_by_id', name=op.f('ck_award_variation_decider_is_not_proposer')),
    sa.ForeignKeyConstraint(['award_id'], ['award.id'], name=op.f('fk_award_variation_award_id_award')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_award_variation_decided_by_id_user')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_award_variation_payment_id_payment')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_award_variation_proposed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_variation')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('award_variation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_variation_award_id'), ['award_id'], unique=False)

    op.execute(
        contribution.insert().from_select(
            ["fund_id", "contributor_name", "contributor_org_id", "amount_pence", "received_on", "created_at"],
            sa.select(
                fund.c.id,
                fund.c.funder_name,
                fund.c.funder_org_id,
                fund.c.total_budget_pence,
                sa.func.date(fund.c.created_at),
                fund.c.created_at,
            ).where(fund.c.total_budget_pence > 0),
        )
    )
    with op.batch_alter_table('fund', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_constraint(op.f('ck_fund_budget_not_negative'), type_='check')
        batch_op.drop_column('total_budget_pence')
    _allow_roles(ROLES_AFTER)



def downgrade():
    user_role = sa.table("user_role", sa.column("role", sa.String))
    invitation = sa.table("invitation", sa.column("role", sa.String))
    op.execute(user_role.delete().where(user_role.c.role == "bank_details_viewer"))
    op.execute(invitation.update().where(invitation.c.role == "bank_details_viewer").values(role=None))
    _allow_roles(ROLES_BEFORE)
    with op.batch_alter_table('fund', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(
            sa.Column('total_budget_pence', sa.BigInteger(), nullable=False, server_default="0")
        )
    totals = (
        sa.select(sa.func.coalesce(sa.func.sum(contribution.c.amount_pence), 0))
        .where(contribution.c.fund_id == fund.c.id)
        .scalar_subquery()
    )
    op.execute(fund.update().values(total_budget_pence=totals))
    with op.batch_alter_table('fund', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.alter_column('total_budget_pence', server_default=None)
        batch_op.create_check_constraint('budget_not_negative', 'total_budget_pence >= 0')

    with op.batch_alter_table('award_variation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_variation_award_id'))

    op.drop_table('award_variation')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_status'))
        batch_op.drop_index(batch_op.f('ix_payment_run_id'))
        batch_op.drop_index(batch_op.f('ix_payment_due_on'))
        batch_op.drop_index(batch_op.f('ix_payment_award_id'))

    op.drop_table('payment')
    with op.batch_alter_table('award_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_report_award_id'))

    op.drop_table('award_report')
    with op.batch_alter_table('award_recovery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_recovery_award_id'))

    op.drop_table('award_recovery')
    with op.batch_alter_table('award_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_document_award_id'))

    op.drop_table('award_document')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_status'))
        batch_op.drop_index(batch_op.f('ix_award_round_id'))
        batch_op.drop_index(batch_op.f('ix_award_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_award_contribution_id'))

    op.drop_table('award')
    with op.batch_alter_table('bank_details', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_details_organisation_id'))

    op.drop_table('bank_details')
    op.drop_table('award_terms')
    op.drop_table('payment_run')
    with op.batch_alter_table('fund_contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_contribution_fund_id'))

    op.drop_table('fund_contribution')
