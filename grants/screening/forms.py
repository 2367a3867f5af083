"""Screening forms: shape only. The rules (what a check needs, when a deadline may move,
which file a scan may be) live in the services, which report breaches as form errors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from grants.applications.models import CHANNEL_LABELS
from grants.forms import BaseForm, GovDateField, required
from grants.screening.assisted import ASSISTED_CHANNELS
from grants.screening.checks import CHECKLIST_LABELS
from grants.screening.models import ScreeningOutcome
from grants.screening.notes import NOTE_MAX_LENGTH
from grants.screening.queue import AMOUNT_BANDS, SENT_STATUSES

MESSAGE_MAX_LENGTH = 5000


def _select(label: str, everything: str, choices: list[tuple[str, str]] | None = None):
    return SelectField(
        label,
        widget=GovSelect(),
        choices=[("", everything), *(choices or [])],
        default="",
        validate_choice=False,  # a stale or crafted value is ignored by the filter, not an error
    )


class QueueFilterForm(FlaskForm):
    """The queue's filters. A GET form, so a filtered view can be bookmarked and shared."""

    class Meta:
        csrf = False  # a read-only search

    search = StringField(
        "Reference, project or group",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100)],
    )
    round = _select("Round", "All rounds")
    status = _select("Status", "Every status", [(s.value, s.label) for s in SENT_STATUSES])
    neighbourhood = _select("Neighbourhood", "All neighbourhoods")
    principle = _select("Main principle", "All principles")
    amount_band = _select(
        "Amount asked for", "Any amount", [(key, band.label) for key, band in AMOUNT_BANDS.items()]
    )
    assisted = RadioField(
        "Entered by an officer",
        widget=GovRadioInput(),
        choices=[("", "Any"), ("yes", "Yes"), ("no", "No")],
        default="",
        validate_choice=False,
    )


class NoteForm(BaseForm):
    body = TextAreaField(
        "Add a staff note",
        widget=GovTextArea(),
        description="Only staff can see notes. The group never sees them.",
        validators=[
            required("Enter the note"),
            Length(
                max=NOTE_MAX_LENGTH, message=f"Note must be {NOTE_MAX_LENGTH:,} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


SCREENING_OUTCOME_LABELS = {outcome.value: outcome.label for outcome in ScreeningOutcome}


class EligibilityForm(BaseForm):
    checklist = SelectMultipleField(
        "Eligibility checklist",
        widget=GovCheckboxesInput(),
        choices=list(CHECKLIST_LABELS.items()),
        description="Tick each one you have checked and found to be true.",
        validate_choice=False,
    )
    outcome = RadioField(
        "Outcome",
        widget=GovRadioInput(),
        choices=list(SCREENING_OUTCOME_LABELS.items()),
        validators=[required("Select the outcome of the check")],
        validate_choice=False,  # the service explains an unknown outcome
    )
    message = TextAreaField(
        "Message to the group",
        widget=GovTextArea(),
        description=(
            "Needed when the application is not eligible (say why) or when you need more "
            "information (say what). We email it to the group and show it on their application."
        ),
        validators=[
            Length(
                max=MESSAGE_MAX_LENGTH,
                message=f"Message must be {MESSAGE_MAX_LENGTH:,} characters or fewer",
            )
        ],
    )
    submit = SubmitField("Save the check", widget=GovSubmitInput())


class ExtensionForm(BaseForm):
    until = GovDateField(
        "New deadline",
        description="UK date, for example 27 3 2026",
        validators=[required("Enter the date of the new deadline")],
        invalid_message="Enter the new deadline as a real date, for example 27 3 2026",
    )
    time = StringField(
        "Time",
        widget=GovTextInput(),
        description="24-hour clock, for example 17:00",
        default="17:00",
        validators=[required("Enter the time of the new deadline"), Length(max=5)],
    )
    reason = TextAreaField(
        "Reason for the extension",
        widget=GovTextArea(),
        description="For example: paper form posted on 20 March, before the round closed.",
        validators=[
            required("Enter the reason for the extension"),
            Length(max=1000, message="Reason must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Give more time", widget=GovSubmitInput())


class AssistedStartForm(BaseForm):
    round = SelectField(
        "Round",
        widget=GovSelect(),
        description=(
            "Closed rounds are listed for paper forms that arrived before the deadline: "
            "they need an extension before they can be sent."
        ),
        validators=[required("Select the round the group is applying to")],
        validate_choice=False,
    )
    organisation = SelectField(
        "Group",
        widget=GovSelect(),
        description="Groups are listed by name, with their postcode.",
        validators=[required("Select the group")],
        validate_choice=False,
    )
    channel = RadioField(
        "How did the application reach you?",
        widget=GovRadioInput(),
        choices=[(channel.value, CHANNEL_LABELS[channel]) for channel in ASSISTED_CHANNELS],
        validators=[required("Select how the application reached you")],
        validate_choice=False,
    )
    scan = FileField(
        "Scan of the paper form (optional)",
        widget=GovFileInput(),
        description="A PDF, JPEG or PNG scan, kept with the application.",
    )
    submit = SubmitField("Start the application", widget=GovSubmitInput())
