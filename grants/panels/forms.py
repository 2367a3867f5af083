"""Officers' panel set-up forms: shape only. The rules (ranges, who may sit on a panel, when
scoring closes) live in the services, which report every problem at once."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from grants.forms import BaseForm, GovDateField, WholeNumberField, required, text_field
from grants.panels.assignment import AssignmentMode
from grants.panels.models import Representation
from grants.panels.services import ORGANISATION_MAX_LENGTH, PanelSettings


def _number(label: str, description: str, noun: str):
    return WholeNumberField(
        label,
        widget=GovTextInput(),
        description=description,
        invalid_message=f"Enter {noun} as a whole number, like 5",
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )


class PanelSettingsForm(BaseForm):
    min_scorers = _number(
        "Scorers for each application",
        "Balanced assignment gives each application at least this many independent scorers.",
        "the number of scorers for each application",
    )
    community_majority = BooleanField(
        "Community members should be a majority of the panel",
        widget=GovCheckboxInput(),
        description="Residents, VCFSE, young people and faith community members, rather than "
        "council officers and partner organisations.",
    )
    min_young_people = _number(
        "Young people (under 25), at least", "", "the number of young people"
    )
    min_faith_members = _number(
        "Faith community members, at least", "", "the number of faith community members"
    )
    rotation_after = _number(
        "Flag members for rotation after this many panels in a row",
        "A member who sat on each of the panels of the rounds just before this one is flagged.",
        "the number of panels in a row",
    )
    disagreement_sd = _number(
        "Flag disagreement when the standard deviation is over",
        "Scores are out of 100.",
        "the standard deviation",
    )
    disagreement_range = _number(
        "Flag disagreement when the range is over",
        "The highest score minus the lowest, out of 100.",
        "the range",
    )
    indicative_allocations = BooleanField(
        "Set indicative neighbourhood allocations",
        widget=GovCheckboxInput(),
        description="Share the round's budget between its neighbourhoods by population weighted "
        "by deprivation, and show the meeting its proposed awards against each share.",
    )
    closes_on = GovDateField(
        "Scoring closes on",
        description="UK date, for example 27 3 2027. Leave blank if scoring has no end date yet.",
        invalid_message="Enter the date scoring closes as a real date, for example 27 3 2027",
    )
    closes_at_time = StringField(
        "Time",
        widget=GovTextInput(),
        description="24-hour clock, for example 17:00",
        validators=[Optional(), Length(max=5, message="Enter a time like 17:00")],
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def settings(self) -> PanelSettings:
        return PanelSettings(
            min_scorers=self.min_scorers.data,
            community_majority=bool(self.community_majority.data),
            min_young_people=self.min_young_people.data,
            min_faith_members=self.min_faith_members.data,
            rotation_after=self.rotation_after.data,
            disagreement_sd=self.disagreement_sd.data,
            disagreement_range=self.disagreement_range.data,
            closes_on=self.closes_on.data,
            closes_at_time=self.closes_at_time.data,
            indicative_allocations=bool(self.indicative_allocations.data),
        )


class MemberSearchForm(BaseForm):
    """Narrows the list of panel members to choose from. A GET form: nothing changes."""

    class Meta:
        csrf = False

    search = StringField(
        "Search by name or email address",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100)],
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


class AddMemberForm(BaseForm):
    member = SelectField(
        "Panel member",
        widget=GovSelect(),
        validators=[required("Select the person to add to the panel")],
        validate_choice=False,  # the service checks the person holds the role
    )
    submit = SubmitField("Add to the panel", widget=GovSubmitInput())


class ProfileForm(BaseForm):
    representation = RadioField(
        "Whom do you represent on the panel?",
        widget=GovRadioInput(),
        choices=[(kind.value, kind.label) for kind in Representation],
        validators=[required("Select whom the member represents")],
        validate_choice=False,
    )
    organisation = text_field(
        "Organisation (if you represent one)",
        None,
        ORGANISATION_MAX_LENGTH,
        description="For example NHS Wigan Borough, or the name of your group.",
    )
    neighbourhood = SelectField(
        "Home neighbourhood",
        widget=GovSelect(),
        description="The ward you live in. Leave as it is if you would rather not say.",
        validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    ERROR_FIELDS = {"neighbourhood_id": "neighbourhood"}


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token is sent."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class AssignForm(BaseForm):
    mode = RadioField(
        "How should applications be shared out?",
        widget=GovRadioInput(),
        choices=[(mode.value, mode.label) for mode in AssignmentMode],
        default=AssignmentMode.BALANCED.value,
        validators=[required("Select how applications should be shared out")],
        validate_choice=False,
    )
    submit = SubmitField("Assign applications", widget=GovSubmitInput())


class ReassignForm(BaseForm):
    member = SelectField(
        "Member to score it",
        widget=GovSelect(),
        description="Members with a conflict, or already asked, are not listed. Least busy first.",
        validators=[required("Select the member to score this application")],
        validate_choice=False,
    )
    submit = SubmitField("Ask them to score it", widget=GovSubmitInput())
