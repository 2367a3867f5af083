"""The indicator library's forms and the outcomes section's, sent hostile bodies.

Never a 500. An officer's valid save changes only the indicator it names (or adds one); a used
indicator keeps its unit and is never deleted, whatever is posted. A group's outcome is saved
only with an active indicator of its round's fund and a sane whole-number target, or in its own
words with a principle; anything else leaves its outcomes as they were.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from grants.applications import answers
from grants.applications.models import Application
from grants.applications.outcomes import MAX_TARGET
from grants.extensions import db
from grants.funds.models import Indicator, IndicatorUnit
from tests.applications.factories import open_round, start_application
from tests.factories import sign_in
from tests.funds.factories import make_fund, make_indicator, make_round
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, assert_only, post
from tests.fuzz.worlds import principle_ids

ODD_IDS = ["0", "-1", "2147483648", "9223372036854775808", "9" * 30, "²", "1e3", "own "]
UNITS = [unit.value for unit in IndicatorUnit]


def indicators_state() -> dict:
    db.session.expire_all()
    return {("indicator", i.id): i.audit_view() for i in db.session.scalars(select(Indicator))}


class Library:
    """A fund with a used, an unused and a retired indicator, and another fund's indicator."""

    def __init__(self):
        self.fund = make_fund()
        self.used = make_indicator(self.fund, name="Sessions held", unit="sessions")
        self.unused = make_indicator(self.fund, name="Volunteer hours", unit="hours")
        self.retired = make_indicator(self.fund, name="An old measure")
        self.retired.is_active = False
        self.theirs = make_indicator(make_fund(), name="Their measure")
        application = start_application(make_round(self.fund))
        answers.add_outcome(
            application.organisation.main_contact,
            application,
            indicator_id=self.used.id,
            target_value=12,
        )
        db.session.commit()
        self.ids = {
            name: getattr(self, name).id for name in ("used", "unused", "retired", "theirs")
        }


@pytest.fixture
def library(officer, reference_data) -> Library:
    return Library()


def indicator_fields(library: Library, number: int) -> dict:
    return {
        "name": fuzz.text_field(f"Events run {number}", tricky=["sessions HELD", "x" * 201]),
        "definition": fuzz.text_field("Count each event that went ahead.", tricky=[""]),
        "unit": fuzz.choice_field(UNITS, tricky=["furlongs", ""]),
        "principle_id": fuzz.choice_field(principle_ids(), tricky=ODD_IDS),
    }


@FUZZ
@given(data=st.data())
def test_officer_indicator_pages(client, library, data):
    number = data.draw(st.integers(1, 10**6))
    body = data.draw(fuzz.form_bodies(indicator_fields(library, number)), label="body")
    fund = library.fund.id
    base = f"/funds/{fund}/indicators"
    listing = f"http://localhost{base}"
    targets = [
        (f"{name}{action or ' edit'}", f"{base}/{indicator_id}{action}", indicator_id)
        for name, indicator_id in library.ids.items()
        for action in ("", "/retire", "/reactivate", "/delete")
    ] + [("new", f"{base}/new", None)]
    before = indicators_state()
    for label, url, indicator_id in targets:
        response = post(client, url, body)
        after = indicators_state()
        saved = response.status_code == 302 and response.location in (base, listing)
        event(f"{label}: {'redirected' if saved else response.status_code}")
        key = ("indicator", indicator_id)
        if indicator_id == library.ids["theirs"]:
            assert response.status_code in (400, 404)  # a bad form is refused first
        if saved:
            assert_only(
                before,
                after,
                may_change={key} if indicator_id else set(),
                may_remove={key} if url.endswith("/delete") else set(),
                may_add={"indicator"} if indicator_id is None else set(),
            )
        else:
            assert_only(before, after)
        used = ("indicator", library.ids["used"])
        assert used in after, "a used indicator was deleted"
        assert after[used]["unit"] == "sessions", "a used indicator's unit changed"
        before = after
    Library.__init__(library)  # the next example starts from a fresh library


@pytest.fixture
def draft(client, reference_data):
    application = start_application(open_round())
    sign_in(client, application.organisation.main_contact)
    fund = application.round.fund
    made = {
        "people": make_indicator(fund, name="People taking part"),
        "percentage": make_indicator(fund, name="Feel less alone", unit="percentage"),
        "yes_no": make_indicator(fund, name="Spaces improved", unit="yes_no"),
        "retired": make_indicator(fund, name="Retired one"),
        "theirs": make_indicator(make_fund(), name="Another fund's"),
    }
    made["retired"].is_active = False
    db.session.commit()
    return application, {name: i.id for name, i in made.items()}


def outcome_fields(ids: dict) -> dict:
    measures = [str(i) for i in ids.values()] + ["own"]
    fields = {
        "measure": fuzz.choice_field(measures, tricky=ODD_IDS),
        "description": fuzz.text_field("Children eat a hot lunch"),
        "target": fuzz.text_field("40 children", ""),
        "principle": fuzz.choice_field(principle_ids(), tricky=ODD_IDS),
    }
    for name, indicator_id in ids.items():
        good = ("yes", "no") if name == "yes_no" else ("40", "100", "1,200")
        tricky = ["101", "10000001", "-1", "9" * 25, "2.5", "maybe", "²"]
        fields[f"target_{indicator_id}"] = fuzz.text_field(*good, tricky=tricky)
    return fields


@FUZZ
@given(data=st.data())
def test_outcome_form(client, draft, data):
    application, ids = draft
    body = data.draw(fuzz.form_bodies(outcome_fields(ids)), label="body")
    url = f"/applications/{application.id}/outcomes"
    db.session.expire_all()
    before = [o.id for o in db.session.get(Application, application.id).outcomes]

    response = post(client, url, body)

    db.session.expire_all()
    outcomes = db.session.get(Application, application.id).outcomes
    event(f"{response.status_code}, {len(outcomes) - len(before)} added")
    assert [o.id for o in outcomes][: len(before)] == before
    assert len(outcomes) - len(before) in (0, 1)
    if len(outcomes) > len(before):
        assert response.status_code == 302
        outcome = outcomes[-1]
        if outcome.indicator_id is not None:
            indicator = db.session.get(Indicator, outcome.indicator_id)
            assert indicator.fund_id == application.round.fund_id and indicator.is_active
            assert outcome.principle_id == indicator.principle_id
            limit = {"percentage": 100, "yes_no": 1}.get(indicator.unit.value, MAX_TARGET)
            assert 0 <= outcome.target_value <= limit
        else:
            assert outcome.description and outcome.description.strip() == outcome.description
    for outcome in outcomes[len(before) :]:
        db.session.delete(outcome)
    db.session.commit()
