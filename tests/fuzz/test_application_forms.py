"""Every form of the application journey, sent hostile bodies: never a 500, nothing saved lost.

Each example posts one fuzzed body to one page of each of the applicant's applications (a
filled-in draft, a just-started one, a sent one) and of another group's draft. Afterwards every
application must be as it was, except that a valid save (the page's own redirect) may change its
own section; another group's application is never saved to, and a sent one only by withdrawing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from grants.applications.models import BENEFICIARY_GROUPS, BUDGET_CATEGORIES, Application
from grants.clock import utcnow
from grants.extensions import db
from grants.funds.models import Round
from tests.applications.factories import open_round
from tests.factories import make_group, make_user
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, assert_kept, post
from tests.fuzz.worlds import (
    Applications,
    applicant_world,
    neighbourhood_ids,
    principle_ids,
    project_dates,
    question_fields,
)

Fields = dict[str, fuzz.Field]


@pytest.fixture
def applications(client, reference_data) -> Applications:
    return applicant_world(client)


@dataclass(frozen=True)
class Page:
    """One form page: its fields, where a valid save sends people, and what that save changes."""

    path: str
    fields: Callable[[Round], Fields]
    saved_to: str = "/applications/{id}"
    may_change: frozenset[str] = frozenset()
    may_grow: frozenset[str] = frozenset()
    deletes: bool = False


def _timeline(round_: Round) -> Fields:
    start, end = project_dates()
    return {"start_date": fuzz.date_field(start, 20), "end_date": fuzz.date_field(end, 20)}


PAGES = {
    "group": Page("group", lambda r: {"submit": fuzz.text_field("Continue")}, may_change={"group"}),
    "project": Page(
        "project",
        lambda r: {
            "title": fuzz.text_field("Summer lunch club"),
            "summary": fuzz.text_field("Lunches for children"),
            "description": fuzz.text_field("We will cook.", ""),
            "description_recording": fuzz.text_field(),
        },
        may_change={"project"},
    ),
    "where": Page(
        "where",
        lambda r: {"neighbourhoods": fuzz.multi_field(neighbourhood_ids())},
        may_change={"where"},
    ),
    "principles": Page(
        "principles",
        lambda r: {
            "main_principle": fuzz.choice_field(principle_ids()),
            "other_principles": fuzz.multi_field(principle_ids()),
        },
        may_change={"principles"},
    ),
    "beneficiaries": Page(
        "beneficiaries",
        lambda r: {
            "people_reached": fuzz.number_field("40", "0", "10000000", tricky=["10000001", "-1"]),
            "groups": fuzz.multi_field(list(BENEFICIARY_GROUPS)),
        },
        may_change={"beneficiaries"},
    ),
    "outcomes": Page(
        "outcomes",
        lambda r: {
            "description": fuzz.text_field("Children fed"),
            "target": fuzz.text_field("40 children"),
            "principle": fuzz.choice_field(principle_ids()),
        },
        saved_to="/applications/{id}/outcomes",
        may_grow={"outcomes"},
    ),
    "budget": Page(
        "budget",
        lambda r: {
            "item": fuzz.text_field("Food"),
            "category": fuzz.choice_field(list(BUDGET_CATEGORIES)),
            "amount": fuzz.number_field("150", "£250.50", "0.01", tricky=["2000.01", "0", "1.001"]),
        },
        saved_to="/applications/{id}/budget",
        may_change={"budget_total"},
        may_grow={"budget"},
    ),
    "timeline": Page("timeline", _timeline, may_change={"timeline"}),
    "questions": Page("questions", question_fields, may_change={"questions"}),
    "declaration": Page(
        "declaration",
        lambda r: {
            "full_name": fuzz.text_field("Alex Applicant"),
            "confirm": fuzz.checkbox_field(),
        },
        saved_to="/applications/{id}/check",
        may_change={"declaration"},
    ),
    "check": Page(
        "check",
        lambda r: {"submit": fuzz.text_field("Send application")},
        saved_to="/applications/{id}/confirmation",
        may_change={"status"},
    ),
    "withdraw": Page(
        "withdraw",
        lambda r: {"reason": fuzz.text_field("We found other funding")},
        saved_to="/applications/{id}/view",
        may_change={"status"},
    ),
    "delete": Page(
        "delete",
        lambda r: {"submit": fuzz.text_field("Delete")},
        saved_to="/applications/",
        deletes=True,
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
@FUZZ
@given(data=st.data())
def test_application_page(client, applications, name, data):
    page = PAGES[name]
    body = data.draw(fuzz.form_bodies(page.fields(applications.round)), label="body")
    url = f"/applications/{{id}}/{page.path}"
    with applications.example() as states:
        saved = applications.post_to_each(client, url, page.saved_to, data=body)

        after = states.after = applications.states()
        for which, state in states.before.items():
            if saved[which] and page.deletes:
                assert after[which] is None, "a confirmed delete left the draft in place"
            elif saved[which]:
                assert_kept(state, after[which], may_change=page.may_change, may_grow=page.may_grow)
            else:
                assert_kept(state, after[which])
        assert not saved["others"]
        assert not saved["sent"] or name == "withdraw"


@pytest.mark.parametrize("kind", ["outcomes", "budget"])
@FUZZ
@given(data=st.data())
def test_removing_an_outcome_or_budget_line(client, applications, kind, data):
    """The small remove buttons, with ids from each application, or made up: only the owner's
    item may go, and nothing else changes."""
    with applications.example() as states:
        known = [str(row[0]) for state in states.before.values() if state for row in state[kind]]
        item = data.draw(st.one_of(st.sampled_from(known), st.integers(0, 2**31).map(str)))
        body = data.draw(fuzz.form_bodies({"submit": fuzz.text_field("Remove")}))
        url = f"/applications/{{id}}/{kind}/{item}/remove"

        applications.post_to_each(client, url, "/", data=body)

        after = states.after = applications.states()
        for which, state in states.before.items():
            own = list(state[kind]) if state else []
            if which in ("filled", "empty") and any(str(row[0]) == item for row in own):
                assert after[which][kind] in (own, [row for row in own if str(row[0]) != item])
                assert_kept(state, after[which], may_change={kind, "budget_total"})
            else:
                assert_kept(state, after[which])


@dataclass(frozen=True)
class StartPages:
    """The applicant's two groups, someone else's group, and round addresses to start from."""

    mine: frozenset[int]
    theirs: int
    open_slug: str
    other_slugs: tuple[str, ...]


@pytest.fixture
def start_pages(applications) -> StartPages:
    second = make_group(applications.applicant, name="Hindley Green Allotments")
    now = utcnow()
    closed = open_round(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1))
    upcoming = open_round(opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=40))
    return StartPages(
        mine=frozenset({applications.group.id, second.id}),
        theirs=make_group(make_user()).id,
        open_slug=applications.round.slug,
        other_slugs=(closed.slug, upcoming.slug, "no-such-round"),
    )


@FUZZ
@given(data=st.data())
def test_starting_an_application(client, applications, start_pages, data):
    """Start from any round's address (open, closed, not yet open, made up) for any group: at
    most one new draft, always for one of the applicant's own groups, and nothing else changes."""
    pages = start_pages
    hostile = fuzz.hostile_text().map(lambda text: quote(text, safe=""))
    other = st.one_of(st.sampled_from(pages.other_slugs), hostile)
    slug = data.draw(st.one_of(st.just(pages.open_slug), other), label="slug")
    mine = [str(id_) for id_ in sorted(pages.mine)]
    organisation = fuzz.choice_field(mine, tricky=[str(pages.theirs)])
    body = data.draw(fuzz.form_bodies({"organisation": organisation}), label="body")
    existing = set(db.session.scalars(select(Application.id)))
    with applications.example() as states:
        response = post(client, f"/applications/start/{slug}", body)

        event("started" if response.status_code == 302 else f"answered {response.status_code}")
        states.after = applications.states()
        for which, state in states.before.items():
            assert_kept(state, states.after[which])
        new = set(db.session.scalars(select(Application.id))) - existing
        assert len(new) <= 1
        for application_id in new:
            assert db.session.get(Application, application_id).organisation_id in pages.mine
