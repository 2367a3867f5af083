"""Blind rounds: the one rule for what a panel member may learn of who applied.

In a round with ``blind_panel`` set, members score the idea, not the people: during independent
scoring, the group's name and the names of its people (its members, its contact, whoever signed
the declaration or entered it) are hidden everywhere a member can look. Every member-facing
surface (pages, document names, the scoring pack PDF, emails, lists) draws the application through
:func:`member_view`, so this module is the only place the rule lives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.display import answer_text
from grants.applications.models import BENEFICIARY_GROUPS, Application, Document
from grants.extensions import db
from grants.funds.models import QuestionKind
from grants.money import format_pence
from grants.organisations.models import Membership
from grants.uploads import EXTENSIONS

GROUP_PLACEHOLDER = "[group name]"
NAME_PLACEHOLDER = "[name removed]"
# Parts of names shorter than this ("Al", "Jo") are too likely to be ordinary words to remove.
SHORTEST_NAME_PART = 3


def is_blind(application: Application) -> bool:
    return bool(application.round.blind_panel)


def anonymous_name(application: Application) -> str:
    """How a blind round names the group: by the application's reference, which says nothing."""
    return f"Applicant {application.reference or application.id}"


def _people_names(application: Application) -> set[str]:
    names = set(
        db.session.scalars(
            select(User.full_name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == application.organisation_id,
                Membership.held_since(application.created_at),
            )
        )
    )
    organisation = application.organisation
    names.update(
        name
        for name in (
            organisation.contact_name,
            application.declaration_name,
            application.created_by.full_name if application.created_by else None,
        )
        if name
    )
    return {name.strip() for name in names if name and name.strip()}


def _pattern(words: set[str]) -> re.Pattern | None:
    if not words:
        return None
    # Longest first, so "Ann Smith" goes as a whole before "Ann" alone.
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(word) for word in alternatives) + r")(?!\w)",
        re.IGNORECASE,
    )


@dataclass
class MemberView:
    """An application as a panel member may see it. In a blind round, every text goes through
    :meth:`text`, and the group is :attr:`group_name`."""

    application: Application

    @property
    def blind(self) -> bool:
        return is_blind(self.application)

    @property
    def group_name(self) -> str:
        if self.blind:
            return anonymous_name(self.application)
        return self.application.organisation.name

    @property
    def title(self) -> str:
        return self.text(self.application.title or "Untitled application")

    @cached_property
    def _group_pattern(self) -> re.Pattern | None:
        return _pattern({self.application.organisation.name.strip()} - {""})

    @cached_property
    def _name_pattern(self) -> re.Pattern | None:
        names = _people_names(self.application)
        parts = {part for name in names for part in name.split() if len(part) >= SHORTEST_NAME_PART}
        return _pattern(names | parts)

    def text(self, value) -> str:
        """``value`` as the member may read it: unchanged in an open round; in a blind round, the
        group's name and its people's names (whole or in part) removed."""
        if value is None:
            return ""
        value = str(value)
        if not self.blind:
            return value
        if self._group_pattern:
            value = self._group_pattern.sub(GROUP_PLACEHOLDER, value)
        if self._name_pattern:
            value = self._name_pattern.sub(NAME_PLACEHOLDER, value)
        return value

    def facts(self) -> list[tuple[str, str]]:
        """The application's own answers, as (question, answer) in words, each through
        :meth:`text`: the one list every member surface (page and scoring pack) shows."""
        application = self.application
        dates = " to ".join(
            f"{day.day} {day:%B %Y}"
            for day in (application.start_date, application.end_date)
            if day
        )
        rows = [
            ("Project", self.title),
            ("Summary", self.text(application.summary)),
            ("What the project will do", self.text(application.description)),
            ("Amount asked for", format_pence(application.amount_requested_pence)),
            ("People it will reach", str(application.people_reached or "")),
            ("Project dates", dates),
            ("Neighbourhoods", ", ".join(n.name for n in application.neighbourhoods)),
            (
                "Who it is for",
                ", ".join(
                    BENEFICIARY_GROUPS.get(key, key) for key in application.beneficiary_groups or []
                ),
            ),
            (
                "Main principle",
                application.main_principle.name if application.main_principle else "",
            ),
        ]
        rows += [
            (self.text(outcome.indicator), self.text(outcome.target))
            for outcome in application.outcomes
        ]
        rows += [
            (f"Budget: {self.text(line.item)}", format_pence(line.amount_pence))
            for line in application.budget_lines
        ]
        for question in sorted(application.round.questions, key=lambda q: (q.position, q.id)):
            value = application.answer_for(question.id)
            if question.kind != QuestionKind.FILE and value not in (None, "", []):
                rows.append((question.label, self.text(answer_text(question, value))))
        return [(label, value) for label, value in rows if value]

    def document_name(self, document: Document) -> str:
        """A document's download name: its own in an open round, its kind in a blind one (the
        file a group uploads is often named after the group)."""
        if not self.blind:
            return document.original_name
        same_kind = [d.id for d in self.application.documents if d.kind == document.kind]
        number = f" {same_kind.index(document.id) + 1}" if len(same_kind) > 1 else ""
        extension = EXTENSIONS.get(document.content_type, ("",))[0]
        return f"{document.kind.label}{number}{extension}"


def member_view(application: Application) -> MemberView:
    return MemberView(application)
