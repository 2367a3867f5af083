"""No single-line answer keeps a line break or other control character, whichever form it is on.

A name with CR/LF in it once left the "has joined" and "removed from group" emails stuck in the
outbox ("Header values can't contain newlines"). The walker below finds every form class in the
code, so a new form is covered without anyone remembering to add it here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

import grants
from grants import single_line
from grants.errors import InvalidInput
from grants.forms import is_single_line

BAD_VALUES = [
    "Line one\r\nline two",
    "Line one\nline two",
    "Tab\tseparated",
    "Next\x85line",
    "Line\u2028separator",
    "Para\u2029graph",
    "Nul\x00byte",
]


def _form_classes() -> list[type[Form]]:
    for module in pkgutil.walk_packages(grants.__path__, "grants."):
        importlib.import_module(module.name)
    found, waiting = set(), [Form]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                waiting.append(subclass)
    return sorted(
        (cls for cls in found if cls.__module__.startswith("grants.")),
        key=lambda cls: (cls.__module__, cls.__qualname__),
    )


FORMS = _form_classes()


def _submitted(form_class, value: str):
    """The form as if every field were posted ``value``."""
    names = list(form_class(formdata=None, meta={"csrf": False})._fields)
    return form_class(formdata=MultiDict({name: value for name in names}), meta={"csrf": False})


def test_the_walker_finds_the_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"RegisterForm", "GroupForm", "InviteForm", "PeopleSearchForm"} <= names
    assert len(FORMS) > 60


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_single_line_field_refuses_line_breaks(app, form_class):
    with app.test_request_context(method="POST"):
        form = _submitted(form_class, BAD_VALUES[0])
        form.validate()
        single = [field for field in form if is_single_line(field)]
        accepted = [field.name for field in single if not field.errors]
        assert not accepted, f"{form_class.__name__} accepted CR/LF in {accepted}"
        for field in single:
            if isinstance(field.data, str):
                assert any("must not contain line breaks" in error for error in field.errors)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_each_kind_of_control_character_is_refused_with_a_message_naming_the_field(app, value):
    from grants.accounts.forms import RegisterForm

    with app.test_request_context(method="POST"):
        form = RegisterForm(formdata=MultiDict({"full_name": value}), meta={"csrf": False})
        form.validate()
        assert form.full_name.errors == [
            "Full name must not contain line breaks, tabs or other control characters"
        ]


def test_ordinary_names_and_long_answers_are_untouched(app):
    from grants.accounts.forms import RegisterForm
    from grants.admin.forms import DeactivateForm

    with app.test_request_context(method="POST"):
        form = RegisterForm(
            formdata=MultiDict({"full_name": "Siobhán O’Neill-Ng  Jr."}), meta={"csrf": False}
        )
        form.validate()
        assert form.full_name.errors == []
        reason = DeactivateForm(
            formdata=MultiDict({"reason": "Left in March.\r\nReturned keys."}),
            meta={"csrf": False},
        )
        assert reason.validate() or not reason.reason.errors  # a text area may hold lines


def test_a_rounds_own_short_text_question_refuses_line_breaks(app):
    """The answers form is built for each round, so the walker cannot see it: check it here."""
    from grants.applications.question_forms import questions_form
    from grants.funds.models import Question, QuestionKind
    from tests.applications.factories import open_round, start_application

    round_ = open_round()
    round_.questions = [Question(kind=QuestionKind.SHORT_TEXT, label="Its name?", position=1)]
    application = start_application(round_)
    name = f"question_{round_.questions[0].id}"
    with app.test_request_context(method="POST"):
        form = questions_form(application, formdata=MultiDict({name: "One\r\nTwo"}))
        form.validate()
        assert form[name].errors == [
            "Your answer must not contain line breaks, tabs or other control characters"
        ]


def test_single_line_cleans_a_value_to_one_line():
    assert single_line.single_line("  Ann \r\n  Smith\t") == "Ann Smith"
    assert single_line.single_line("A\u2028B\x85C") == "A B C"
    assert single_line.single_line("Plain name") == "Plain name"


def test_services_refuse_names_that_did_not_come_through_a_form():
    from grants.accounts import services as accounts
    from grants.permissions import Role
    from tests.factories import PASSWORD, make_group, make_user

    with pytest.raises(InvalidInput, match="Full name must not contain line breaks"):
        accounts.create_user(email="cli@example.org", full_name="Ann\r\nBcc: x", password=PASSWORD)
    person = make_user()
    with pytest.raises(InvalidInput, match="Who they represent must not contain line breaks"):
        accounts.set_roles(make_user(Role.ADMIN), person, set(), representing="Young\nperson")
    with pytest.raises(InvalidInput) as refused:
        make_group(person, name="Pemberton\r\nAllotments", town="Wigan\t")
    assert set(refused.value.errors) == {"name", "town"}


def test_form_classes_are_all_checked():
    """Every form class gets the check from one base, so none can opt out by accident."""
    from grants.forms import SingleLineChecks

    unchecked = [cls.__name__ for cls in FORMS if not issubclass(cls, SingleLineChecks)]
    assert not unchecked
    assert all(inspect.isclass(cls) for cls in FORMS)
