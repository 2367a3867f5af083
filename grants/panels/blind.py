"""Blind rounds: the one rule for what a panel member may learn of who applied.

In a round with ``blind_panel`` set, members score the idea, not the people: during independent
scoring, the group's name and the names of its people (its members, its contact, whoever signed
the declaration or entered it) are hidden everywhere a member can look. Every member-facing
surface (pages, document names, the scoring pack PDF, emails, lists) draws the application through
:func:`member_view`, so this module is the only place the rule lives.
"""

from __future__ import annotations

import re
import unicodedata
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
ADDRESS_PLACEHOLDER = "[web address removed]"
# A surname shorter than this ("Ng" after "Mr") is matched only in the whole name.
SHORTEST_NAME_PART = 3
# A group's name run together shorter than this is too likely to be part of another address.
SQUASHED_NAME_LENGTH = 6
TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "rev", "revd", "prof", "sir", "dame", "imam")
_APOSTROPHES = frozenset("'‘’‛ʼ′`´")
# A group named with one of these words alone is not redacted: it would remove the word from
# every answer.
COMMON_WORDS = frozenset(
    {"group", "community", "trust", "club", "association", "centre", "church", "youth", "project"}
)
# Email providers anyone can use: an address there says nothing about the group.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "talktalk.net",
        "ntlworld.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "mail.com",
    }
)


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


def _normal_char(char: str) -> str:
    """One character as names are compared: NFKC (full-width letters, ligatures), curly quotes
    and backticks as a straight apostrophe, any space (non-breaking, thin) as a space, no case."""
    char = unicodedata.normalize("NFKC", char)
    if char in _APOSTROPHES:
        return "'"
    if char.isspace():
        return " "
    return char.casefold()


def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` normalised for matching, and for each of its characters the index of the
    character of ``text`` it came from, so a match can be cut from the text as it was typed."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _normal_char(char):
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def _words(name: str) -> list[str]:
    return _normalised(name)[0].split()


def _phrase(words: list[str]) -> str:
    """A regular expression for these words in a row, whatever spaces lie between them."""
    return r" +".join(re.escape(word) for word in words)


def _pattern(phrases: set[str]) -> re.Pattern | None:
    if not phrases:
        return None
    # Longest first, so "Ann Marie Smith" goes as a whole before "Ann Smith".
    alternatives = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _person_phrases(names: set[str]) -> set[str]:
    """How a person's name appears in writing: whole, forename and surname without the middle
    names, or a title and the surname ("Ms Hartley"). Never one word alone: a surname such as
    Hall, Young or Green is also an ordinary word, and the panel must still read those."""
    phrases = set()
    for name in names:
        words = _words(name)
        if len(words) < 2:
            continue
        phrases.add(_phrase(words))
        forename, surname = words[0], words[-1]
        if len(words) > 2:
            phrases.add(_phrase([forename, surname]))
        if len(surname) >= SHORTEST_NAME_PART:
            titles = "|".join(TITLES)
            phrases.add(rf"(?:{titles})\.? +{re.escape(surname)}")
    return phrases


def _group_phrases(name: str) -> set[str]:
    words = _words(name)
    if not words or (len(words) == 1 and words[0] in COMMON_WORDS):
        return set()
    phrases = {_phrase(words)}
    if words[0] == "the" and len(words) > 1:
        phrases.add(_phrase(words[1:]))
    return phrases


def _own_domains(application: Application) -> set[str]:
    """The group's own email domains (not a public provider's such as gmail.com)."""
    organisation = application.organisation
    emails = [organisation.contact_email]
    if organisation.main_contact is not None:
        emails.append(organisation.main_contact.email)
    domains = set()
    for email in emails:
        _, at, domain = (email or "").rpartition("@")
        domain = _normalised(domain.strip())[0]
        if at and "." in domain and domain not in PUBLIC_EMAIL_DOMAINS:
            domains.add(domain)
    return domains


def _address_pattern(application: Application) -> re.Pattern | None:
    """Web and email addresses that name the group: any address at its own email domain (or a
    subdomain), and a website whose name is the group's name run together
    (hartleytrust.org.uk for Hartley Trust)."""
    hosts = [re.escape(domain) for domain in _own_domains(application)]
    squashed = re.sub(r"[^0-9a-z]", "", _normalised(application.organisation.name)[0])
    if len(squashed) >= SQUASHED_NAME_LENGTH:
        hosts.append(re.escape(squashed) + r"(?:\.[a-z0-9-]+)+")
    if not hosts:
        return None
    host = r"(?:[a-z0-9-]+\.)*(?:" + "|".join(hosts) + ")"
    return re.compile(
        r"(?<![\w.@-])(?:[\w.+-]+@|https?://)?"
        + host
        # Its path, if any, without the full stop or comma that ends the sentence.
        + r"(?![\w-])(?:/(?:[^\s<>\"']*[^\s<>\"'.,;:!?)])?)?"
    )


def _redact(text: str, pattern: re.Pattern | None, placeholder: str) -> str:
    if pattern is None:
        return text
    normal, origin = _normalised(text)
    spans = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(normal)]
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text


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
        return _pattern(_group_phrases(self.application.organisation.name))

    @cached_property
    def _name_pattern(self) -> re.Pattern | None:
        return _pattern(_person_phrases(_people_names(self.application)))

    @cached_property
    def _address_pattern(self) -> re.Pattern | None:
        return _address_pattern(self.application)

    def text(self, value) -> str:
        """``value`` as the member may read it: unchanged in an open round; in a blind round, the
        group's web and email addresses, its name and its people's names removed, however they
        were typed (curly quotes, odd spaces, any case)."""
        if value is None:
            return ""
        value = str(value)
        if not self.blind:
            return value
        value = _redact(value, self._address_pattern, ADDRESS_PLACEHOLDER)
        value = _redact(value, self._group_pattern, GROUP_PLACEHOLDER)
        return _redact(value, self._name_pattern, NAME_PLACEHOLDER)

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
            (self.text(outcome.title), self.text(outcome.target_text) or "No target given")
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
