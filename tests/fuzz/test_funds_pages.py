"""The programme officer's fund, round, criterion and question pages, sent hostile bodies.

Never a 500. Every fund, round, criterion and question is compared before and after: a valid save
(the page's own redirect) may change only the row it names, or add one row of its kind; anything
else, including a refused change to a locked round, must leave every row as it was.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from grants.funds.criteria import format_level_guidance
from grants.funds.models import QuestionKind
from grants.organisations.models import OrganisationType
from tests.applications.factories import start_application
from tests.funds.factories import LEVELS, make_criterion, make_fund, make_question, make_round
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, assert_only, funds_state, post
from tests.fuzz.worlds import neighbourhood_ids, principle_ids

# The last Sundays of March and October, when a UK clock time is missing or happens twice.
CLOCK_CHANGE_DAYS = (["29", "3", "2026"], ["25", "10", "2026"], ["28", "3", "2027"])
_worlds = itertools.count(1)


class Funds:
    """Two funds; the first has a round nobody has applied to ('free') and one a group has
    started applying to ('started', so its questions and some settings are locked). Each round
    has two criteria and two questions. ``replace()`` builds all of it afresh, with a new
    ``suffix`` so the names and web addresses a valid save would take are still free."""

    def __init__(self):
        self.replace()

    def replace(self) -> None:
        self.suffix = next(_worlds)
        fund, other = make_fund(), make_fund()
        rounds = {"free": make_round(fund), "started": make_round(fund)}
        for round_ in rounds.values():
            make_criterion(round_, name="Meets a local need")
            make_criterion(round_, name="Good value for money", weight=2)
            make_question(round_, label="Why is it needed?", kind="long_text", word_limit=200)
            make_question(round_, label="Which days?", kind="single_choice", options=["Mon", "Tue"])
        start_application(rounds["started"])
        self.fund_id, self.other_fund_name = fund.id, other.name
        self.rounds = {name: round_.id for name, round_ in rounds.items()}
        self.slugs = [round_.slug for round_ in rounds.values()]
        self.criteria = {name: [c.id for c in r.criteria] for name, r in rounds.items()}
        self.questions = {name: [q.id for q in r.questions] for name, r in rounds.items()}


@pytest.fixture
def funds(officer, reference_data) -> Funds:
    return Funds()


def fund_fields(funds: Funds) -> dict:
    return {
        "name": fuzz.text_field(f"Summer Fund {funds.suffix}", tricky=[funds.other_fund_name]),
        "description": fuzz.text_field("For summer projects.", ""),
        "council_contribution_pence": fuzz.number_field(
            "1000000", "£1,000,000.50", tricky=["0", "100"]
        ),
        "funder_name": fuzz.text_field("Wigan Council"),
        "funder_org_id": fuzz.text_field("GB-LAE-WGN", tricky=["gb-lae-wgn", "GB-LAE-"]),
        "publisher_prefix": fuzz.text_field("360G-wigancouncil", "", tricky=["360G-"]),
        "publisher_website": fuzz.text_field(
            "https://www.wigan.gov.uk", "", tricky=["javascript:alert(1)", "https://"]
        ),
    }


def _round_date(around: date, spread: int) -> fuzz.Field:
    """A date near ``around``; or one of the days the clocks change, or anything bad."""
    near = fuzz.date_field(around, spread)
    return fuzz.Field(near.good, st.one_of(st.sampled_from(CLOCK_CHANGE_DAYS), near.bad))


def round_fields(funds: Funds) -> dict:
    today = date.today()
    return {
        "title": fuzz.text_field("Summer grants"),
        "slug": fuzz.text_field(
            f"summer-grants-{funds.suffix}", tricky=["Summer Grants", "a--b", *funds.slugs]
        ),
        "guidance": fuzz.text_field(
            "## Apply\n* Be local\n[Read more](https://example.org)",
            tricky=["[x](javascript:alert(1))<script>alert(1)</script>"],
        ),
        "opens_on": _round_date(today, 10),
        "opens_time": fuzz.text_field(*fuzz.TIMES, tricky=fuzz.NOT_TIMES),
        "closes_on": _round_date(today + timedelta(days=40), 10),
        "closes_time": fuzz.text_field(*fuzz.TIMES, tricky=fuzz.NOT_TIMES),
        "budget_pence": fuzz.number_field("50000", "£50,000", tricky=["0", "99999999999"]),
        "min_award_pence": fuzz.number_field("250", "0"),
        "max_award_pence": fuzz.number_field("2000", "250", tricky=["0", "100"]),
        "eligible_org_types": fuzz.multi_field([t.value for t in OrganisationType]),
        "max_income_pence": fuzz.number_field("", "100000"),
        "all_neighbourhoods": fuzz.choice_field(["yes", "no"]),
        "neighbourhood_ids": fuzz.multi_field(neighbourhood_ids()),
        "project_start_from": fuzz.date_field(today + timedelta(days=60), 20),
        "project_end_by": fuzz.date_field(today + timedelta(days=365), 20),
        "allows_recordings": fuzz.checkbox_field(),
        "blind_panel": fuzz.checkbox_field(),
    }


def criterion_fields(funds: Funds) -> dict:
    three = format_level_guidance({str(n): f"Level {n}" for n in range(4)})
    return {
        "name": fuzz.text_field("Meets a local need"),
        "max_score": fuzz.number_field("3", tricky=["1", "10", "11", "0"]),
        "level_guidance": fuzz.text_field(
            LEVELS, three, tricky=["0: No\n1: Some\n1: Again", "0 - x\n1 – y\n2. z", "9: nine"]
        ),
        "weight": fuzz.number_field("1", "100", tricky=["101", "0"]),
        "principle_id": fuzz.choice_field(["", *principle_ids()]),
    }


def question_fields(funds: Funds) -> dict:
    many = "\n".join(f"Choice {n}" for n in range(31))
    return {
        "label": fuzz.text_field("Why is it needed?"),
        "hint": fuzz.text_field("Tell us more.", ""),
        "kind": fuzz.choice_field([kind.value for kind in QuestionKind]),
        "word_limit": fuzz.number_field("250", "5000", tricky=["5001", "0"]),
        "options": fuzz.text_field(
            "Mon\nTue", "Weekly\nMonthly", tricky=["A\na", many, "x" * 201 + "\ny", "one"]
        ),
        "required": fuzz.choice_field(["yes", "no"]),
    }


@dataclass(frozen=True)
class Target:
    """One URL to post to; what its valid save redirects to; what that save may change."""

    label: str
    url: str
    saved_to: str  # a regular expression for the redirect's path
    may_change: frozenset = field(default_factory=frozenset)
    may_remove: frozenset = field(default_factory=frozenset)
    may_add: frozenset = field(default_factory=frozenset)


def _round_targets(funds: Funds) -> list[Target]:
    return [
        Target(name, f"/funds/rounds/{r}/edit", rf"/funds/rounds/{r}", frozenset({("round", r)}))
        for name, r in funds.rounds.items()
    ]


def _item_targets(funds: Funds, kind: str, action: str) -> list[Target]:
    """Edit, remove or move each criterion (or question) of both rounds. Removing or moving one
    renumbers the others in its round, so those may change too."""
    targets = []
    items = funds.criteria if kind == "criterion" else funds.questions
    listing = "criteria" if kind == "criterion" else "questions"
    for name, round_id in funds.rounds.items():
        siblings = frozenset((kind, i) for i in items[name])
        for number, item in enumerate(items[name], start=1):
            label = f"{name} round, {kind} {number}"
            url = f"/funds/rounds/{round_id}/{listing}/{item}"
            listed = rf"/funds/rounds/{round_id}/{listing}"
            if action == "edit":
                targets.append(Target(label, url, listed, frozenset({(kind, item)})))
            elif action == "remove":
                gone = frozenset({(kind, item)})
                targets.append(Target(label, f"{url}/remove", listed, siblings, gone))
            else:
                targets.append(Target(label, f"{url}/move", listed, siblings))
    return targets


def _new_targets(funds: Funds, kind: str) -> list[Target]:
    listing = "criteria" if kind == "criterion" else "questions"
    return [
        Target(
            f"{name} round",
            f"/funds/rounds/{r}/{listing}/new",
            rf"/funds/rounds/{r}/{listing}",
            may_add=frozenset({kind}),
        )
        for name, r in funds.rounds.items()
    ]


@dataclass(frozen=True)
class OfficerPage:
    fields: Callable[[Funds], dict]
    targets: Callable[[Funds], list[Target]]


PAGES = {
    "new fund": OfficerPage(
        fund_fields,
        lambda f: [Target("fund", "/funds/new", r"/funds/\d+", may_add=frozenset({"fund"}))],
    ),
    "edit fund": OfficerPage(
        fund_fields,
        lambda f: [
            Target(
                "fund",
                f"/funds/{f.fund_id}/edit",
                rf"/funds/{f.fund_id}",
                frozenset({("fund", f.fund_id)}),
            )
        ],
    ),
    "new round": OfficerPage(
        round_fields,
        lambda f: [
            Target(
                "fund",
                f"/funds/{f.fund_id}/rounds/new",
                r"/funds/rounds/\d+",
                may_add=frozenset({"round"}),
            )
        ],
    ),
    "edit round": OfficerPage(round_fields, _round_targets),
    "new criterion": OfficerPage(criterion_fields, lambda f: _new_targets(f, "criterion")),
    "edit criterion": OfficerPage(
        criterion_fields, lambda f: _item_targets(f, "criterion", "edit")
    ),
    "new question": OfficerPage(question_fields, lambda f: _new_targets(f, "question")),
    "edit question": OfficerPage(question_fields, lambda f: _item_targets(f, "question", "edit")),
    "remove criterion": OfficerPage(
        lambda f: {"submit": fuzz.text_field("Remove")},
        lambda f: _item_targets(f, "criterion", "remove"),
    ),
    "remove question": OfficerPage(
        lambda f: {"submit": fuzz.text_field("Remove")},
        lambda f: _item_targets(f, "question", "remove"),
    ),
    "move criterion": OfficerPage(
        lambda f: {"direction": fuzz.choice_field(["up", "down"])},
        lambda f: _item_targets(f, "criterion", "move"),
    ),
    "move question": OfficerPage(
        lambda f: {"direction": fuzz.choice_field(["up", "down"])},
        lambda f: _item_targets(f, "question", "move"),
    ),
}


def _saved(response, target: Target) -> bool:
    if response.status_code != 302:
        return False
    path = urlsplit(response.headers["Location"]).path
    return re.fullmatch(target.saved_to, path) is not None


@pytest.mark.parametrize("name", list(PAGES))
@FUZZ
@given(data=st.data())
def test_officer_page(client, funds, name, data):
    """The same body goes to every target of the page (both rounds, every criterion...)."""
    page = PAGES[name]
    body = data.draw(fuzz.form_bodies(page.fields(funds)), label="body")
    start = before = funds_state()
    changed = True  # until every target has answered
    try:
        for target in page.targets(funds):
            response = post(client, target.url, body)

            after = funds_state()
            saved = _saved(response, target)
            event(f"{target.label}: {'saved' if saved else response.status_code}")
            if saved:
                assert_only(
                    before,
                    after,
                    may_change=target.may_change,
                    may_remove=target.may_remove,
                    may_add=target.may_add,
                )
            else:
                assert_only(before, after)
            before = after
        changed = before != start
    finally:
        if changed:
            funds.replace()
