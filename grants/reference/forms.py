"""Admin forms for neighbourhoods and principles."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from grants.forms import BaseForm, WholeNumberField, required


class NeighbourhoodForm(BaseForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            required("Enter a name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    place = StringField(
        "Place (optional)",
        widget=GovTextInput(),
        description="A larger area that groups wards, such as a township.",
        validators=[Optional(), Length(max=120, message="Place must be 120 characters or fewer")],
    )
    is_active = BooleanField("Applicants can choose this neighbourhood", widget=GovCheckboxInput())
    submit = SubmitField("Save neighbourhood", widget=GovSubmitInput())


class PrincipleForm(BaseForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            required("Enter a name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "What it means",
        widget=GovTextArea(),
        validators=[
            required("Enter what the principle means"),
            Length(max=2000, message="Description must be 2,000 characters or fewer"),
        ],
    )
    position = WholeNumberField(
        "Order",
        invalid_message="Order must be a whole number from 0 to 999",
        widget=GovTextInput(),
        description="Principles are listed from the lowest number.",
        validators=[
            required("Enter a number for the order"),
            NumberRange(min=0, max=999, message="Order must be a whole number from 0 to 999"),
        ],
    )
    is_active = BooleanField("In use", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save principle", widget=GovSubmitInput())
