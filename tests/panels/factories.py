"""Panels test data: eligible applications, a round's panel and its seated members."""

from __future__ import annotations

from grants.applications.models import Application
from grants.extensions import db
from grants.funds.models import Criterion, Round
from grants.panels.models import Panel, PanelProfile, PanelSeat, Representation
from grants.permissions import Role
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from tests.applications.factories import open_round, submitted_application
from tests.factories import make_user


def scoring_round(**overrides) -> Round:
    """An open round with three weighted criteria, the last one optional."""
    round_ = open_round(**overrides)
    for position, (name, weight, optional) in enumerate(
        [("Meets a local need", 3, False), ("Reaches people", 2, False), ("Value", 1, True)]
    ):
        db.session.add(
            Criterion(
                round=round_,
                position=position,
                name=name,
                weight=weight,
                max_score=5,
                optional=optional,
                level_guidance={str(n): f"Level {n}" for n in range(6)},
            )
        )
    db.session.flush()
    return round_


def eligible_application(round_: Round, officer=None) -> Application:
    """A sent application an officer has found eligible, ready to go to the panel."""
    application = submitted_application(round_)
    screening.screen(
        officer or make_user(Role.PROGRAMME_OFFICER),
        application,
        outcome="eligible",
        checklist=dict.fromkeys(CHECKLIST_LABELS, True),
        message=None,
        link_for=lambda a: f"/applications/{a.id}",
    )
    return application


def panel_member(representation: Representation = Representation.RESIDENT, **kwargs):
    member = make_user(Role.PANEL_MEMBER, **kwargs)
    db.session.add(PanelProfile(user_id=member.id, representation=representation))
    db.session.flush()
    return member


def make_panel(round_: Round, members=(), **settings) -> Panel:
    panel = Panel(round=round_, **settings)
    db.session.add(panel)
    db.session.flush()
    for member in members:
        db.session.add(PanelSeat(panel_id=panel.id, user_id=member.id))
    db.session.flush()
    return panel


def record_score(application: Application, criterion: Criterion, member=None, score=None):
    """A member's first score (a draft is enough) against one of the round's criteria."""
    from grants.panels.models import Score, ScoreSheet

    member = member or make_user(Role.PANEL_MEMBER)
    sheet = ScoreSheet(application_id=application.id, user_id=member.id)
    sheet.scores.append(Score(criterion_id=criterion.id, score=score, comment="Started"))
    db.session.add(sheet)
    db.session.flush()
    return sheet
