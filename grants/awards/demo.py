"""Demo awards for the closed round's funded applications, made through the services, in every
state a finance officer meets:

- applicant@'s group: an offer waiting to be accepted;
- applicant2@'s group: an active award, its first instalment paid and the next waiting on the
  interim report;
- an offer still being prepared; an accepted award (on paper) whose bank details wait for
  verification; payments raised by finance@ waiting for finance2@'s approval and the reverse; an
  approved payment in a payment run ready to export; an active award with an increase agreed by
  variation and a change of bank details that voided the run its next instalment was in and put
  its payments on hold; and a completed award, paid from the NHS's contribution (its first
  instalment through a run whose file was downloaded), with an underspend returned.

Run twice, it adds nothing: once any award of the round has left "being prepared", it stops.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants.accounts.models import User
from grants.awards import bank, closing, offers, payments, recoveries, runs, services, variations
from grants.awards.models import (
    Award,
    RecoveryKind,
    ReportKind,
    VariationKind,
    VerificationMethod,
)
from grants.awards.pages import award_link, bank_details_link
from grants.awards.states import AwardStatus
from grants.clock import uk_today
from grants.extensions import db
from grants.funds.models import Contribution, Round
from grants.organisations.models import Membership
from grants.panels.demo import CLOSED_ROUND
from grants.pdf import html_to_pdf

NHS = ("NHS Greater Manchester Integrated Care", "GB-NHS-QOP", 5_000_000)
# Real-looking but made-up accounts (the format is all that is checked).
ACCOUNTS = (
    ("20-45-77", "13572468"),
    ("40-11-62", "24681357"),
    ("30-96-34", "11223344"),
    ("60-83-71", "55667788"),
    ("09-01-28", "99887766"),
    ("23-14-70", "31415926"),
    ("77-91-22", "27182818"),
    ("16-00-38", "16180339"),
)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def seed() -> Iterator[str]:
    round_ = db.session.scalar(select(Round).where(Round.slug == CLOSED_ROUND))
    if round_ is None:
        return
    awards = list(
        db.session.scalars(select(Award).where(Award.round_id == round_.id).order_by(Award.id))
    )
    if not awards:
        return
    if any(a.status != AwardStatus.PREPARING for a in awards):
        yield "Awards: already there"
        return
    finance, finance2 = _user("finance@example.org"), _user("finance2@example.org")
    nhs = _nhs_contribution(round_, finance)
    first = _award_of(awards, "applicant@example.org")
    second = _award_of(awards, "applicant2@example.org")
    others = [a for a in awards if a not in (first, second)]
    # The first of the others stays "being prepared": finance has not sent its offer yet.
    paper, raised, raised2, in_run, varied, completed = (others[1:] + [None] * 6)[:6]

    _offered(finance, first)
    _active_waiting_on_report(finance, finance2, second)
    if paper:
        _accepted_on_paper(finance, paper)
    for award, raiser in ((raised, finance), (raised2, finance2)):
        if award:
            _verified(finance, finance2, award)
            payments.raise_payment(raiser, award.payments[0])
    if in_run:
        _verified(finance, finance2, in_run)
        _approved(finance, finance2, in_run.payments[0])
        runs.create_run(finance, max(uk_today(), in_run.payments[0].due_on))
    if varied:
        _varied_then_bank_changed(finance, finance2, varied)
    if completed:
        _completed_from(finance, finance2, completed, nhs)
    db.session.flush()
    states = Counter(a.status.label.lower() for a in awards)
    yield (
        f"Awards for {round_.title}: "
        + ", ".join(f"{label} {count}" for label, count in sorted(states.items()))
        + "; payment runs ready to export, downloaded and voided"
    )


def _nhs_contribution(round_: Round, actor: User) -> Contribution:
    name, org_id, amount = NHS
    contribution = Contribution(
        fund_id=round_.fund_id,
        contributor_name=name,
        contributor_org_id=org_id,
        amount_pence=amount,
        received_on=uk_today() - timedelta(days=120),
        created_by_id=actor.id,
    )
    db.session.add(contribution)
    db.session.flush()
    db.session.expire(round_.fund, ["budget_pence"])
    return contribution


def _award_of(awards: list[Award], email: str) -> Award:
    user = _user(email)
    groups = set(
        db.session.scalars(
            select(Membership.organisation_id).where(
                Membership.user_id == user.id, Membership.current()
            )
        )
    )
    return next(a for a in awards if a.organisation_id in groups)


def _member(award: Award) -> User:
    return award.organisation.main_contact


def _offered(finance: User, award: Award) -> None:
    offers.send_offer(finance, award, award_link)


def _accepted(finance: User, award: Award) -> None:
    _offered(finance, award)
    member = _member(award)
    offers.accept(
        member,
        award,
        offers.Acceptance(full_name=member.full_name, role="Treasurer", confirmed=True),
        award_link,
        bank_details_link,
    )


def _accepted_on_paper(finance: User, award: Award) -> None:
    """Signed on paper and posted back; the group gave its bank details, not yet verified."""
    _offered(finance, award)
    scan = html_to_pdf("<p>Signed acceptance page</p>")
    offers.record_paper_acceptance(
        finance,
        award,
        offers.PaperAcceptance(
            full_name=_member(award).full_name,
            role="Secretary",
            signed_on=uk_today(),
            scan=FileStorage(io.BytesIO(scan), "signed-acceptance.pdf", "application/pdf"),
        ),
        award_link,
        bank_details_link,
    )
    _bank_details(_member(award), award)


def _bank_details(person: User, award: Award):
    """An account for the group; a second call (a change) gives a different one."""
    changes = len(bank.history_for(award.organisation_id))
    sort_code, number = ACCOUNTS[(award.id + changes) % len(ACCOUNTS)]
    return bank.enter(person, award, award.organisation.name, sort_code, number)


def _verified(finance: User, finance2: User, award: Award) -> None:
    _accepted(finance, award)
    details = _bank_details(_member(award), award)
    bank.verify(finance2, details, VerificationMethod.CALL_BACK, "Called the treasurer back")


def _approved(finance: User, finance2: User, payment) -> None:
    payments.raise_payment(finance, payment)
    payments.approve(finance2, payment)


def _paid(finance: User, finance2: User, payment, reference: str) -> None:
    _approved(finance, finance2, payment)
    payments.mark_paid(finance, payment, uk_today(), reference, link=award_link(payment.award))


def _active_waiting_on_report(finance: User, finance2: User, award: Award) -> None:
    _verified(finance, finance2, award)
    _paid(finance, finance2, award.payments[0], f"BACS-{award.id:04d}-1")


def _varied_then_bank_changed(finance: User, finance2: User, award: Award) -> None:
    _active_waiting_on_report(finance, finance2, award)
    variation = variations.propose(
        finance,
        award,
        variations.Proposal(
            kind=VariationKind.AMOUNT,
            reason="Venue hire rose after the offer; the group asked for the difference",
            amount_change_pence=50_000,
        ),
    )
    variations.approve(finance2, variation, link=award_link(award))
    # The next instalment goes in a run, and the change comes before its file is downloaded:
    # the run is voided and the payment held with the group's others.
    interim = next(r for r in award.reports if r.kind == ReportKind.INTERIM)
    services.record_report_accepted(finance, interim)
    _approved(finance, finance2, award.payments[1])
    runs.create_run(finance, max(uk_today(), award.payments[1].due_on))
    _bank_details(_member(award), award)  # a change: pending payments go on hold


def _completed_from(finance: User, finance2: User, award: Award, nhs: Contribution) -> None:
    services.adjust(
        finance,
        award,
        services.AwardChanges(
            amount_pence=award.amount_pence,
            start_date=award.start_date,
            end_date=award.end_date,
            conditions=list(award.conditions),
            contribution_id=nhs.id,
        ),
    )
    _verified(finance, finance2, award)
    for report in award.reports:
        services.record_report_accepted(finance, report)
    # The first instalment is paid through a run whose file Fatima (a bank-details viewer)
    # downloaded; the others were paid another way.
    first = award.payments[0]
    _approved(finance2, finance, first)
    run = runs.create_run(finance2, max(uk_today(), first.due_on)).run
    runs.run_file(finance, run)
    payments.mark_paid(finance, first, uk_today(), f"BACS-{award.id:04d}-1", link=award_link(award))
    for number, payment in enumerate(award.payments[1:], start=2):
        _paid(finance, finance2, payment, f"BACS-{award.id:04d}-{number}")
    recoveries.record(
        finance,
        award,
        recoveries.RecoveryDetails(
            kind=RecoveryKind.UNDERSPEND,
            amount_pence=min(30_000, award.amount_pence),
            received_on=uk_today(),
            reason="Fewer sessions were needed than planned; the group returned the rest",
        ),
    )
    closing.close(finance, award, AwardStatus.COMPLETED, "Final report accepted; project done")
