"""The officer's view of a round's scores and their fairness: each member's progress, how each
scorer compares with the rest of the panel, how far the averaged scores can be relied on, and
each application's scores in and figures.

Everything is loaded in a fixed number of queries however many applications and members the
round has: the aggregation's inputs (``meetings.scoring_inputs``, which counts only submitted
sheets of members without a standing conflict), then who is asked to score what, the conflicts
and which sheets are submitted, read as plain rows (a round of 500 applications and 7 scorers
has 3,500 assignments, too many to build as ORM objects on every page view) and judged by
``assignment.PanelState``'s rules, so that "scores in" means here what it means on the panel's
other pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import PANEL_STARTED
from grants.extensions import db
from grants.panels import aggregation, assignment
from grants.panels.meetings import scoring_inputs
from grants.panels.models import (
    AssignmentStatus,
    Panel,
)

# Conventional readings of an intraclass correlation (Koo & Li 2016): below 0.5 poor,
# 0.5 to 0.75 moderate, 0.75 to 0.9 good, 0.9 and over excellent.
_READINGS = (
    (
        0.9,
        "Very high",
        "The averaged scores separate the applications very consistently: a different set of "
        "scorers would very probably have ranked them the same way.",
    ),
    (
        0.75,
        "High",
        "The averaged scores separate the applications well: a different set of scorers would "
        "probably have ranked them in much the same order.",
    ),
    (
        0.5,
        "Moderate",
        "Typical of grant panels. The averaged scores separate strong applications from weak "
        "ones, but applications a few points apart could swap places with different scorers, "
        "so treat close scores as a tie and discuss them.",
    ),
    (
        0.0,
        "Low",
        "The scorers agree little, so the averaged scores tell applications apart only weakly. "
        "Do not rely on the ranking alone: discuss the applications near the funding line, and "
        "check whether the criteria and guidance were read the same way.",
    ),
)
_NO_AGREEMENT = (
    "None",
    "The scores tell the applications apart no better than chance. The ranking should not be "
    "used on its own: discuss the applications and check how the criteria were understood.",
)


# Below these, any figure is mostly chance: nine scores can give an ICC of 1.00 by luck.
MIN_SHEETS_FOR_RELIABILITY = 20
MIN_SCORERS_FOR_RELIABILITY = 3  # on most (more than half) of the scored applications


@dataclass(frozen=True)
class Reliability:
    """How far the round's averaged scores can be relied on, with a plain-English reading."""

    icc_1k: float | None
    krippendorff_alpha: float | None
    level: str
    reading: str

    @property
    def known(self) -> bool:
        return self.icc_1k is not None

    @property
    def icc_text(self) -> str:
        return _coefficient(self.icc_1k)

    @property
    def alpha_text(self) -> str:
        return _coefficient(self.krippendorff_alpha)


def _coefficient(value: float | None) -> str:
    """A coefficient as the page shows it. Below 0 the figure itself means nothing more (a
    one-way ICC can fall far below -1 when applications' means barely differ), so it is said in
    words rather than printed as, say, -520.00."""
    if value is None:
        return "Not known"
    if value < 0:
        return "Below 0: scorers disagree more than chance"
    return f"{value:.2f}"


def reliability(
    icc_1k: float | None,
    krippendorff_alpha: float | None,
    *,
    sheets: int | None = None,
    scorers_per_application: Sequence[int] = (),
    icc_problem: str | None = None,
) -> Reliability:
    """Read ICC(1,k) on the conventional scale; alpha is shown beside it as a second opinion.

    With ``sheets`` given, a round with fewer than MIN_SHEETS_FOR_RELIABILITY sheets, or with
    fewer than MIN_SCORERS_FOR_RELIABILITY scorers on most applications, is "too few to judge":
    a reading from so little would claim more than the scores can say. ``icc_problem`` is why
    the ICC is undefined, when it is."""
    if sheets and _too_few(sheets, scorers_per_application):
        return Reliability(
            icc_1k,
            krippendorff_alpha,
            "Too few scores to judge yet",
            f"Reliability can be judged from {MIN_SHEETS_FOR_RELIABILITY} submitted scores, "
            f"with at least {MIN_SCORERS_FOR_RELIABILITY} members scoring most applications. "
            f"There are {sheets} so far. Until then, treat the ranking as a starting point for "
            "discussion.",
        )
    if icc_1k is None:
        if icc_problem and sheets:
            return Reliability(
                None,
                krippendorff_alpha,
                "Undefined",
                f"The intraclass correlation is undefined: {icc_problem}.",
            )
        return Reliability(
            None,
            krippendorff_alpha,
            "Not known yet",
            "Reliability needs at least two applications each scored by two or more members, "
            "with scores that differ. It appears here as scores are submitted.",
        )
    level, reading = _NO_AGREEMENT
    for floor, floor_level, floor_reading in _READINGS:
        if icc_1k >= floor:
            level, reading = floor_level, floor_reading
            break
    return Reliability(icc_1k, krippendorff_alpha, level, reading)


def _too_few(sheets: int, scorers_per_application: Sequence[int]) -> bool:
    if sheets < MIN_SHEETS_FOR_RELIABILITY:
        return True
    enough = sum(1 for n in scorers_per_application if n >= MIN_SCORERS_FOR_RELIABILITY)
    return 2 * enough <= len(scorers_per_application)


@dataclass(frozen=True)
class MemberRow:
    """One member of the panel (or a past scorer whose submitted scores still count)."""

    user: User
    seated: bool
    assigned: int  # still assigned, with no conflict
    submitted: int  # of those, submitted
    declined: int
    conflicts: int  # applications with the panel they have a conflict with
    calibration: aggregation.ScorerCalibration | None

    @property
    def progress_label(self) -> str:
        return f"{self.submitted} of {self.assigned}"


@dataclass(frozen=True)
class ApplicationRow:
    application: Application  # or a row with its id, reference and title
    submitted: int
    active: int
    aggregate: aggregation.ApplicationAggregate | None

    @property
    def scores_in(self) -> str:
        return f"{self.submitted} of {self.active}"


@dataclass(frozen=True)
class FairnessView:
    panel: Panel
    members: list[MemberRow]
    applications: list[ApplicationRow]
    reliability: Reliability
    panel_mean: float | None
    sheets_counted: int

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.applications if row.aggregate and row.aggregate.disagreement)


def fairness(panel: Panel) -> FairnessView:
    """The round's scores and fairness figures for officers, in a fixed number of queries."""
    sheets, specs = scoring_inputs(panel.round_id)
    summary = aggregation.round_summary(
        sheets,
        specs,
        sd_threshold=panel.disagreement_sd,
        range_threshold=panel.disagreement_range,
    )
    state = assignment.panel_state(panel, statuses=tuple(PANEL_STARTED))
    submitted = assignment.submitted_pairs(panel)
    active = state.active
    applications = [
        ApplicationRow(
            application=application,
            submitted=sum((application.id, m) in submitted for m in active.get(application.id, ())),
            active=len(active.get(application.id, ())),
            aggregate=summary.aggregates.get(application.id),
        )
        for application in state.applications
    ]
    return FairnessView(
        panel=panel,
        members=_members(state, active, submitted, summary.calibration),
        applications=applications,
        reliability=reliability(
            summary.icc_1k,
            summary.krippendorff_alpha,
            sheets=sum(aggregate.n for aggregate in summary.aggregates.values()),
            scorers_per_application=[a.n for a in summary.aggregates.values()],
            icc_problem=summary.icc_problem,
        ),
        panel_mean=next(iter(summary.calibration.values())).panel_mean
        if summary.calibration
        else None,
        sheets_counted=sum(aggregate.n for aggregate in summary.aggregates.values()),
    )


def _members(state, active, submitted, calibration) -> list[MemberRow]:
    assigned: dict[int, int] = defaultdict(int)
    done: dict[int, int] = defaultdict(int)
    for application_id, scorers in active.items():
        for member in scorers:
            assigned[member] += 1
            done[member] += (application_id, member) in submitted
    declined: dict[int, int] = defaultdict(int)
    for item in state.assignments:
        if item.status == AssignmentStatus.DECLINED:
            declined[item.user_id] += 1
    conflicts: dict[int, int] = defaultdict(int)
    for _application_id, member in state.conflicts | state.group_members:
        conflicts[member] += 1
    seated = set(state.member_ids)
    people = seated | set(calibration)
    users = db.session.scalars(select(User).where(User.id.in_(people))).all()
    rows = [
        MemberRow(
            user=user,
            seated=user.id in seated,
            assigned=assigned[user.id],
            submitted=done[user.id],
            declined=declined[user.id],
            conflicts=conflicts[user.id],
            calibration=calibration.get(user.id),
        )
        for user in users
    ]
    return sorted(rows, key=lambda row: (not row.seated, row.user.full_name, row.user.id))
