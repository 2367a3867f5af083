"""A round's report template pages, sent hostile bodies.

Never a 500. A version once written never changes; a save (the page's redirect to the template
list) writes exactly one new version of its own template, and anything else writes none.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from grants.awards.models import ReportKind
from grants.extensions import db
from grants.funds.models import QuestionKind
from grants.funds.questions import QuestionDetails
from grants.monitoring.models import ReportTemplateVersion
from grants.monitoring.setup import templates
from tests.funds.factories import make_round
from tests.fuzz import strategies as fuzz
from tests.fuzz.harness import FUZZ, post


@pytest.fixture
def world(officer, reference_data):
    round_ = make_round()
    for kind in ReportKind:
        template = templates.template_for(round_.id, kind)
        for label in ("Who helped?", "Which days?"):
            templates.add_question(
                officer,
                template,
                QuestionDetails(label=label, kind="short_text", required=False),
            )
    db.session.commit()
    return round_.id


def versions() -> dict[tuple[int, int], list]:
    db.session.expire_all()
    return {
        (v.template_id, v.number): v.questions
        for v in db.session.scalars(select(ReportTemplateVersion))
    }


def question_fields() -> dict:
    many = "\n".join(f"Choice {n}" for n in range(31))
    return {
        "label": fuzz.text_field("What did volunteers say?"),
        "hint": fuzz.text_field("A sentence or two.", ""),
        "kind": fuzz.choice_field([kind.value for kind in QuestionKind]),
        "word_limit": fuzz.number_field("250", "5000", tricky=["5001", "0", "-1", "9" * 30]),
        "options": fuzz.text_field("Mon\nTue", tricky=["A\na", many, "x" * 201 + "\ny", "one"]),
        "required": fuzz.choice_field(["yes", "no"]),
    }


def _urls(round_id: int, action: str) -> list[str]:
    urls = []
    for kind in ReportKind:
        template = templates.template_for(round_id, kind)
        base = f"/funds/rounds/{round_id}/reports/{kind.value}/questions"
        if action == "new":
            urls.append(f"{base}/new")
            continue
        for question in template.current.questions:
            suffix = "" if action == "edit" else f"/{action}"
            urls.append(f"{base}/{question['key']}{suffix}")
    return urls


PAGES = {
    "new": question_fields,
    "edit": question_fields,
    "remove": lambda: {"submit": fuzz.text_field("Remove")},
    "move": lambda: {
        "direction": fuzz.choice_field(["up", "down"], tricky=["sideways", ""]),
        "version": fuzz.number_field("3", tricky=["0", "-1", "9" * 40, "²"]),
    },
}


@pytest.mark.parametrize("action", list(PAGES))
@FUZZ
@given(data=st.data())
def test_template_page(client, world, action, data):
    body = data.draw(fuzz.form_bodies(PAGES[action]()), label="body")
    for url in _urls(world, action)[:3]:
        before = versions()
        response = post(client, url, body)
        after = versions()
        assert {k: after[k] for k in before} == before  # no version ever changes
        added = set(after) - set(before)
        saved = response.status_code == 302 and len(added) == 1
        event(f"{action}: {'saved' if saved else response.status_code}")
        if response.status_code == 200:
            assert not added  # a form shown again with its errors saved nothing
        else:
            assert len(added) <= 1
