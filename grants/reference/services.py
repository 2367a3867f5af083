"""Admins keep the reference data right: neighbourhood names and places, and the principles."""

from __future__ import annotations

from sqlalchemy import func, select

from grants import audit
from grants.errors import DomainError
from grants.extensions import db
from grants.reference.models import Neighbourhood, Principle

PRINCIPLES = [
    (
        "See the person",
        "Value people for who they are and what they bring, not only what they need.",
    ),
    ("Listen deeply", "Hear what people and communities are saying, especially those heard least."),
    ("Know this place", "Understand the neighbourhood, its history, strengths and challenges."),
    (
        "Connect to neighbourhoods",
        "Build relationships and links between people and groups locally.",
    ),
    ("Show our love and pride", "Celebrate what is good about the borough and its communities."),
    ("Do the right thing", "Act with fairness, honesty and care, and be open about decisions."),
]


def neighbourhoods_query(*, include_inactive: bool = True):
    query = select(Neighbourhood).order_by(Neighbourhood.name)
    if not include_inactive:
        query = query.where(Neighbourhood.is_active)
    return query


def active_neighbourhoods() -> list[Neighbourhood]:
    return list(db.session.scalars(neighbourhoods_query(include_inactive=False)))


def update_neighbourhood(
    actor, neighbourhood: Neighbourhood, *, name: str, place: str | None, is_active: bool
) -> Neighbourhood:
    before = neighbourhood.audit_view()
    neighbourhood.name = name.strip()
    neighbourhood.place = (place or "").strip() or None
    neighbourhood.is_active = is_active
    audit.record(
        actor,
        "neighbourhood.updated",
        neighbourhood,
        before=before,
        after=neighbourhood.audit_view(),
    )
    db.session.flush()
    return neighbourhood


def principles(*, include_inactive: bool = True) -> list[Principle]:
    query = select(Principle).order_by(Principle.position, Principle.id)
    if not include_inactive:
        query = query.where(Principle.is_active)
    return list(db.session.scalars(query))


def _name_taken(name: str, exclude_id: int | None) -> bool:
    query = select(Principle.id).where(func.lower(Principle.name) == name.strip().lower())
    if exclude_id:
        query = query.where(Principle.id != exclude_id)
    return db.session.scalar(query) is not None


def save_principle(
    actor,
    principle: Principle | None,
    *,
    name: str,
    description: str,
    position: int,
    is_active: bool = True,
) -> Principle:
    if _name_taken(name, principle.id if principle else None):
        raise DomainError("A principle with this name already exists", field="name")
    before = principle.audit_view() if principle else None
    if principle is None:
        principle = Principle()
        db.session.add(principle)
    principle.name = name.strip()
    principle.description = description.strip()
    principle.position = position
    principle.is_active = is_active
    db.session.flush()
    audit.record(
        actor,
        "principle.updated" if before else "principle.created",
        principle,
        before=before,
        after=principle.audit_view(),
    )
    db.session.flush()
    return principle


def seed_principles() -> int:
    """Add any of the six founding principles that are missing. Returns how many were added."""
    added = 0
    for position, (name, description) in enumerate(PRINCIPLES, start=1):
        if not _name_taken(name, None):
            principle = Principle(name=name, description=description, position=position)
            db.session.add(principle)
            db.session.flush()
            audit.record(None, "principle.created", principle, after=principle.audit_view())
            added += 1
    db.session.flush()
    return added
