"""The officers' monitoring forms: shape only. The services decide what is allowed (a sent
report, a date not in the past, a channel other than online) and report every problem at once."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectField, SubmitField, TextAreaField

from grants.applications.models import CHANNEL_LABELS
from grants.forms import BaseForm, GovDateField, SingleLineChecks, required, text_field
from grants.monitoring.review.queue import STATUS_LABELS
from grants.monitoring.review.services import (
    ASSISTED_CHANNELS,
    MESSAGE_MAX_LENGTH,
    REASON_MAX_LENGTH,
)


def _select(label: str, everything: str, choices: list[tuple[str, str]] | None = None):
    return SelectField(
        label,
        widget=GovSelect(),
        choices=[("", everything), *(choices or [])],
        default="",
        validate_choice=False,  # a stale or crafted value is ignored by the filter
    )


class QueueFilterForm(SingleLineChecks, FlaskForm):
    """The queue's filters: a GET form, so a filtered view can be bookmarked and shared."""

    class Meta:
        csrf = False  # a read-only search

    round = _select("Round", "All rounds")
    neighbourhood = _select("Neighbourhood", "All neighbourhoods")
    status = _select("Status", "Every status but accepted", list(STATUS_LABELS.items()))


class AcceptForm(BaseForm):
    submit = SubmitField("Accept the report", widget=GovSubmitInput())


class RequestChangesForm(BaseForm):
    message = text_field(
        "What does the group need to change?",
        "Enter what the group needs to change",
        MESSAGE_MAX_LENGTH,
        field=TextAreaField,
        widget=GovTextArea(),
        length_message=f"The message must be {MESSAGE_MAX_LENGTH:,} characters or fewer",
        description=(
            "We email this to the group with a link to their report. Everything they wrote "
            "is kept: they change what you ask and send it again."
        ),
    )
    submit = SubmitField("Ask for changes", widget=GovSubmitInput())


class DueDateForm(BaseForm):
    due_on = GovDateField(
        "New due date",
        description="For example, 27 3 2027",
        validators=[required("Enter the new due date")],
        invalid_message="Enter the new due date as a real date, for example 27 3 2027",
    )
    reason = text_field(
        "Why does the report have a new due date?",
        "Enter why the report has a new due date",
        REASON_MAX_LENGTH,
        field=TextAreaField,
        widget=GovTextArea(),
        length_message=f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer",
        description="For example: the chair was in hospital; agreed by phone on 3 March.",
    )
    submit = SubmitField("Save the new due date", widget=GovSubmitInput())


class EnterForm(BaseForm):
    channel = RadioField(
        "How did the report reach you?",
        widget=GovRadioInput(),
        choices=[(channel.value, CHANNEL_LABELS[channel]) for channel in ASSISTED_CHANNELS],
        validators=[required("Select how the report reached you")],
        validate_choice=False,  # the service explains an unknown channel
    )
    submit = SubmitField("Start the report", widget=GovSubmitInput())
