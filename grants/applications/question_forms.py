"""A form built for each round's own questions, one field per question."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from grants.applications.models import Application
from grants.forms import BaseForm, GovDateField, WholeNumberField
from grants.funds.models import Question, QuestionKind

YES_NO = [("yes", "Yes"), ("no", "No")]


def field_name(question: Question) -> str:
    return f"question_{question.id}"


def recording_field_name(question: Question) -> str:
    return f"question_{question.id}_recording"


def _hint(question: Question) -> str:
    hint = question.hint or ""
    if question.kind == QuestionKind.LONG_TEXT and question.word_limit:
        hint = f"{hint} Up to {question.word_limit:,} words.".strip()
    if not question.required:
        hint = f"{hint} This question is optional.".strip()
    return hint


def _field(question: Question):
    label, hint = question.label, _hint(question)
    common = {"description": hint}
    match question.kind:
        case QuestionKind.SHORT_TEXT:
            return StringField(
                label,
                widget=GovTextInput(),
                validators=[Length(max=300, message="Answer must be 300 characters or fewer")],
                **common,
            )
        case QuestionKind.LONG_TEXT:
            return TextAreaField(
                label,
                widget=GovTextArea(),
                validators=[Length(max=50_000, message="Answer is too long")],
                **common,
            )
        case QuestionKind.NUMBER:
            return WholeNumberField(
                label,
                widget=GovTextInput(),
                invalid_message="Enter a whole number, like 12",
                **common,
            )
        case QuestionKind.YES_NO:
            return RadioField(
                label, widget=GovRadioInput(), choices=YES_NO, validate_choice=False, **common
            )
        case QuestionKind.SINGLE_CHOICE:
            options = [(o, o) for o in question.options or []]
            return RadioField(
                label, widget=GovRadioInput(), choices=options, validate_choice=False, **common
            )
        case QuestionKind.MULTIPLE_CHOICE:
            options = [(o, o) for o in question.options or []]
            return SelectMultipleField(
                label, widget=GovCheckboxesInput(), choices=options, validate_choice=False, **common
            )
        case QuestionKind.DATE:
            return GovDateField(label, **common)
        case QuestionKind.FILE:
            return FileField(label, widget=GovFileInput(), **common)


def questions_form(application: Application, formdata=None) -> BaseForm:
    """A form class for this round's questions, filled from saved answers on a GET."""
    round_ = application.round

    class QuestionsForm(BaseForm):
        submit = SubmitField("Save and return to your application", widget=GovSubmitInput())

    data: dict[str, Any] = {}
    for question in round_.questions:
        setattr(QuestionsForm, field_name(question), _field(question))
        if question.kind == QuestionKind.LONG_TEXT and round_.allows_recordings:
            setattr(
                QuestionsForm,
                recording_field_name(question),
                FileField("Or send a recording instead (optional)", widget=GovFileInput()),
            )
        value = application.answer_for(question.id)
        if question.kind == QuestionKind.DATE and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        if question.kind != QuestionKind.FILE:
            data[field_name(question)] = value
    return (
        QuestionsForm(formdata=formdata, data=data)
        if formdata is not None
        else QuestionsForm(data=data)
    )


def answers_from(form: BaseForm, application: Application) -> dict[int, Any]:
    """The typed answers, keyed by question id (files are handled separately)."""
    values = {}
    for question in application.round.questions:
        if question.kind == QuestionKind.FILE:
            continue
        value = getattr(form, field_name(question)).data
        if isinstance(value, str):
            value = value.strip()
        values[question.id] = value
    return values
