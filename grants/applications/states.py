"""The application life cycle: one explicit table of allowed transitions and who may make each.

Nothing else decides whether a status may change; services call :func:`check_transition`, which
raises :class:`IllegalTransition` (a DomainError the route shows) for anything not in the table.
The groupings below (SENT, DECIDED, EDITABLE, WITHDRAWABLE) are the only lists of states the rest
of the code uses; templates ask the model (``application.can_withdraw``), never a state's name.
"""

from __future__ import annotations

import enum

from grants.statemachine import IllegalTransition, StateMachine  # noqa: F401 (re-exported)


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    MORE_INFORMATION_REQUESTED = "more_information_requested"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    IN_PANEL_REVIEW = "in_panel_review"
    FUNDED = "funded"
    FUNDED_WITH_CONDITIONS = "funded_with_conditions"
    RESERVE = "reserve"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS.get(self, "grey")


STATUS_LABELS = {
    ApplicationStatus.DRAFT: "Draft",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.MORE_INFORMATION_REQUESTED: "More information needed",
    ApplicationStatus.ELIGIBLE: "Eligible",
    ApplicationStatus.INELIGIBLE: "Not eligible",
    ApplicationStatus.IN_PANEL_REVIEW: "With the panel",
    ApplicationStatus.FUNDED: "Funded",
    ApplicationStatus.FUNDED_WITH_CONDITIONS: "Funded with conditions",
    ApplicationStatus.RESERVE: "Reserve list",
    ApplicationStatus.DECLINED: "Not funded",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}
TAG_COLOURS = {
    ApplicationStatus.DRAFT: "grey",
    ApplicationStatus.SUBMITTED: "blue",
    ApplicationStatus.MORE_INFORMATION_REQUESTED: "orange",
    ApplicationStatus.ELIGIBLE: "turquoise",
    ApplicationStatus.INELIGIBLE: "red",
    ApplicationStatus.IN_PANEL_REVIEW: "purple",
    ApplicationStatus.FUNDED: "green",
    ApplicationStatus.FUNDED_WITH_CONDITIONS: "green",
    ApplicationStatus.RESERVE: "yellow",
    ApplicationStatus.DECLINED: "red",
    ApplicationStatus.WITHDRAWN: "grey",
}


class Actor(enum.StrEnum):
    """Who makes a transition: the applying group (or an officer entering for them) or an officer."""

    APPLICANT = "applicant"
    OFFICER = "officer"


S = ApplicationStatus
# Before the panel decides, the group may still withdraw (a draft is deleted instead).
PRE_DECISION = (S.SUBMITTED, S.MORE_INFORMATION_REQUESTED, S.ELIGIBLE, S.IN_PANEL_REVIEW)

TRANSITIONS: dict[tuple[ApplicationStatus, ApplicationStatus], frozenset[Actor]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({Actor.APPLICANT}),
    (S.SUBMITTED, S.MORE_INFORMATION_REQUESTED): frozenset({Actor.OFFICER}),
    (S.MORE_INFORMATION_REQUESTED, S.SUBMITTED): frozenset({Actor.APPLICANT}),
    (S.SUBMITTED, S.ELIGIBLE): frozenset({Actor.OFFICER}),
    (S.SUBMITTED, S.INELIGIBLE): frozenset({Actor.OFFICER}),
    # An officer corrects a screening outcome found to be wrong, with a reason.
    (S.ELIGIBLE, S.INELIGIBLE): frozenset({Actor.OFFICER}),
    (S.INELIGIBLE, S.ELIGIBLE): frozenset({Actor.OFFICER}),
    (S.ELIGIBLE, S.IN_PANEL_REVIEW): frozenset({Actor.OFFICER}),
    (S.IN_PANEL_REVIEW, S.FUNDED): frozenset({Actor.OFFICER}),
    (S.IN_PANEL_REVIEW, S.FUNDED_WITH_CONDITIONS): frozenset({Actor.OFFICER}),
    (S.IN_PANEL_REVIEW, S.RESERVE): frozenset({Actor.OFFICER}),
    (S.IN_PANEL_REVIEW, S.DECLINED): frozenset({Actor.OFFICER}),
    (S.RESERVE, S.FUNDED): frozenset({Actor.OFFICER}),
    (S.RESERVE, S.FUNDED_WITH_CONDITIONS): frozenset({Actor.OFFICER}),
    (S.RESERVE, S.DECLINED): frozenset({Actor.OFFICER}),
    **{(state, S.WITHDRAWN): frozenset({Actor.APPLICANT}) for state in PRE_DECISION},
}
APPLICATIONS = StateMachine("An application", TRANSITIONS)

# Groupings, defined once. Everything an officer screens has been sent at least once; drafts
# belong to their group.
SENT = frozenset(status for status in ApplicationStatus if status != S.DRAFT)
# The states the applicant (or an officer entering for them) may edit the answers in.
EDITABLE = frozenset({S.DRAFT, S.MORE_INFORMATION_REQUESTED})
# The applicant may withdraw from these, straight from the table.
WITHDRAWABLE = APPLICATIONS.sources(S.WITHDRAWN, [Actor.APPLICANT])
# A panel has decided (or may have scored, from IN_PANEL_REVIEW on: see PANEL_STARTED).
DECIDED = frozenset({S.FUNDED, S.FUNDED_WITH_CONDITIONS, S.RESERVE, S.DECLINED})
PANEL_STARTED = frozenset({S.IN_PANEL_REVIEW, *DECIDED})
# Applications that no longer hold a group's place in a round: withdrawn, or found not eligible
# (a group may then apply again where the round allows one application each).
SET_ASIDE = frozenset({S.WITHDRAWN, S.INELIGIBLE})
# Officers decide these two with a message the group must read.
EXPLAINED = frozenset({S.INELIGIBLE, S.MORE_INFORMATION_REQUESTED})
# An officer's panel stages and decisions, recorded after screening.
DECISIONS = (S.IN_PANEL_REVIEW, S.FUNDED, S.FUNDED_WITH_CONDITIONS, S.RESERVE, S.DECLINED)


def allowed(current: ApplicationStatus, target: ApplicationStatus, actor: Actor) -> bool:
    return APPLICATIONS.allowed(current, target, actor)


def check_transition(current: ApplicationStatus, target: ApplicationStatus, actor: Actor) -> None:
    APPLICATIONS.check(current, target, actor)


def next_steps(status: ApplicationStatus) -> str:
    """What happens next, in plain English, for the applicant's dashboard."""
    return NEXT_STEPS[status]


NEXT_STEPS = {
    S.DRAFT: "Finish each section, then check your answers and send the application before the round closes.",
    S.SUBMITTED: "We will check your application is eligible, usually within 10 working days.",
    S.MORE_INFORMATION_REQUESTED: "We need more information. Read our message, change your answers and send the application again.",
    S.ELIGIBLE: "Your application is eligible. A community panel will score it after the round closes.",
    S.INELIGIBLE: "Your application cannot be funded from this round. Read our reason for other help that may be available.",
    S.IN_PANEL_REVIEW: "A community panel is scoring your application. We will tell you the decision by email.",
    S.FUNDED: "Congratulations. We will send you a grant offer to accept.",
    S.FUNDED_WITH_CONDITIONS: "Congratulations. We will send you a grant offer with conditions to accept.",
    S.RESERVE: "Your application is on the reserve list. We will contact you if money becomes available.",
    S.DECLINED: "Your application was not funded this time. We will send you the panel's feedback.",
    S.WITHDRAWN: "You withdrew this application. You can apply again in a future round.",
}
