"""Screening forms: shape only. The rules (what a check needs, when a deadline may move,
which file a scan may be) live in the services, which report breaches as form errors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
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
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from grants.applications.models import CHANNEL_LABELS
from grants.forms import BaseForm, GovDateField, SingleLineChecks, required
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


class QueueFilterForm(SingleLineChecks, FlaskForm):
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
CONFIRMED, NOT_MET, WAIVED = "confirmed", "not_met", "waived"
CHECKLIST_ANSWERS = {
    CONFIRMED: "Confirmed",
    NOT_MET: "Not met, or not checked yet",
    WAIVED: "Waived, with a reason",
}


def _checklist_fields() -> dict[str, object]:
    """One question per checklist item, none answered until the officer answers it, and a
    reason for each item waived. Made before the form's other fields so they come first."""
    fields: dict[str, object] = {}
    for key, label in CHECKLIST_LABELS.items():
        fields[key] = RadioField(
            label,
            widget=GovRadioInput(),
            choices=list(CHECKLIST_ANSWERS.items()),
            validate_choice=False,  # anything but "confirmed" or "waived" confirms nothing
        )
        fields[f"{key}_waiver"] = TextAreaField("If you waive it, why?", widget=GovTextArea())
    return fields


_CHECKLIST_FIELDS = _checklist_fields()


class EligibilityForm(BaseForm):
    """The checklist, the outcome and the message to the group. Whether the answers are enough
    for the outcome chosen (every item confirmed or waived for "eligible") is the service's rule."""

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
            "information (say what). It is emailed to the group and shown on their application."
        ),
        validators=[
            Length(
                max=MESSAGE_MAX_LENGTH,
                message=f"Message must be {MESSAGE_MAX_LENGTH:,} characters or fewer",
            )
        ],
    )
    submit = SubmitField("Save the check", widget=GovSubmitInput())

    def checklist_fields(self) -> list[tuple[object, object]]:
        """(answer, waiver reason) field pairs, in checklist order, for the template."""
        return [(self[key], self[f"{key}_waiver"]) for key in CHECKLIST_LABELS]

    def checklist_answers(self) -> tuple[dict[str, bool], dict[str, str]]:
        """What the officer confirmed, and the reason typed for each item they waived."""
        checklist = {key: self[key].data == CONFIRMED for key in CHECKLIST_LABELS}
        waivers = {
            key: self[f"{key}_waiver"].data or ""
            for key in CHECKLIST_LABELS
            if self[key].data == WAIVED
        }
        return checklist, waivers


for _name, _field in _CHECKLIST_FIELDS.items():
    setattr(EligibilityForm, _name, _field)


class CorrectionForm(EligibilityForm):
    """A screening outcome corrected: the same check again, with the reason for the change."""

    reason = TextAreaField(
        "Why are you correcting the outcome?",
        widget=GovTextArea(),
        description="This is emailed to everyone in the group and kept in the history.",
    )
    submit = SubmitField("Correct the outcome", widget=GovSubmitInput())


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
