"""A programme officer's screening pages, sent hostile bodies and query strings.

Notes, eligibility checks and extensions go to each of a sent application, a group's own draft
and a draft the officer is entering for a group after its round closed; a valid save may change
only what that form is for. Starting an assisted application takes any round, group, channel
and scan. The queue and its export take any filter. Never a 500.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import current_app
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from grants.applications.models import Application, Channel
from grants.clock import utcnow
from grants.extensions import db
from grants.organisations.models import Organisation
from grants.screening import services as screening
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.forms import CHECKLIST_ANSWERS, SCREENING_OUTCOME_LABELS
from grants.screening.queue import AMOUNT_BANDS, SENT_STATUSES, SORT_COLUMNS
from tests.applications.factories import (
    assisted_application,
    open_round,
    start_application,
    submitted_application,
)
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import (
    FUZZ,
    assert_kept,
    assert_nothing_written_outside,
    assert_uploads_match_documents,
    get,
    multipart,
    send,
)
from tests.fuzz.worlds import ApplicationSet, neighbourhood_ids, principle_ids


def closed_round():
    now = utcnow()
    return open_round(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=2))


class Screened(ApplicationSet):
    """sent: a group's submitted application; draft: a group's own draft; late: a draft the
    officer is entering for a group whose round has closed (it needs an extension); eligible:
    one already screened, whose outcome may be corrected."""

    NAMES = ("sent", "draft", "late", "eligible")

    def __init__(self, officer):
        self.officer, self.round, self.closed = officer, open_round(), closed_round()
        super().__init__()

    def _make(self, name: str) -> int:
        if name == "sent":
            return submitted_application(self.round).id
        if name == "draft":
            return start_application(self.round).id
        if name == "eligible":
            application = submitted_application(self.round)
            screening.screen(
                self.officer,
                application,
                outcome="eligible",
                checklist=dict.fromkeys(CHECKLIST_LABELS, True),
                message=None,
                link_for=str,
            )
            return application.id
        return assisted_application(self.officer, self.closed, Channel.PAPER).id


@pytest.fixture
def screened(officer, reference_data) -> Screened:
    return Screened(officer)


def checklist_fields() -> dict[str, fuzz.Field]:
    """Each item's answer, and a reason for waiving it (long ones past the limit too)."""
    fields = {}
    for key in CHECKLIST_LABELS:
        fields[key] = fuzz.choice_field(list(CHECKLIST_ANSWERS), tricky=["", "CONFIRMED"])
        fields[f"{key}_waiver"] = fuzz.text_field("Informal group", tricky=["x" * 1001, " "])
    return fields


FORMS = {
    "notes": (
        "note",
        lambda: {"body": fuzz.text_field("Called the group", tricky=["x" * 5001])},
        {"may_grow": {"notes"}},
    ),
    "eligibility": (
        "check",
        lambda: {
            **checklist_fields(),
            "outcome": fuzz.choice_field(list(SCREENING_OUTCOME_LABELS)),
            "message": fuzz.text_field("Please send your latest accounts", ""),
        },
        {"may_change": {"status", "screening"}, "may_grow": {"checks"}},
    ),
    "correction": (
        "correction",
        lambda: {
            **checklist_fields(),
            "outcome": fuzz.choice_field(list(SCREENING_OUTCOME_LABELS)),
            "message": fuzz.text_field("Your income is over the limit", ""),
            "reason": fuzz.text_field("Their accounts show a higher income", tricky=["x" * 1001]),
        },
        {"may_change": {"status", "screening"}, "may_grow": {"checks"}},
    ),
    "extension": (
        "extension",
        lambda: {
            "until": fuzz.date_field(date.today() + timedelta(days=14), 10),
            "time": fuzz.text_field(*fuzz.TIMES, tricky=fuzz.NOT_TIMES),
            "reason": fuzz.text_field("Paper form posted before the deadline"),
        },
        {"may_change": {"screening"}},
    ),
}


@pytest.mark.parametrize("form", list(FORMS))
@FUZZ
@given(data=st.data())
def test_screening_form(client, screened, form, data):
    prefix, fields, allowed = FORMS[form]
    body = data.draw(fuzz.form_bodies(fields(), prefix=prefix), label="body")
    url = f"/screening/{{id}}/{form}"
    with screened.example() as states:
        saved = screened.post_to_each(client, url, "/screening/{id}", data=body)

        after = states.after = screened.states()
        for which, state in states.before.items():
            if saved[which]:
                assert_kept(state, after[which], **allowed)
            else:
                assert_kept(state, after[which])


def _count_applications() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.fixture
def assisted_choices(screened) -> dict[str, fuzz.Field]:
    """The start form's fields: rounds open, closed and not yet open, every group (one added by
    an officer for someone without an account), and every channel but online."""
    upcoming = open_round(opens_at=utcnow() + timedelta(days=5))
    rounds = [str(id_) for id_ in (screened.round.id, screened.closed.id, upcoming.id)]
    groups = [str(id_) for id_ in db.session.scalars(select(Organisation.id))]
    channels = [channel.value for channel in Channel if channel != Channel.ONLINE]
    return {
        "round": fuzz.choice_field(rounds),
        "organisation": fuzz.choice_field(groups),
        "channel": fuzz.choice_field(channels, tricky=["online", "PHONE"]),
    }


@FUZZ
@given(data=st.data())
def test_starting_an_assisted_application(
    client, screened, assisted_choices, upload_folder, tmp_path, data
):
    """Any round, any group, any channel, any scan: at most one new application, nothing else
    changed, and no file kept unless it belongs to that application."""
    body = data.draw(fuzz.form_bodies(assisted_choices), label="fields")
    files = {}
    if data.draw(st.booleans(), label="with a scan"):
        files["scan"] = data.draw(fuzz.uploads(current_app.config["MAX_DOCUMENT_BYTES"]))
    before, count = screened.states(), _count_applications()

    response = send(client, "POST", "/screening/assisted/new", **multipart(body, files))

    started = response.status_code == 302
    event("started" if started else f"answered {response.status_code}")
    assert _count_applications() == count + started
    after = screened.states()
    for which, state in before.items():
        assert_kept(state, after[which])
    assert_uploads_match_documents(upload_folder)
    assert_nothing_written_outside(upload_folder, tmp_path)


@FUZZ
@given(data=st.data())
def test_queue_filters(client, screened, data):
    """The queue and its CSV export, with any filter in the query string."""
    sorts = [*SORT_COLUMNS, *(f"-{key}" for key in SORT_COLUMNS)]
    fields = {
        "search": fuzz.text_field("lunch", "CIF-"),
        "round": fuzz.choice_field([str(screened.round.id), str(screened.closed.id)]),
        "status": fuzz.choice_field([status.value for status in SENT_STATUSES]),
        "neighbourhood": fuzz.choice_field(neighbourhood_ids()),
        "principle": fuzz.choice_field(principle_ids()),
        "amount_band": fuzz.choice_field(list(AMOUNT_BANDS)),
        "assisted": fuzz.choice_field(["yes", "no", ""]),
        "sort": fuzz.choice_field(sorts),
        "page": fuzz.number_field("1", "2", tricky=["0", "-1", "99999999999"]),
    }
    query = data.draw(fuzz.form_bodies(fields), label="query")
    before = screened.states()

    for url in ("/screening/", "/screening/export.csv"):
        response = get(client, url, query_string=query)
        response.get_data()  # the export is streamed: build all of it
        response.close()
        event(f"{url} answered {response.status_code}")

    assert screened.states() == before
