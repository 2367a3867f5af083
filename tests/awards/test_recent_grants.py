"""Someone given a finance role in the last 7 days is not yet the second pair of eyes for the
person who gave it: they cannot approve that person's payments or decide their variations.

Without this, an admin who is also a finance officer could invite an alias as a finance officer
(where two-person grants are turned off) and approve their own payments through it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from grants.accounts import grant_decisions, role_grants, staff_invitations
from grants.accounts.models import RoleGrant
from grants.awards import payments, services, variations
from grants.awards.states import PaymentStatus
from grants.clock import utcnow
from grants.errors import NotAllowed
from grants.extensions import db
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_payments_setup import ready_award
from tests.awards.test_variations import amount, in_force
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("reference_data")


def _invite_alias(admin, email="alias@example.org"):
    tokens = []
    invitation = staff_invitations.invite(
        admin, email=email, role=Role.FINANCE_OFFICER, link_for=lambda t: tokens.append(t) or t
    )
    return invitation, tokens


def _accept(tokens):
    return staff_invitations.accept_invitation(tokens[-1], full_name="Al Ias", password=PASSWORD)


def _days_ago(days: int) -> None:
    db.session.execute(update(RoleGrant).values(took_effect_at=utcnow() - timedelta(days=days)))
    db.session.flush()


@pytest.fixture
def one_admin(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_PERSON_ROLE_GRANTS", False)


def test_an_alias_invited_alone_cannot_approve_the_inviters_payments(one_admin, outbox):
    ready = ready_award()
    boss = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    _invitation, tokens = _invite_alias(boss)
    alias = _accept(tokens)
    assert Role.FINANCE_OFFICER in alias.roles  # one admin may grant it here...
    payment = ready.award.payments[0]
    payments.raise_payment(boss, payment)
    with pytest.raises(NotAllowed, match="gave you your finance role less than 7 days ago"):
        payments.approve(alias, payment)  # ...but not use it to approve their own payments
    assert payment.status == PaymentStatus.RAISED
    payments.approve(ready.approver, payment)  # anyone else may
    assert payment.status == PaymentStatus.APPROVED


def test_after_7_days_the_rule_no_longer_applies(one_admin, outbox):
    ready = ready_award()
    boss = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    _invitation, tokens = _invite_alias(boss)
    alias = _accept(tokens)
    _days_ago(8)
    payment = ready.award.payments[0]
    payments.raise_payment(boss, payment)
    payments.approve(alias, payment)
    assert payment.status == PaymentStatus.APPROVED


def test_granting_the_role_on_the_persons_page_counts_too(one_admin, outbox):
    from grants.accounts import services as accounts

    ready = ready_award()
    boss = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    alias = make_user(Role.PANEL_MEMBER)
    accounts.grant_role(boss, alias, Role.FINANCE_OFFICER)
    assert role_grants.granted_by_within(alias, boss.id)
    assert not role_grants.granted_by_within(alias, ready.raiser.id)
    payment = ready.award.payments[0]
    payments.raise_payment(boss, payment)
    with pytest.raises(NotAllowed, match="less than 7 days ago"):
        payments.approve(alias, payment)


def test_the_confirming_admin_counts_as_a_granter_too(outbox):
    ready = ready_award()
    proposer = make_user(Role.ADMIN)
    confirmer = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    _invitation, _tokens = _invite_alias(proposer)
    grant = db.session.scalar(db.select(RoleGrant))
    grant_decisions.confirm(confirmer, grant, link_for=lambda t: _tokens.append(t) or t)
    alias = _accept(_tokens)
    payment = ready.award.payments[0]
    payments.raise_payment(confirmer, payment)
    with pytest.raises(NotAllowed, match="less than 7 days ago"):
        payments.approve(alias, payment)


def test_an_alias_cannot_decide_the_granters_variations(one_admin, outbox):
    boss = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    _invitation, tokens = _invite_alias(boss)
    alias = _accept(tokens)
    award = in_force(released_award(1_000_000).award, paid=1)
    variation = variations.propose(boss, award, amount(250_000))
    with pytest.raises(NotAllowed, match="less than 7 days ago"):
        variations.approve(alias, variation, link="https://example.org/awards/1")
    with pytest.raises(NotAllowed, match="less than 7 days ago"):
        variations.reject(alias, variation)
    variations.approve(finance_officer(), variation, link="https://example.org/awards/1")


def test_the_approve_button_explains_the_refusal(client, one_admin, outbox):
    from tests.checks import soup_of
    from tests.factories import sign_in

    ready = ready_award()
    boss = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    _invitation, tokens = _invite_alias(boss)
    alias = _accept(tokens)
    payment = ready.award.payments[0]
    payments.raise_payment(boss, payment)
    sign_in(client, alias)
    response = client.post(f"/payments/{payment.id}/approve")
    assert response.status_code == 302
    page = soup_of(client.get(response.headers["Location"])).get_text(" ", strip=True)
    assert "gave you your finance role less than 7 days ago" in page
    db.session.expire_all()
    assert payment.status == PaymentStatus.RAISED


def test_an_alias_invited_alone_cannot_approve_the_inviters_increase(one_admin, outbox):
    award = released_award(500_000).award
    boss = make_user(Role.ADMIN, Role.FINANCE_OFFICER)
    _invitation, tokens = _invite_alias(boss)
    alias = _accept(tokens)
    services.adjust(
        boss,
        award,
        services.AwardChanges(
            amount_pence=600_000,
            start_date=award.start_date,
            end_date=award.end_date,
            conditions=list(award.conditions),
            amount_reason="Venue costs rose after the panel met",
        ),
    )
    with pytest.raises(NotAllowed, match="gave you your finance role less than 7 days ago"):
        services.approve_increase(alias, award, award.amount_pence)
    assert award.increase_awaits_approval
    _days_ago(8)
    services.approve_increase(alias, award, award.amount_pence)
    assert award.increase_approved_by_id == alias.id
