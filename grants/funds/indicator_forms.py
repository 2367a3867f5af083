"""Forms for a fund's indicator library: shape only. The rules (names unique in the fund, a used
indicator's unit fixed) live in grants.funds.indicators."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from grants.forms import BaseForm, required
from grants.funds.indicators import DEFINITION_LENGTH, NAME_LENGTH, IndicatorDetails
from grants.funds.models import INDICATOR_UNIT_LABELS, Indicator
from grants.numbers import record_id

UNIT_HINTS = {
    "people": "Each person counted once, however often they come.",
    "sessions": "Each session, meeting or activity held.",
    "hours": "Hours given or spent, in whole hours.",
    "volunteers": "Each volunteer counted once.",
    "items": "Things given out or made: parcels, meals, packs.",
    "percentage": "A share of people, from 0 to 100%, usually from a short survey.",
    "yes_no": "Something that either happens or does not.",
}


class IndicatorForm(BaseForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="In a group's words, for example: Young people taking part.",
        validators=[
            required("Enter the indicator's name"),
            Length(max=NAME_LENGTH, message=f"Name must be {NAME_LENGTH} characters or fewer"),
        ],
    )
    definition = TextAreaField(
        "How to count it",
        widget=GovTextArea(),
        description="In plain English, so that every group counts it the same way. Groups see "
        "this when they choose it.",
        validators=[
            required("Enter how to count it"),
            Length(
                max=DEFINITION_LENGTH,
                message=f"How to count it must be {DEFINITION_LENGTH:,} characters or fewer",
            ),
        ],
    )
    unit = RadioField(
        "What does it count?",
        widget=GovRadioInput(),
        choices=list((unit.value, label) for unit, label in INDICATOR_UNIT_LABELS.items()),
        validate_choice=False,  # the service explains an unknown unit
        validators=[required("Select what it counts")],
    )
    principle_id = RadioField(
        "Which principle does it serve?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[required("Select the principle it serves")],
    )
    submit = SubmitField("Save indicator", widget=GovSubmitInput())

    # An indicator that groups already use: what it counts and its principle are shown, not
    # asked, so only its wording can be corrected.
    fixed: Indicator | None = None

    def details(self) -> IndicatorDetails:
        return IndicatorDetails(
            name=self.name.data if not self.name.errors else None,
            definition=self.definition.data if not self.definition.errors else None,
            unit=self.fixed.unit.value if self.fixed else self.unit.data,
            principle_id=self.fixed.principle_id
            if self.fixed
            else record_id(self.principle_id.data),
        )


def build_indicator_form(
    indicator: Indicator | None, principles, *, used: bool = False
) -> IndicatorForm:
    """The form to add an indicator or change one; for a used one, its wording only."""
    data = {}
    if indicator is not None:
        data = {
            "name": indicator.name,
            "definition": indicator.definition,
            "unit": indicator.unit.value,
            "principle_id": str(indicator.principle_id),
        }
    form = IndicatorForm(data=data)
    form.principle_id.choices = [(str(p.id), p.name) for p in principles]
    if used and indicator is not None:
        form.fixed = indicator
        del form.unit
        del form.principle_id
    return form


class ConfirmForm(BaseForm):
    """A button and a CSRF token: retire, offer again, delete."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
