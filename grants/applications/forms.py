"""Forms for each task-list section. Shape only: the rules live in answers.py and services.py."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from grants.applications.models import BENEFICIARY_GROUPS, BUDGET_CATEGORIES
from grants.applications.sections import SECTIONS
from grants.forms import BaseForm, GovDateField, WholeNumberField, required, text_field
from grants.funds.models import IndicatorUnit
from grants.numbers import NO_SUCH_ID, record_id

SECTION_KEYS = frozenset(section.key for section in SECTIONS)


def _save_button(text: str = "Save and return to your application") -> SubmitField:
    return SubmitField(text, widget=GovSubmitInput())


def parse_ids(values: list[str] | None) -> list[int]:
    """Ids from checkbox or radio values; anything that is not a plain number is ignored."""
    numbers = (record_id(v) for v in values or [])
    return [n for n in numbers if n is not None]


class ChooseGroupForm(BaseForm):
    organisation = RadioField(
        "Which group is applying?",
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[required("Select the group that is applying")],
    )
    submit = _save_button("Start application")


class ProjectForm(BaseForm):
    title = text_field(
        "Project title",
        "Enter a title for your project",
        200,
        length_message="Title must be 200 characters or fewer",
    )
    summary = text_field(
        "Summary",
        "Enter a one-line summary",
        140,
        field=TextAreaField,
        widget=GovCharacterCount(),
        description="In one sentence, what will your project do? We may publish this if you are funded.",
    )
    description = TextAreaField(
        "Describe your project",
        widget=GovTextArea(),
        description="What will you do, who with, and why is it needed here? Up to 1,000 words.",
        validators=[
            Optional(),
            Length(max=20_000, message="Description must be 1,000 words or fewer"),
        ],
    )
    description_recording = FileField(
        "Or send a video or audio recording instead (optional)",
        widget=GovFileInput(),
        description="MP3, M4A, WAV, OGG, MP4, WebM or MOV, up to 200MB.",
    )
    submit = _save_button()


class WhereForm(BaseForm):
    neighbourhoods = SelectMultipleField(
        "Which neighbourhoods will the project work in?",
        widget=GovCheckboxesInput(),
        description="Select all that apply.",
        validate_choice=False,
        validators=[required("Select at least one neighbourhood")],
    )
    submit = _save_button()


class PrinciplesForm(BaseForm):
    main_principle = RadioField(
        "Which principle does your project mainly serve?",
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[required("Select the principle your project mainly serves")],
    )
    other_principles = SelectMultipleField(
        "Which other principles does it serve? (optional)",
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    submit = _save_button()


class BeneficiariesForm(BaseForm):
    people_reached = WholeNumberField(
        "How many people will take part or benefit?",
        widget=GovTextInput(),
        invalid_message="Enter how many people as a whole number, like 40",
        validators=[required("Enter how many people will take part or benefit")],
    )
    groups = SelectMultipleField(
        "Who will benefit?",
        widget=GovCheckboxesInput(),
        description="Select all that apply.",
        choices=list(BENEFICIARY_GROUPS.items()),
        validate_choice=False,
        validators=[required("Select who will benefit")],
    )
    submit = _save_button()


OWN_OUTCOME = "own"


class OutcomeForm(BaseForm):
    """One planned outcome: a measure from the fund's library with its target, or the group's
    own words. Each indicator has its own target field (``target_<id>``), shown under it, so the
    page works without JavaScript; only the fields of the choice made are checked."""

    measure = RadioField(
        "What will you count?",
        widget=GovRadioInput(),
        description="Pick the one that fits best. Each says how to count it, so every project "
        "counts it the same way.",
        validate_choice=False,  # the service explains a measure not on the list
        validators=[required("Select what you will count, or describe it in your own words")],
    )
    description = text_field(
        "What will change?",
        None,
        300,
        length_message="What will change must be 300 characters or fewer",
        description="For example: children eat a hot lunch every day of the holidays.",
    )
    target = text_field(
        "Your target (optional)",
        None,
        200,
        length_message="Your target must be 200 characters or fewer",
        description="In your own words. For example: 40 children over the summer.",
    )
    principle = RadioField(
        "Which principle does this outcome serve?",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    submit = SubmitField("Add outcome", widget=GovSubmitInput())
    save_and_return = _save_button()

    ALWAYS_CHECKED = frozenset({"csrf_token", "measure", "submit", "save_and_return"})
    OWN_FIELDS = ("description", "target", "principle")

    def target_fields(self) -> list[str]:
        return [name for name in self._fields if name.startswith("target_")]

    def _chosen_fields(self) -> set[str] | None:
        """The fields of the choice made, or None when no choice on the list was made."""
        measure = (self.measure.data or "").strip()
        if measure == OWN_OUTCOME:
            return set(self.OWN_FIELDS)
        return {f"target_{measure}"} if f"target_{measure}" in self._fields else None

    def validate(self, extra_validators=None):
        """Check the fields of the choice made; a box left typed in under another choice is
        neither checked nor kept. With no choice on the list, every field is checked."""
        super().validate(extra_validators=extra_validators)
        chosen = self._chosen_fields()
        keep = self._fields.keys() if chosen is None else self.ALWAYS_CHECKED | chosen
        for name, field in self._fields.items():
            if name not in keep and field.errors:
                field.errors = []
        return not self.form_errors and not any(f.errors for f in self._fields.values())

    def choice(self) -> dict | None:
        """The outcome asked for, as the service takes it, or None when nothing was chosen."""
        measure = (self.measure.data or "").strip()
        if not measure:
            return None
        if measure == OWN_OUTCOME:
            principle = parse_ids([self.principle.data])
            return {
                "description": self.description.data,
                "target": self.target.data,
                "principle_id": principle[0] if principle else None,
            }
        indicator_id = record_id(measure) or NO_SUCH_ID
        field = self._fields.get(f"target_{indicator_id}")
        self.ERROR_FIELDS = {"target_value": field.name if field else "measure"}
        return {"indicator_id": indicator_id, "target_value": field.data if field else None}


def _target_field(indicator):
    if indicator.unit == IndicatorUnit.YES_NO:
        return RadioField(
            "Your target",
            widget=GovRadioInput(),
            choices=[("yes", "Yes"), ("no", "No")],
            validate_choice=False,
        )
    return StringField(
        "Your target",
        widget=GovTextInput(),
        description="A percentage, from 0 to 100."
        if indicator.unit == IndicatorUnit.PERCENTAGE
        else "A whole number, like 40.",
        validators=[Length(max=20, message="Enter your target as a whole number, like 40")],
    )


def build_outcome_form(indicators, principles) -> OutcomeForm:
    """The outcomes form for a round whose fund offers these indicators (none: own words only)."""
    fields = {f"target_{indicator.id}": _target_field(indicator) for indicator in indicators}
    form_class = type("OutcomeForm", (OutcomeForm,), fields) if fields else OutcomeForm
    form = form_class()
    form.measure.choices = [(str(i.id), i.name) for i in indicators] + [
        (OWN_OUTCOME, "Something else: describe it in your own words")
    ]
    form.principle.choices = [(str(p.id), p.name) for p in principles]
    if not indicators:  # the only way there is: no choice to make
        form.measure.data = OWN_OUTCOME
        form.measure.validators = []
    return form


class BudgetLineForm(BaseForm):
    item = text_field(
        "What will you spend it on?",
        "Enter what you will spend the money on",
        200,
        length_message="Must be 200 characters or fewer",
    )
    category = SelectField(
        "Category",
        widget=GovSelect(),
        choices=[("", "Choose a category"), *BUDGET_CATEGORIES.items()],
        validate_choice=False,
        validators=[required("Select a category")],
    )
    amount = StringField(
        "Amount in pounds",
        widget=GovTextInput(),
        validators=[
            required("Enter an amount"),
            Length(max=20, message="Enter an amount like 1,250.50"),
        ],
    )
    submit = SubmitField("Add to budget", widget=GovSubmitInput())
    save_and_return = _save_button()


class DocumentsForm(BaseForm):
    governing_document = FileField(
        "Governing document",
        widget=GovFileInput(),
        description="Your constitution, trust deed, or articles. Informal groups can send a written agreement of how the group is run.",
    )
    safeguarding_policy = FileField("Safeguarding policy", widget=GovFileInput())
    accounts = FileField(
        "Latest accounts or bank statement",
        widget=GovFileInput(),
        description="From the last 12 months. New groups can send a recent bank statement.",
    )
    submit = SubmitField("Upload files", widget=GovSubmitInput())
    save_and_return = _save_button()


class DeclarationForm(BaseForm):
    full_name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[
            required("Enter your full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    confirm = BooleanField(
        "I confirm that the information in this application is correct, and that I have the group's agreement to apply",
        widget=GovCheckboxInput(),
    )
    submit = _save_button("Save declaration")


class WithdrawForm(BaseForm):
    reason = TextAreaField(
        "Why are you withdrawing this application?",
        widget=GovTextArea(),
        validators=[
            required("Enter why you are withdrawing the application"),
            Length(max=2000, message="Reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Withdraw application", widget=GovSubmitInput())


class WaiverForm(BaseForm):
    reason = TextAreaField(
        "Why can the group go without this document?",
        widget=GovTextArea(),
        description="For example: an informal group that meets by phone and has no written policy. "
        "Screening officers and the panel will read this.",
        validators=[
            required("Enter why the group can go without this document"),
            Length(max=2000, message="Reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Waive this document", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A button and a CSRF token: for actions like sending or deleting."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class SendForm(ConfirmForm):
    """Sending, on check your answers. A refusal caused by one section's answers is listed against
    that section's heading on the page (``id="section-<key>"``), so the error summary links
    straight to it and its "Change" link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_errors: dict[str, str] = {}

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name in SECTION_KEYS:
            self.section_errors[f"section-{field_name}"] = message
        else:
            super().add_error(field_name, message)

    @property
    def errors(self):
        return {**super().errors, **{key: [m] for key, m in self.section_errors.items()}}


class TimelineForm(BaseForm):
    start_date = GovDateField(
        "When will the project start?",
        description="For example, 27 3 2027",
        validators=[required("Enter the date the project will start")],
    )
    end_date = GovDateField(
        "When will the project end?",
        description="For example, 30 9 2027",
        validators=[required("Enter the date the project will end")],
    )
    submit = _save_button()
