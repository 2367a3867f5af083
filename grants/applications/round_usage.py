"""What applications know about a round that funds' locks need: has any group started applying?
Registered with ``grants.funds.locks`` so funds never imports us. (Whether the panel has started
scoring is the panels domain's answer: grants.panels.scoring.)
"""

from __future__ import annotations

from sqlalchemy import exists, select

from grants.applications.models import Application
from grants.extensions import db
from grants.funds import locks
from grants.funds.models import Round


def has_applications(round_: Round) -> bool:
    return bool(db.session.scalar(select(exists().where(Application.round_id == round_.id))))


def register() -> None:
    locks.register_usage_check(locks.Fact.STARTED_APPLYING, has_applications)
