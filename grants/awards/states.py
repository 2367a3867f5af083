"""The life cycles of an award and of a payment: the only tables that say which move is allowed
and who may make it. Groupings of states used elsewhere (committed, live, pending) live here too."""

from __future__ import annotations

import enum

from grants.statemachine import StateMachine


class Actor(enum.StrEnum):
    """Who moves an award or payment: a finance officer, the funded group (its signatory), or the
    service itself (an offer's expiry, a payment becoming active when first paid)."""

    FINANCE = "finance"
    GROUP = "group"
    SYSTEM = "system"


class AwardStatus(enum.StrEnum):
    PREPARING = "preparing"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    COMPLETED = "completed"
    CLOSED_EARLY = "closed_early"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return AWARD_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return AWARD_COLOURS[self]


AWARD_LABELS = {
    AwardStatus.PREPARING: "Offer being prepared",
    AwardStatus.OFFERED: "Offered",
    AwardStatus.ACCEPTED: "Accepted",
    AwardStatus.ACTIVE: "Active",
    AwardStatus.COMPLETED: "Completed",
    AwardStatus.CLOSED_EARLY: "Closed early",
    AwardStatus.DECLINED: "Declined by the group",
    AwardStatus.EXPIRED: "Offer expired",
    AwardStatus.WITHDRAWN: "Offer withdrawn",
}
AWARD_COLOURS = {
    AwardStatus.PREPARING: "grey",
    AwardStatus.OFFERED: "blue",
    AwardStatus.ACCEPTED: "turquoise",
    AwardStatus.ACTIVE: "green",
    AwardStatus.COMPLETED: "green",
    AwardStatus.CLOSED_EARLY: "orange",
    AwardStatus.DECLINED: "red",
    AwardStatus.EXPIRED: "red",
    AwardStatus.WITHDRAWN: "grey",
}

A = AwardStatus
AWARDS: StateMachine[AwardStatus, Actor] = StateMachine(
    "An award",
    {
        (A.PREPARING, A.OFFERED): frozenset({Actor.FINANCE}),
        (A.OFFERED, A.ACCEPTED): frozenset({Actor.GROUP, Actor.FINANCE}),  # finance: on paper
        (A.OFFERED, A.DECLINED): frozenset({Actor.GROUP, Actor.FINANCE}),
        (A.OFFERED, A.EXPIRED): frozenset({Actor.SYSTEM, Actor.FINANCE}),
        (A.OFFERED, A.WITHDRAWN): frozenset({Actor.FINANCE}),
        (A.PREPARING, A.WITHDRAWN): frozenset({Actor.FINANCE}),
        (A.ACCEPTED, A.ACTIVE): frozenset({Actor.SYSTEM}),  # when the first payment is paid
        (A.ACCEPTED, A.CLOSED_EARLY): frozenset({Actor.FINANCE}),
        (A.ACTIVE, A.COMPLETED): frozenset({Actor.FINANCE}),
        (A.ACTIVE, A.CLOSED_EARLY): frozenset({Actor.FINANCE}),
    },
)
# Money promised to a group: it counts against the round's budget. A finished award commits only
# what it finally spent (paid less money returned); one that never started commits nothing.
COMMITTED = frozenset({A.OFFERED, A.ACCEPTED, A.ACTIVE})
FINISHED = frozenset({A.COMPLETED, A.CLOSED_EARLY})
# An agreement is in force: payments may be raised, varied and recovered.
IN_FORCE = frozenset({A.ACCEPTED, A.ACTIVE})


class PaymentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    RAISED = "raised"
    APPROVED = "approved"
    SENT = "sent"
    PAID = "paid"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return PAYMENT_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return PAYMENT_COLOURS[self]


PAYMENT_LABELS = {
    PaymentStatus.SCHEDULED: "Scheduled",
    PaymentStatus.RAISED: "Awaiting approval",
    PaymentStatus.APPROVED: "Approved",
    PaymentStatus.SENT: "In a payment run",
    PaymentStatus.PAID: "Paid",
    PaymentStatus.HELD: "On hold",
    PaymentStatus.CANCELLED: "Cancelled",
}
PAYMENT_COLOURS = {
    PaymentStatus.SCHEDULED: "grey",
    PaymentStatus.RAISED: "blue",
    PaymentStatus.APPROVED: "turquoise",
    PaymentStatus.SENT: "purple",
    PaymentStatus.PAID: "green",
    PaymentStatus.HELD: "orange",
    PaymentStatus.CANCELLED: "red",
}

P = PaymentStatus
PAYMENTS: StateMachine[PaymentStatus, Actor] = StateMachine(
    "A payment",
    {
        (P.SCHEDULED, P.RAISED): frozenset({Actor.FINANCE}),
        (P.RAISED, P.APPROVED): frozenset({Actor.FINANCE}),  # by someone other than the raiser
        (P.APPROVED, P.SENT): frozenset({Actor.FINANCE}),  # in a payment run
        # The run is voided before its file was downloaded (a payee's bank details changed).
        (P.SENT, P.APPROVED): frozenset({Actor.SYSTEM}),
        # The run's file was downloaded, then the payee's details changed: stop it at the bank.
        (P.SENT, P.HELD): frozenset({Actor.SYSTEM}),
        # ... and finance hears the bank could not stop it: it goes on as sent.
        (P.HELD, P.SENT): frozenset({Actor.FINANCE}),
        (P.SENT, P.PAID): frozenset({Actor.FINANCE}),
        (P.APPROVED, P.PAID): frozenset({Actor.FINANCE}),  # paid outside a run (e.g. a cheque)
        **{
            (s, P.HELD): frozenset({Actor.FINANCE, Actor.SYSTEM})
            for s in (P.SCHEDULED, P.RAISED, P.APPROVED)
        },
        **{
            (P.HELD, s): frozenset({Actor.FINANCE, Actor.SYSTEM})
            for s in (P.SCHEDULED, P.RAISED, P.APPROVED)
        },
        **{
            (s, P.CANCELLED): frozenset({Actor.FINANCE})
            for s in (P.SCHEDULED, P.RAISED, P.APPROVED, P.HELD)
        },
    },
)
# Not yet paid and not stopped: what a change of bank details puts on hold.
PENDING = frozenset({P.SCHEDULED, P.RAISED, P.APPROVED})
# Money that has left (or is leaving, in a run) the council's account.
OUT = frozenset({P.PAID})


class PaymentRunStatus(enum.StrEnum):
    """A payment run's file: unsent until it is first downloaded; voided, unsent, when a payee's
    bank details change (its payments go back to approved, for a new run with a new file)."""

    UNSENT = "unsent"
    SENT = "sent"
    VOID = "void"

    @property
    def label(self) -> str:
        return RUN_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return RUN_COLOURS[self]


RUN_LABELS = {
    PaymentRunStatus.UNSENT: "Not downloaded yet",
    PaymentRunStatus.SENT: "Downloaded",
    PaymentRunStatus.VOID: "Voided",
}
RUN_COLOURS = {
    PaymentRunStatus.UNSENT: "blue",
    PaymentRunStatus.SENT: "green",
    PaymentRunStatus.VOID: "grey",
}
R = PaymentRunStatus
RUNS: StateMachine[PaymentRunStatus, Actor] = StateMachine(
    "A payment run",
    {
        (R.UNSENT, R.SENT): frozenset({Actor.FINANCE}),  # its file's first download
        (R.UNSENT, R.VOID): frozenset({Actor.SYSTEM}),  # a payee's bank details changed
    },
)
# The file may be downloaded (its first download sends it).
DOWNLOADABLE = frozenset({R.UNSENT, R.SENT})
