"""The monitoring report's life cycle, and who may make each move.

A report the group owes is *due* until someone starts it; "due" and "overdue" are worked out
from the award's report dates (``award_report``) and today, never stored. Once started it is a
draft; the group sends it; an officer accepts it or asks for changes, which reopens it with
everything already typed, until it is sent again.
"""

from __future__ import annotations

import enum

from grants.statemachine import StateMachine


class Actor(enum.Enum):
    GROUP = "group"  # a member of the group, or an officer entering the report for them
    OFFICER = "officer"  # a programme officer reviewing it


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return REPORT_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return REPORT_COLOURS[self]


REPORT_LABELS = {
    ReportStatus.DRAFT: "Started",
    ReportStatus.SUBMITTED: "Sent",
    ReportStatus.CHANGES_REQUESTED: "Changes requested",
    ReportStatus.ACCEPTED: "Accepted",
}
REPORT_COLOURS = {
    ReportStatus.DRAFT: "light-blue",
    ReportStatus.SUBMITTED: "blue",
    ReportStatus.CHANGES_REQUESTED: "orange",
    ReportStatus.ACCEPTED: "green",
}

R = ReportStatus
REPORTS: StateMachine[ReportStatus, Actor] = StateMachine(
    "A report",
    {
        (R.DRAFT, R.SUBMITTED): frozenset({Actor.GROUP}),
        (R.CHANGES_REQUESTED, R.SUBMITTED): frozenset({Actor.GROUP}),
        (R.SUBMITTED, R.ACCEPTED): frozenset({Actor.OFFICER}),
        (R.SUBMITTED, R.CHANGES_REQUESTED): frozenset({Actor.OFFICER}),
    },
)
# The group may type into it.
EDITABLE = frozenset({R.DRAFT, R.CHANGES_REQUESTED})
# Sent at least once and not reopened: reminders stop, and it waits for (or has had) review.
SENT = frozenset({R.SUBMITTED, R.ACCEPTED})


class StoryConsent(enum.StrEnum):
    """What the group lets the council do with its story of change and photos."""

    NAMED = "named"
    ANONYMOUS = "anonymous"
    COUNCIL_ONLY = "council_only"

    @property
    def label(self) -> str:
        return CONSENT_LABELS[self]


CONSENT_LABELS = {
    StoryConsent.NAMED: "You may publish this with our group's name",
    StoryConsent.ANONYMOUS: "You may publish this without names",
    StoryConsent.COUNCIL_ONLY: "For the council only",
}


class ChangeKind(enum.StrEnum):
    """A change the group asks for in its report. Only finance can turn one into a variation."""

    MORE_TIME = "more_time"
    DIFFERENT_AMOUNT = "different_amount"
    MOVE_SPEND = "move_spend"

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self]


CHANGE_LABELS = {
    ChangeKind.MORE_TIME: "More time",
    ChangeKind.DIFFERENT_AMOUNT: "A different amount",
    ChangeKind.MOVE_SPEND: "Moving spending between budget lines",
}


class ChangeAnswer(enum.StrEnum):
    """Finance's written answer to a group's request."""

    AGREED = "agreed"
    REFUSED = "refused"
    VARIATION_PROPOSED = "variation_proposed"  # time or amount: a variation now awaits approval

    @property
    def label(self) -> str:
        return {
            ChangeAnswer.AGREED: "Agreed",
            ChangeAnswer.REFUSED: "Refused",
            ChangeAnswer.VARIATION_PROPOSED: "Change proposed",
        }[self]


class ReminderStage(enum.StrEnum):
    """When a group is reminded of a report, counted from its due date."""

    BEFORE = "before"  # 14 days before
    ON_THE_DAY = "on_the_day"
    AFTER = "after"  # 7 days after


class FileKind(enum.StrEnum):
    RECORDING = "recording"  # "what happened", spoken rather than written
    PHOTO = "photo"  # with the story of change
