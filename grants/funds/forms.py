"""Fund and round forms: shape only. The services decide what is allowed and what is locked."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length, Optional

from grants.clock import LocalTimeError, parse_time, uk_to_utc, utc_to_uk
from grants.forms import BaseForm, GovDateField, PoundsField, required
from grants.funds.models import Round
from grants.funds.services import FundDetails, RoundDetails
from grants.numbers import record_id
from grants.organisations.models import OrganisationType


def _text(label: str, message: str | None, max_length: int, **kwargs) -> StringField:
    validators = [required(message)] if message else [Optional()]
    validators.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
    return StringField(label, widget=GovTextInput(), validators=validators, **kwargs)


class FundForm(BaseForm):
    name = _text("Name", "Enter the fund's name", 200)
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        description="Shown on the fund's rounds' pages. Use ## for a heading, * for a bullet point "
        "and [link text](https://…) for a link.",
        validators=[Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    # Shown only when creating a fund: partners' money is added as contributions afterwards.
    council_contribution_pence = PoundsField(
        "Council's contribution",
        description="The council's own money in the fund. Add partners' contributions once the "
        "fund is set up; the fund's budget is what all the contributions add up to.",
        validators=[required("Enter the council's contribution")],
    )
    funder_name = _text("Funder's name", "Enter the funder's name", 200)
    funder_org_id = _text(
        "Funder's org-id",
        "Enter the funder's org-id",
        60,
        description="From org-id.guide, for open data. For example, GB-LAE-WGN for Wigan Council.",
    )
    publisher_prefix = _text(
        "360Giving publisher prefix (optional)",
        None,
        60,
        description="Starts 360G-, for example 360G-wigancouncil.",
    )
    publisher_website = _text("Publisher website (optional)", None, 300)
    submit = SubmitField("Save fund", widget=GovSubmitInput())

    def details(self) -> FundDetails:
        return FundDetails(
            name=self.name.data,
            description=self.description.data or "",
            council_contribution_pence=self.council_contribution_pence.data
            if "council_contribution_pence" in self
            else None,
            funder_org_id=self.funder_org_id.data,
            funder_name=self.funder_name.data,
            publisher_prefix=self.publisher_prefix.data,
            publisher_website=self.publisher_website.data,
        )


class TimeOfDayField(StringField):
    """A UK clock time typed as 'HH:MM' (24-hour clock); ``data`` is a datetime.time."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = parse_time(text)
            except LocalTimeError as error:
                raise ValueError(error.message) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""


YES_NO_NEIGHBOURHOODS = [
    ("yes", "Anywhere in the borough"),
    ("no", "Only in the neighbourhoods I choose"),
]
TIME_HINT = "Use the 24-hour clock, like 09:00 or 17:30. For the end of a day, use 23:59."


class RoundForm(BaseForm):
    """Every setting of a round. ``opens_at``/``closes_at`` are worked out in UK time on validate."""

    title = _text("Title", "Enter the round's title", 200)
    slug = _text(
        "Web address",
        "Enter a web address for the round",
        80,
        description="Lowercase letters, numbers and hyphens, like small-grants-2026. "
        "The round's page will be at /rounds/ followed by this.",
    )
    guidance = TextAreaField(
        "Guidance for applicants",
        widget=GovTextArea(),
        description="Shown on the round's page. Use ## for a heading, * for a bullet point "
        "and [link text](https://…) for a link.",
        validators=[Length(max=20_000, message="Guidance must be 20,000 characters or fewer")],
    )
    opens_on = GovDateField("Opening date", validators=[required("Enter the opening date")])
    opens_time = TimeOfDayField(
        "Opening time", description=TIME_HINT, validators=[required("Enter the opening time")]
    )
    closes_on = GovDateField("Closing date", validators=[required("Enter the closing date")])
    closes_time = TimeOfDayField(
        "Closing time", description=TIME_HINT, validators=[required("Enter the closing time")]
    )
    budget_pence = PoundsField("Budget", validators=[required("Enter the round's budget")])
    min_award_pence = PoundsField(
        "Smallest grant", validators=[required("Enter the smallest grant")]
    )
    max_award_pence = PoundsField("Largest grant", validators=[required("Enter the largest grant")])
    eligible_org_types = SelectMultipleField(
        "Types of group that can apply",
        widget=GovCheckboxesInput(),
        choices=[(t.value, t.label) for t in OrganisationType],
        validate_choice=False,
        validators=[required("Select the types of group that can apply")],
    )
    max_income_pence = PoundsField(
        "Largest annual income (optional)",
        description="Groups with a bigger income cannot apply. Leave blank for no limit.",
    )
    all_neighbourhoods = RadioField(
        "Where can projects happen?",
        widget=GovRadioInput(),
        choices=YES_NO_NEIGHBOURHOODS,
        validate_choice=False,
        validators=[
            required("Select where projects can happen"),
            AnyOf(["yes", "no"], message="Select where projects can happen"),
        ],
    )
    neighbourhood_ids = SelectMultipleField(
        "Neighbourhoods",
        widget=GovCheckboxesInput(),
        choices=[],
        validate_choice=False,
        description="If projects can happen only in the neighbourhoods you choose, select each "
        "one. Leave these blank if projects can happen anywhere in the borough.",
    )
    project_start_from = GovDateField(
        "Earliest project start (optional)", description="For example, 1 6 2026"
    )
    project_end_by = GovDateField(
        "Latest project end (optional)", description="For example, 31 3 2027"
    )
    allows_recordings = BooleanField(
        "Groups can send a video or audio recording instead of written answers",
        widget=GovCheckboxInput(),
    )
    allows_several_applications = BooleanField(
        "A group can send more than one application to this round",
        widget=GovCheckboxInput(),
    )
    blind_panel = BooleanField(
        "Blind panel: panel members do not see who is applying while they score",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save round", widget=GovSubmitInput())

    opens_at = None
    closes_at = None

    ERROR_FIELDS = {"opens_at": "opens_on", "closes_at": "closes_on"}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.opens_at = self._moment(self.opens_on, self.opens_time)
        self.closes_at = self._moment(self.closes_on, self.closes_time)
        return valid and self.opens_at is not None and self.closes_at is not None

    @staticmethod
    def _moment(day_field, time_field):
        if day_field.data is None or time_field.data is None:
            return None
        try:
            return uk_to_utc(day_field.data, time_field.data)
        except LocalTimeError as error:
            time_field.errors = [*time_field.errors, error.message]
            return None

    def details(self) -> RoundDetails:
        return RoundDetails(
            slug=self.slug.data,
            title=self.title.data,
            guidance=self.guidance.data or "",
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            budget_pence=self.budget_pence.data,
            min_award_pence=self.min_award_pence.data,
            max_award_pence=self.max_award_pence.data,
            eligible_org_types=list(self.eligible_org_types.data or []),
            max_income_pence=self.max_income_pence.data,
            all_neighbourhoods=self.all_neighbourhoods.data == "yes",
            neighbourhood_ids=[
                number
                for number in map(record_id, self.neighbourhood_ids.data or [])
                if number is not None
            ],
            allows_recordings=self.allows_recordings.data,
            allows_several_applications=self.allows_several_applications.data,
            blind_panel=self.blind_panel.data,
            project_start_from=self.project_start_from.data,
            project_end_by=self.project_end_by.data,
        )

    def kept_values(self, name: str) -> list[str]:
        """What a locked field sends back unchanged, as hidden inputs."""
        field = self[name]
        if isinstance(field, GovDateField):
            if field.raw_data:
                return list(field.raw_data)
            return (
                [str(field.data.day), str(field.data.month), str(field.data.year)]
                if field.data
                else []
            )
        if isinstance(field, SelectMultipleField):
            return [str(value) for value in field.data or []]
        if isinstance(field, BooleanField):
            return ["y"] if field.data else []
        value = field._value() if hasattr(field, "_value") else field.data
        return [str(value)] if value not in (None, "") else []


def round_form_data(round_: Round) -> dict:
    """A round's saved settings as the form shows them, with times in UK time."""
    opens, closes = utc_to_uk(round_.opens_at), utc_to_uk(round_.closes_at)
    return {
        "title": round_.title,
        "slug": round_.slug,
        "guidance": round_.guidance,
        "opens_on": opens.date(),
        "opens_time": opens.time(),
        "closes_on": closes.date(),
        "closes_time": closes.time(),
        "budget_pence": round_.budget_pence,
        "min_award_pence": round_.min_award_pence,
        "max_award_pence": round_.max_award_pence,
        "eligible_org_types": list(round_.eligible_org_types or []),
        "max_income_pence": round_.max_income_pence,
        "all_neighbourhoods": "yes" if round_.all_neighbourhoods else "no",
        "neighbourhood_ids": [str(n.id) for n in round_.neighbourhoods],
        "allows_recordings": round_.allows_recordings,
        "allows_several_applications": round_.allows_several_applications,
        "blind_panel": round_.blind_panel,
        "project_start_from": round_.project_start_from,
        "project_end_by": round_.project_end_by,
    }


def build_round_form(round_: Round | None = None) -> RoundForm:
    """The round form, ticking saved settings on a GET; neighbourhoods come from the reference data.

    A neighbourhood no longer in use stays on the list while the round still names it, so saving
    the round does not drop it unnoticed.
    """
    from grants.reference.services import active_neighbourhoods

    form = RoundForm(data=round_form_data(round_) if round_ else {"all_neighbourhoods": "yes"})
    choices = {n.id: n.name for n in active_neighbourhoods()}
    if round_ is not None:
        choices.update({n.id: n.name for n in round_.neighbourhoods})
    form.neighbourhood_ids.choices = [
        (str(key), name) for key, name in sorted(choices.items(), key=lambda item: item[1])
    ]
    return form
