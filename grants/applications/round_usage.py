"""What applications know about a round that funds' locks need: has any group started applying,
and may a panel have scored? Registered with ``grants.funds.locks`` so funds never imports us.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from grants.applications.models import Application
from grants.applications.states import PANEL_STARTED
from grants.extensions import db
from grants.funds import locks
from grants.funds.models import Round


def has_applications(round_: Round) -> bool:
    return bool(db.session.scalar(select(exists().where(Application.round_id == round_.id))))


def panel_may_have_scored(round_: Round) -> bool:
    """The stand-in for "the first score has been recorded".

    Panels do not record scores yet, so an application of the round reaching panel review (or a
    decision) is the earliest sign that someone may have scored against the criteria. When the
    panels domain stores scores, it registers its own check and this one can go.
    """
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.round_id == round_.id,
                    Application.status.in_(PANEL_STARTED),
                )
            )
        )
    )


def register() -> None:
    locks.register_usage_check(locks.Fact.STARTED_APPLYING, has_applications)
    locks.register_usage_check(locks.Fact.PANEL_STARTED, panel_may_have_scored)
