"""Set-up shared by the member-side panel tests: a member assigned an eligible application."""

from __future__ import annotations

from dataclasses import dataclass

from grants.applications.models import Application
from grants.extensions import db
from grants.funds.models import Round
from grants.panels import declarations
from grants.panels.models import Assignment, Panel
from grants.permissions import Role
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from tests.applications.factories import submitted_application
from tests.factories import make_group, make_user
from tests.panels.factories import eligible_application, make_panel, panel_member, scoring_round


def assign(panel: Panel, application: Application, member) -> Assignment:
    assignment = Assignment(panel_id=panel.id, application_id=application.id, user_id=member.id)
    db.session.add(assignment)
    db.session.flush()
    return assignment


@dataclass
class Setting:
    round: Round
    panel: Panel
    application: Application
    member: object
    officer: object

    @property
    def criteria(self):
        return list(self.round.criteria)


def assigned(*, blind: bool = False, declared: bool = True, group_name: str | None = None, **panel):
    """A round with a panel, one eligible application assigned to one member who (by default)
    has declared no conflict."""
    round_ = scoring_round(blind_panel=blind)
    officer = make_user(Role.PROGRAMME_OFFICER)
    if group_name:
        applicant = make_user(name="Brenda Hartley")
        group = make_group(applicant, name=group_name)
        application = submitted_application(round_, group)
        screening.screen(
            officer,
            application,
            outcome="eligible",
            checklist=dict.fromkeys(CHECKLIST_LABELS, True),
            message=None,
            link_for=lambda a: f"/applications/{a.id}",
        )
    else:
        application = eligible_application(round_, officer)
    member = panel_member(name="Maya Member")
    panel_ = make_panel(round_, [member], **panel)
    assign(panel_, application, member)
    if declared:
        declarations.declare(member, application, "none")
    return Setting(round_, panel_, application, member, officer)


def scores(setting: Setting, *values, na=(), comments=None):
    """ScoreValues for the setting's criteria: one value per criterion in order (None = blank)."""
    from grants.panels.scoring import Entry, ScoreValues

    result = ScoreValues()
    for index, criterion in enumerate(setting.criteria):
        value = values[index] if index < len(values) else None
        result.entries[criterion.id] = Entry(
            score=value,
            not_applicable=index in na,
            comment=(comments or {}).get(index),
        )
    return result
