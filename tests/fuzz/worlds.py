"""Saved data for the fuzz tests to attack, remade whenever an example changes it.

The database is emptied only after each test, not after each Hypothesis example. So that every
example starts from the same saved state (and a failure replays the same way while Hypothesis
shrinks it), each world notes what an example changed and builds fresh rows to replace them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import event

from grants.accounts.models import User
from grants.applications import answers, services
from grants.applications.models import Application, DocumentKind
from grants.applications.sections import question_key
from grants.extensions import db
from grants.funds.models import Question, QuestionKind, Round
from grants.organisations.models import Organisation
from grants.reference.models import Neighbourhood, Principle
from tests.applications.factories import complete, open_round, pdf_upload, start_application
from tests.factories import make_group, make_user, sign_in
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import application_states, redirected_to, send


def round_with_every_question(**overrides) -> Round:
    """An open round that takes recordings and asks one question of every kind."""
    round_ = open_round(questions=True, allows_recordings=True, **overrides)
    round_.questions.extend(
        [
            Question(kind=QuestionKind.SHORT_TEXT, label="Where will you meet?", position=5),
            Question(kind=QuestionKind.NUMBER, label="How many volunteers?", position=6),
            Question(
                kind=QuestionKind.MULTIPLE_CHOICE,
                label="Which days?",
                position=7,
                options=["Monday", "Tuesday", "Saturday"],
            ),
            Question(kind=QuestionKind.DATE, label="When did you start?", position=8),
        ]
    )
    db.session.commit()
    return round_


def answer_everything(application: Application) -> Application:
    """Every section filled in, every question answered, including the optional file."""
    complete(application)
    actor = application.organisation.main_contact
    values = {
        QuestionKind.SHORT_TEXT: "The Old School",
        QuestionKind.NUMBER: 12,
        QuestionKind.MULTIPLE_CHOICE: ["Monday", "Saturday"],
        QuestionKind.DATE: date(2019, 5, 1),
    }
    questions = application.round.questions
    answers.save_answers(
        actor, application, {q.id: values[q.kind] for q in questions if q.kind in values}
    )
    for question in questions:
        if question.kind == QuestionKind.FILE:
            answers.attach(
                actor,
                application,
                pdf_upload("venue.pdf"),
                kind=DocumentKind.ANSWER_FILE,
                answer_key=question_key(question),
            )
    return application


@dataclass
class States:
    """Saved states, by application name, before an example and (once the test reads them) after."""

    before: dict
    after: dict | None = None


class ApplicationSet(ABC):
    """Named applications for the fuzz tests to post to, each remade after an example changes it.
    Subclasses say which names there are and how each is made."""

    NAMES: tuple[str, ...] = ()

    def __init__(self):
        self.ids = {name: self._make(name) for name in self.NAMES}

    @abstractmethod
    def _make(self, name: str) -> int:
        """Create the application called ``name`` and return its id."""

    def post_to_each(self, client, url: str, saved_to: str, **request) -> dict[str, bool]:
        """Send the same request to ``url`` (formatted with each application's id); return, for
        each, whether it was a valid save: a redirect to ``saved_to``, formatted the same way."""
        saved = {}
        for name, id_ in self.ids.items():
            response = send(client, "POST", url.format(id=id_), **request)
            saved[name] = redirected_to(response, saved_to.format(id=id_))
            event(f"{name}: {'saved' if saved[name] else response.status_code}")
        return saved

    def states(self) -> dict[str, dict | None]:
        states = application_states(self.ids.values())
        return {name: states[id_] for name, id_ in self.ids.items()}

    @contextmanager
    def example(self) -> Iterator[States]:
        """The states before one example; afterwards, whichever application the example changed
        is replaced, even when the example stopped early, so the next one starts afresh."""
        states = States(self.states())
        try:
            yield states
        finally:
            after = states.after if states.after is not None else self.states()
            for name in self.NAMES:
                if states.before[name] != after[name]:
                    self.ids[name] = self._make(name)


class Applications(ApplicationSet):
    """The signed-in applicant's applications to one round, by name:

    filled: a draft with every answer given; empty: a draft just started; sent: a submitted one;
    others: another group's filled-in draft, which the applicant must never reach or change.
    """

    NAMES = ("filled", "empty", "sent", "others")

    def __init__(self, applicant: User, group: Organisation, round_: Round):
        self.applicant, self.group, self.round = applicant, group, round_
        super().__init__()

    def _make(self, name: str) -> int:
        def mine() -> Application:
            return start_application(self.round, self.group, applicant=self.applicant)

        if name == "filled":
            return answer_everything(mine()).id
        if name == "empty":
            return mine().id
        if name == "sent":
            sent = services.submit(self.applicant, answer_everything(mine()), link_for=str)
            return sent.id
        return answer_everything(start_application(self.round)).id


def applicant_world(client) -> Applications:
    """A signed-in applicant's applications to a round that asks every kind of question."""
    applicant = make_user(name="Alex Applicant")
    group = make_group(applicant)
    sign_in(client, applicant)
    # One group holds several applications here (filled, empty, sent), so its round allows them.
    return Applications(
        applicant, group, round_with_every_question(allows_several_applications=True)
    )


def neighbourhood_ids() -> list[str]:
    return [str(id_) for id_ in db.session.scalars(db.select(Neighbourhood.id))]


def principle_ids() -> list[str]:
    return [str(id_) for id_ in db.session.scalars(db.select(Principle.id))]


def project_dates() -> tuple[date, date]:
    """A start and an end the timeline page accepts."""
    start = date.today() + timedelta(days=40)
    return start, start + timedelta(days=42)


def question_fields(round_: Round) -> dict[str, fuzz.Field]:
    """One fuzzed field per question, shaped by its kind (and a string where a file goes)."""
    fields: dict[str, fuzz.Field] = {}
    for question in round_.questions:
        name = f"question_{question.id}"
        match question.kind:
            case QuestionKind.NUMBER:
                fields[name] = fuzz.number_field("12", "0", "-3")
            case QuestionKind.YES_NO:
                fields[name] = fuzz.choice_field(["yes", "no"])
            case QuestionKind.SINGLE_CHOICE:
                fields[name] = fuzz.choice_field(question.options)
            case QuestionKind.MULTIPLE_CHOICE:
                fields[name] = fuzz.multi_field(question.options)
            case QuestionKind.DATE:
                fields[name] = fuzz.date_field()
            case QuestionKind.LONG_TEXT:
                fields[name] = fuzz.text_field("Because children go hungry.")
                fields[f"{name}_recording"] = fuzz.text_field()
            case _:
                fields[name] = fuzz.text_field("The Old School")
    return fields
