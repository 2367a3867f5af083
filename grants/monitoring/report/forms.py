"""Forms of the group's report. Shape only: the rules live in services.py and spending.py.

The spending, outcomes and questions forms are built for each report, one field per budget
line, beneficiary group, outcome or question, named after what they ask about
(``spent_<budget line id>``, ``reach_<group>``, ``actual_<outcome id>``, ``question_<key>``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from grants.applications.models import BENEFICIARY_GROUPS, Channel
from grants.applications.question_forms import _field as question_field
from grants.forms import BaseForm, PoundsField, WholeNumberField, text_field
from grants.funds.models import QuestionKind
from grants.monitoring.models import MonitoringReport
from grants.monitoring.report.sections import questions_of
from grants.monitoring.spending import explanation_field, spent_field

SAVE = "Save and return to your report"
ASSISTED_CHANNELS = [c for c in Channel if c != Channel.ONLINE]


def _save_button(text: str = SAVE) -> SubmitField:
    return SubmitField(text, widget=GovSubmitInput())


def _long_text(label: str, limit: int, *, description: str = "", message: str | None = None):
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=description,
        validators=[
            Optional(),
            Length(max=limit, message=message or f"Must be {limit:,} characters or fewer"),
        ],
    )


class StartForm(BaseForm):
    """Starting a report: an officer entering it for a group says how it reached them."""

    channel = RadioField(
        "How did the group give you its report?",
        widget=GovRadioInput(),
        choices=[(c.value, c.label) for c in ASSISTED_CHANNELS],
        validate_choice=False,
    )
    submit = _save_button("Start the report")


class WhatHappenedForm(BaseForm):
    what_happened = _long_text(
        "What happened",
        20_000,
        description="Tell us in your own words what your project has done so far: what went "
        "well, and what you learned. Up to 1,000 words.",
        message="What happened must be 1,000 words or fewer",
    )
    recording = FileField(
        "Or send a video or audio recording instead (optional)",
        widget=GovFileInput(),
        description="If you would rather talk than write. MP3, M4A, WAV, OGG, MP4, WebM or MOV, "
        "up to 200MB.",
    )
    submit = _save_button()


def spending_form(report: MonitoringReport, formdata=None) -> BaseForm:
    """One amount and one explanation per budget line of the application."""

    class SpendingForm(BaseForm):
        submit = _save_button()

    data: dict[str, Any] = {}
    saved = {spend.budget_line_id: spend for spend in report.spending}
    for line in report.award.application.budget_lines:
        setattr(
            SpendingForm,
            spent_field(line.id),
            PoundsField(f"Spent so far on {line.item}", description="In pounds, like 1,250.50"),
        )
        setattr(
            SpendingForm,
            explanation_field(line.id),
            _long_text(
                f"Why is spending on {line.item} different from the plan? (if it is)",
                1000,
                description="Needed when you are more than 10% or more than £100 away from "
                "the plan.",
                message="Explanation must be 1,000 characters or fewer",
            ),
        )
        spend = saved.get(line.id)
        data[spent_field(line.id)] = spend.spent_pence if spend else None
        data[explanation_field(line.id)] = spend.explanation if spend else ""
    return SpendingForm(formdata=formdata, data=data) if formdata else SpendingForm(data=data)


def spends_from(form: BaseForm, report: MonitoringReport) -> dict[int, tuple]:
    return {
        line.id: (form[spent_field(line.id)].data, form[explanation_field(line.id)].data)
        for line in report.award.application.budget_lines
    }


def reach_field(group: str) -> str:
    return f"reach_{group}"


def outcomes_form(report: MonitoringReport, formdata=None) -> BaseForm:
    """People reached by each beneficiary group; a value or progress for each outcome."""
    application = report.award.application

    class OutcomesForm(BaseForm):
        submit = _save_button()

    data: dict[str, Any] = {}
    for group in application.beneficiary_groups or []:
        setattr(
            OutcomesForm,
            reach_field(group),
            WholeNumberField(
                BENEFICIARY_GROUPS.get(group, group),
                widget=GovTextInput(),
                invalid_message="Enter how many people as a whole number, like 40",
            ),
        )
        data[reach_field(group)] = (report.reach or {}).get(group)
    values = {value.outcome_id: value for value in report.outcome_values}
    for outcome in application.outcomes:
        value = values.get(outcome.id)
        if outcome.is_measured:
            setattr(
                OutcomesForm,
                f"actual_{outcome.id}",
                WholeNumberField(
                    "Number so far",
                    widget=GovTextInput(),
                    invalid_message="Enter the number so far as a whole number, like 12",
                ),
            )
            setattr(
                OutcomesForm,
                f"comment_{outcome.id}",
                _long_text(
                    "Comment (optional)", 2000, message="Comment must be 2,000 characters or fewer"
                ),
            )
            data[f"actual_{outcome.id}"] = value.actual_value if value else None
            data[f"comment_{outcome.id}"] = value.comment if value else ""
        else:
            setattr(
                OutcomesForm,
                f"progress_{outcome.id}",
                _long_text(
                    "Progress so far",
                    2000,
                    description="In your own words.",
                    message="Progress must be 2,000 characters or fewer",
                ),
            )
            data[f"progress_{outcome.id}"] = value.progress if value else ""
    return OutcomesForm(formdata=formdata, data=data) if formdata else OutcomesForm(data=data)


def outcomes_from(form: BaseForm, report: MonitoringReport) -> tuple[dict, dict]:
    application = report.award.application
    reach = {g: form[reach_field(g)].data for g in application.beneficiary_groups or []}
    values = {}
    for outcome in application.outcomes:
        if outcome.is_measured:
            values[outcome.id] = (
                form[f"actual_{outcome.id}"].data,
                form[f"comment_{outcome.id}"].data,
                None,
            )
        else:
            values[outcome.id] = (None, None, form[f"progress_{outcome.id}"].data)
    return reach, values


def question_field_name(question) -> str:
    return question.field_name


def questions_form(report: MonitoringReport, formdata=None) -> BaseForm:
    """The template's own questions, with the application's widgets for each kind."""

    class QuestionsForm(BaseForm):
        submit = _save_button()

    data: dict[str, Any] = {}
    for question in questions_of(report):
        setattr(QuestionsForm, question_field_name(question), question_field(question))
        value = (report.answers or {}).get(question.id)
        if question.kind == QuestionKind.DATE and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        data[question_field_name(question)] = value
    return QuestionsForm(formdata=formdata, data=data) if formdata else QuestionsForm(data=data)


def answers_from(form: BaseForm, report: MonitoringReport) -> dict[str, Any]:
    values = {}
    for question in questions_of(report):
        value = form[question_field_name(question)].data
        values[question.id] = value.strip() if isinstance(value, str) else value
    return values


class DeclarationForm(BaseForm):
    full_name = text_field(
        "Your full name", None, 200, length_message="Name must be 200 characters or fewer"
    )
    role = text_field(
        "Your role in the group",
        None,
        200,
        description="For example, chair, treasurer or project lead.",
        length_message="Role must be 200 characters or fewer",
    )
    confirm = BooleanField(
        "I confirm that this report is true, and that I may send it for the group",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Send report", widget=GovSubmitInput())
