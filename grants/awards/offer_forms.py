"""Award and offer forms: shape only. The rules (what an offer needs, when it may be accepted,
what adds up) live in ``offers``, ``terms`` and ``services``, which report every problem at
once; each form's ``answer()`` hands them what was typed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SubmitField, TextAreaField

from grants.awards import offers, terms
from grants.awards.models import ReleaseCondition
from grants.awards.services import AwardChanges
from grants.awards.states import AwardStatus
from grants.forms import (
    BaseForm,
    GovDateField,
    PoundsField,
    SingleLineChecks,
    WholeNumberField,
    required,
    text_field,
)
from grants.numbers import whole_number

NOT_NAMED = "none"


def _select(label: str, everything: str, choices: list[tuple[str, str]] | None = None):
    return SelectField(
        label,
        widget=GovSelect(),
        choices=[("", everything), *(choices or [])],
        default="",
        validate_choice=False,  # a stale or crafted value is ignored by the filter
    )


class IndexFilterForm(SingleLineChecks, FlaskForm):
    """The awards list's filters: a GET form, so a filtered list can be bookmarked."""

    class Meta:
        csrf = False  # a read-only search

    status = _select("Status", "Every status", [(s.value, s.label) for s in AwardStatus])
    round = _select("Round", "All rounds")


def _percent(number: int):
    return WholeNumberField(
        f"Instalment {number}: percentage of the award",
        widget=GovTextInput(),
        invalid_message=f"Enter the percentage for instalment {number} as a whole number, like 50",
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )


def _condition(number: int):
    return SelectField(
        f"Instalment {number}: paid",
        widget=GovSelect(),
        choices=[("", "No instalment"), *((c.value, c.label) for c in ReleaseCondition)],
        default="",
        validate_choice=False,  # the service says what is wrong, with the others
    )


class TermsForm(BaseForm):
    ERROR_FIELDS = {"instalments": "percent_1"}

    single_payment_limit = PoundsField(
        "Awards up to this amount are paid in one instalment when accepted",
        description="In pounds, for example 2,000",
    )
    percent_1, condition_1 = _percent(1), _condition(1)
    percent_2, condition_2 = _percent(2), _condition(2)
    percent_3, condition_3 = _percent(3), _condition(3)
    percent_4, condition_4 = _percent(4), _condition(4)
    offer_valid_days = WholeNumberField(
        "How many days an offer stays open",
        widget=GovTextInput(),
        description="From 1 to 365 days",
        invalid_message="Enter the number of days as a whole number, like 30",
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    terms = TextAreaField(
        "Standard terms printed in every grant agreement (optional)",
        widget=GovTextArea(),
        description="You can use Markdown: a blank line starts a paragraph, ## starts a heading, "
        "- starts a bullet point.",
    )
    submit = SubmitField("Save the terms", widget=GovSubmitInput())

    def fill(self, saved) -> None:
        """Show the saved (or default) terms."""
        self.single_payment_limit.data = saved.single_payment_limit_pence
        self.offer_valid_days.data = saved.offer_valid_days
        self.terms.data = saved.terms
        for number, step in enumerate(saved.instalments[: terms.MAX_INSTALMENTS], start=1):
            self[f"percent_{number}"].data = int(step["percent"])
            self[f"condition_{number}"].data = step["condition"]

    def answer(self) -> terms.TermsInput:
        return terms.TermsInput(
            single_payment_limit_pence=self.single_payment_limit.data,
            offer_valid_days=self.offer_valid_days.data,
            terms=self.terms.data,
            instalments=[
                terms.Instalment(self[f"percent_{n}"].data, self[f"condition_{n}"].data)
                for n in range(1, terms.MAX_INSTALMENTS + 1)
            ],
        )


class AdjustForm(BaseForm):
    ERROR_FIELDS = {"amount_pence": "amount", "contribution_id": "contribution"}

    amount = PoundsField("Amount of the award", description="In pounds, for example 4,500")
    start_date = GovDateField("Project start date", description="For example, 4 1 2027")
    end_date = GovDateField("Project end date", description="For example, 31 12 2027")
    amount_reason = TextAreaField(
        "Why the amount differs from the panel's decision",
        widget=GovTextArea(),
        description="Needed only when the amount is not what the panel decided. More than the "
        "panel decided also needs another finance officer's approval before the offer is sent.",
    )
    conditions = TextAreaField(
        "Conditions (optional)",
        widget=GovTextArea(),
        description="One condition a line. They are printed in the grant agreement.",
    )
    contribution = RadioField(
        "Whose money pays for this award?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,  # the service checks it is a contribution to this fund
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def fill(self, award, contributions) -> None:
        self.contribution.choices = [
            (NOT_NAMED, "Not named: the fund's money as a whole"),
            *((str(c.id), c.label) for c in contributions),
        ]
        if not self.is_submitted():
            self.amount.data = award.amount_pence
            self.start_date.data = award.start_date
            self.end_date.data = award.end_date
            self.conditions.data = "\n".join(award.conditions or [])
            self.amount_reason.data = award.amount_reason or ""
            self.contribution.data = str(award.contribution_id or NOT_NAMED)

    def answer(self) -> AwardChanges:
        chosen = self.contribution.data or NOT_NAMED
        return AwardChanges(
            amount_pence=self.amount.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            conditions=[c for c in (self.conditions.data or "").splitlines() if c.strip()],
            amount_reason=self.amount_reason.data,
            contribution_id=None
            if chosen == NOT_NAMED
            else (whole_number(chosen, max_digits=18) or -1),
        )


class ConfirmForm(BaseForm):
    """A button that changes something (CSRF-protected); nothing to fill in."""


class ApproveIncreaseForm(BaseForm):
    """The amount the approver saw, so an amount changed since is not approved unseen."""

    amount_pence = HiddenField()

    def seen_amount(self) -> int | None:
        return whole_number(self.amount_pence.data or "", max_digits=18)


def _reason(label: str, message: str, description: str | None = None):
    return text_field(
        label,
        message,
        offers.REASON_MAX_LENGTH,
        field=TextAreaField,
        widget=GovTextArea(),
        description=description,
        length_message=f"The reason must be {offers.REASON_MAX_LENGTH:,} characters or fewer",
    )


class ReissueForm(BaseForm):
    reason = _reason(
        "Why is the offer being reissued?",
        "Enter why the offer is being reissued",
        "The group is sent the new version. Earlier versions are kept.",
    )
    seen_version = HiddenField()
    submit = SubmitField("Reissue the offer", widget=GovSubmitInput())


class WithdrawForm(BaseForm):
    reason = _reason(
        "Why is the award being withdrawn?",
        "Enter why the award is being withdrawn",
        "A group that has the offer is told, with this reason.",
    )
    submit = SubmitField("Withdraw the award", widget=GovSubmitInput())


class DeclineForm(BaseForm):
    reason = _reason(
        "Why are you declining the offer?",
        "Enter why you are declining the offer",
        "This helps the council improve the fund.",
    )
    submit = SubmitField("Decline the offer", widget=GovSubmitInput())


class RecordDeclineForm(BaseForm):
    reason = _reason(
        "Why did the group decline the offer?",
        "Enter why the group declined the offer",
        "For example, what their letter or phone call said.",
    )
    submit = SubmitField("Record the decline", widget=GovSubmitInput())


def _name(label: str, message: str):
    return text_field(
        label,
        message,
        offers.NAME_MAX_LENGTH,
        length_message=f"{label} must be {offers.NAME_MAX_LENGTH:,} characters or fewer",
        render_kw={"spellcheck": "false"},
    )


class AcceptForm(BaseForm):
    full_name = _name("Full name", "Enter your full name")
    role = _name("Your role in the group", "Enter your role in the group")
    confirmed = BooleanField(
        "I confirm",
        widget=GovCheckboxInput(),
        validators=[required("Confirm that you are authorised to accept this grant")],
    )
    submit = SubmitField("Accept the grant", widget=GovSubmitInput())

    def for_group(self, name: str) -> AcceptForm:
        self.confirmed.label.text = (
            f"I confirm that I am authorised to accept this grant on behalf of {name} and that "
            "we accept the terms and conditions in the grant agreement"
        )
        return self

    def answer(self) -> offers.Acceptance:
        return offers.Acceptance(self.full_name.data, self.role.data, bool(self.confirmed.data))


class PaperAcceptanceForm(BaseForm):
    full_name = _name("Signatory's full name", "Enter the signatory's full name")
    role = _name("Signatory's role in the group", "Enter the signatory's role in the group")
    signed_on = GovDateField(
        "Date signed",
        description="For example, 27 3 2027",
        validators=[required("Enter the date the agreement was signed")],
    )
    scan = FileField(
        "Scan of the signed acceptance page",
        widget=GovFileInput(),
        description="A PDF, JPEG or PNG, smaller than 10MB.",
    )
    submit = SubmitField("Record the acceptance", widget=GovSubmitInput())

    def answer(self) -> offers.PaperAcceptance:
        return offers.PaperAcceptance(
            self.full_name.data, self.role.data, self.signed_on.data, self.scan.data
        )
