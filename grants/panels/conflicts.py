"""The panels domain's one conflict check, and what happens when a conflict is found by itself.

The rule is grants.applications.conflicts: nobody acts on an application of a group they belong
to now, or belonged to at any time between the application's creation and the action.

- Officers: every panel step an officer takes on one application (assigning it, recording or
  waiving a member's declaration, entering or reopening paper scores, its meeting page, its
  moderated score, its decision, its feedback and its letter) calls ``check_officer_may_act``
  first, in the route before any form is read and again in the service. Steps over many
  applications at once (assigning the panel, releasing decisions) leave the officer's own
  groups' applications for a colleague (``officer_conflicted_ids``, one query).
- Members: grants.panels.access refuses a member inside the window.
- Found automatically: ``conflict_found_automatically`` records the conflict as the member's
  declaration, audited, so none of their sheets for the application counts any more
  (grants.panels.declarations.counting_filter) while the sheets stay for the audit trail. It is
  called when the panel is assigned, and when someone joins (or rejoins) a group: organisations
  cannot import panels, so panels listens through grants.organisations.joins.
"""

from __future__ import annotations

from sqlalchemy import select

from grants import audit
from grants.accounts.models import User
from grants.applications.conflicts import (
    check_no_conflict,
    conflicted_application_ids,
    own_group_conflict,
)
from grants.applications.models import Application
from grants.extensions import db
from grants.organisations import joins
from grants.panels import addenda, freeze
from grants.panels.models import Assignment, Declaration, InterestKind
from grants.panels.record_models import RecordKind

FOUND_AUTOMATICALLY = "Member of the applying group (recorded automatically)"


def officer_conflict(officer: User, application: Application, verb: str) -> str | None:
    """Why this officer may not ``verb`` this application, or None when they may."""
    return own_group_conflict(officer, application, verb)


def check_officer_may_act(officer: User, application: Application, verb: str) -> None:
    """Refuse (403, saying why) an officer inside the application's window."""
    check_no_conflict(officer, application, verb)


def officer_conflicted_ids(officer: User, round_id: int) -> set[int]:
    """The round's applications this officer may not act on, in one query: bulk steps leave
    them for a colleague and pages offer no button for them."""
    return conflicted_application_ids(officer, Application.round_id == round_id)


def conflict_found_automatically(
    application_id: int, member_id: int, *, actor: User | None = None
) -> Declaration | None:
    """A panel member turns out to be inside the window of an application they were asked to
    score: record the conflict as their declaration (kind "member of the group", recorded by
    nobody, the reason saying it was recorded automatically), replacing any "no conflict" or
    waiver they had, so none of their live sheets (unsent, or sent before the work froze)
    counts. Audited as ``panel.conflict_found``, with ``actor`` the person whose step found it
    (the officer assigning, or the person joining the group).

    Once the application's panel work is frozen (``is_frozen``) the figures must not change:
    the finding is audited as ``panel.conflict_found_after_freeze``, no declaration is
    written, and the decision record gains an addendum saying so. Returns the declaration written, or
    None when nothing changed (a standing group-member conflict was already recorded).
    """
    declaration = db.session.scalar(
        select(Declaration).where(
            Declaration.application_id == application_id, Declaration.user_id == member_id
        )
    )
    if (
        declaration is not None
        and declaration.kind == InterestKind.GROUP_MEMBER
        and declaration.waived_at is None
    ):
        return None
    application = db.session.get(Application, application_id)
    if freeze.is_frozen(application):
        audit.record(
            actor,
            "panel.conflict_found_after_freeze",
            application,
            after={"member_id": member_id, "reason": FOUND_AUTOMATICALLY},
        )
        member = db.session.get(User, member_id)
        addenda.add_addendum(
            application.round,
            RecordKind.CONFLICT_FOUND,
            f"{member.full_name}, who was asked to score {application.reference}, belongs to the"
            " group that applied, or has done since it applied. This was found after the panel's"
            " work on it was settled, so the figures above stand as they were; read them knowing"
            " of this interest.",
            actor,
        )
        return None
    before = declaration.audit_view() if declaration else None
    if declaration is None:
        declaration = Declaration(application_id=application_id, user_id=member_id)
        db.session.add(declaration)
    declaration.kind = InterestKind.GROUP_MEMBER
    declaration.description = FOUND_AUTOMATICALLY
    declaration.recorded_by_id = None
    declaration.waived_at = declaration.waived_by_id = declaration.waiver_reason = None
    db.session.flush()
    audit.record(
        actor,
        "panel.conflict_found",
        declaration,
        before=before,
        after={**declaration.audit_view(), "member_id": member_id},
    )
    return declaration


def recheck_after_joining(person: User, organisation_id: int) -> None:
    """Someone joined (or rejoined) a group: every application of that group they were asked
    to score now conflicts, whatever they declared, and their sheets for it stop counting."""
    application_ids = db.session.scalars(
        select(Assignment.application_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.user_id == person.id, Application.organisation_id == organisation_id)
        .distinct()
        .order_by(Assignment.application_id)
    )
    for application_id in list(application_ids):
        conflict_found_automatically(application_id, person.id, actor=person)


def register() -> None:
    joins.on_join(recheck_after_joining)


register()
