"""Moderation meeting forms: shape only. The rules (quorum, budget, what each decision needs)
live in ``meetings`` and ``decisions``, which report every problem at once."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import NumberRange, Optional

from grants.forms import BaseForm, PoundsField, WholeNumberField, required, text_field
from grants.panels.meeting_models import DecisionOutcome
from grants.panels.models import RankingMethod

TEXT_LIMIT = 5000


def _text_area(label: str, required_message: str | None = None, description: str | None = None):
    return text_field(
        label,
        required_message,
        TEXT_LIMIT,
        field=TextAreaField,
        widget=GovTextArea(),
        description=description,
    )


def _min_members():
    return WholeNumberField(
        "Minimum number of members for quorum",
        widget=GovTextInput(),
        description="Community members must also be at least half of those attending.",
        invalid_message="Enter the minimum number of members as a whole number, like 3",
        validators=[required("Enter the minimum number of members for quorum")],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )


class OpenMeetingForm(BaseForm):
    min_members = _min_members()


class AttendanceForm(BaseForm):
    attending = SelectMultipleField(
        "Who is attending?",
        widget=GovCheckboxesInput(),
        choices=[],
        validate_choice=False,  # the service checks each one sits on this panel
        coerce=str,
    )
    min_members = _min_members()


class OverrideForm(BaseForm):
    reason = _text_area(
        "Why may the meeting decide without quorum?",
        "Enter why the meeting may decide without quorum",
        "This is printed in the decision record.",
    )


class RankingMethodForm(BaseForm):
    method = RadioField(
        "Rank applications by",
        widget=GovRadioInput(),
        choices=[(m.value, m.label) for m in RankingMethod],
        validate_choice=False,
        validators=[required("Choose how to rank the applications")],
    )


class ModerateForm(BaseForm):
    score = WholeNumberField(
        "Moderated score out of 100",
        widget=GovTextInput(),
        invalid_message="Enter the moderated score as a whole number from 0 to 100",
        validators=[
            required("Enter a moderated score from 0 to 100"),
            NumberRange(0, 100, "Enter a moderated score from 0 to 100"),
        ],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    reason = _text_area(
        "Why did the panel moderate the score?", "Enter why the panel moderated the score"
    )


class DecisionForm(BaseForm):
    outcome = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[(o.value, o.label) for o in DecisionOutcome],
        validate_choice=False,
        validators=[required("Choose a decision")],
    )
    rationale = _text_area("The panel's rationale", "Enter the panel's rationale for the decision")
    amount = PoundsField("Reduced amount (fund a reduced amount only)", validators=[Optional()])
    reduced_reason = _text_area("Why the amount was reduced (fund a reduced amount only)")
    conditions = _text_area(
        "Conditions (fund with conditions only)",
        description="Write each condition on its own line.",
    )
    decline_reason = SelectField(
        "Reason for declining (decline only)",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )
    decline_detail = _text_area(
        "More about the reason for declining (decline only)",
        description="Required when no reason on the list fits.",
    )
    departure_rationale = _text_area(
        "If this departs from the ranking, why",
        description="Needed when funding an application ranked below one that was declined, or "
        "declining one ranked above one that was funded.",
    )
    change_reason = _text_area(
        "Why the decision is changing (a change to a recorded decision only)",
        description="Kept in the decision record beside the earlier decision, and told to the "
        "group if it has already heard the earlier one.",
    )


class FeedbackForm(BaseForm):
    feedback = _text_area(
        "Feedback for the group",
        "Enter the feedback for the group",
        "The group reads this with the decision. Do not name panel members.",
    )


class DeclineReasonForm(BaseForm):
    label = text_field("New reason", None, 200)


class ConfirmForm(BaseForm):
    """A button that changes something (CSRF-protected); nothing to fill in."""


class ConfirmedForm(BaseForm):
    """The button on a page that says what will happen: only a POST carrying ``confirm`` acts,
    so an old one-click form (or a forged one without it) only leads to that page."""

    confirm = HiddenField()

    @property
    def confirmed(self) -> bool:
        return self.validate_on_submit() and self.confirm.data == "yes"
