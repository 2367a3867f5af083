"""Finance's forms: shape only. The services (contributions, variations, recoveries, closing)
decide what is allowed and report every problem at once."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField

from grants.awards.contributions import NAME_MAX_LENGTH, ContributionDetails
from grants.awards.models import RecoveryKind, VariationKind
from grants.awards.recoveries import RecoveryDetails
from grants.awards.states import AwardStatus
from grants.awards.variations import Proposal
from grants.forms import BaseForm, GovDateField, PoundsField, required, text_field
from grants.numbers import record_id

TEXT_LIMIT = 5_000
INCREASE, DECREASE = "increase", "decrease"


def _reason(label: str, message: str):
    return text_field(label, message, TEXT_LIMIT, field=TextAreaField, widget=GovTextArea())


def _received_on():
    return GovDateField(
        "Date received",
        description="For example, 27 3 2027",
        validators=[required("Enter the date the money was received")],
    )


class ContributionForm(BaseForm):
    contributor_name = text_field(
        "Contributor's name", "Enter the contributor's name", NAME_MAX_LENGTH
    )
    contributor_org_id = text_field(
        "Contributor's org-id",
        "Enter the contributor's org-id",
        60,
        description="From org-id.guide, for example GB-NHS-RXX, GB-COH-01234567 or GB-CHC-1234567.",
    )
    amount_pence = PoundsField("Amount", validators=[required("Enter the amount contributed")])
    received_on = _received_on()
    submit = SubmitField("Save contribution", widget=GovSubmitInput())

    def details(self) -> ContributionDetails:
        return ContributionDetails(
            contributor_name=self.contributor_name.data,
            contributor_org_id=self.contributor_org_id.data,
            amount_pence=self.amount_pence.data,
            received_on=self.received_on.data,
        )


class ConfirmForm(BaseForm):
    """A button and its CSRF token: remove, approve, reject."""


class AmountVariationForm(BaseForm):
    direction = RadioField(
        "Increase or decrease the award?",
        widget=GovRadioInput(),
        choices=[(INCREASE, "Increase"), (DECREASE, "Decrease")],
        validate_choice=False,
        validators=[required("Choose whether to increase or decrease the award")],
    )
    change_pence = PoundsField(
        "By how much?", validators=[required("Enter the amount to increase or decrease by")]
    )
    reason = _reason("Why should the award change?", "Enter why the award should change")
    submit = SubmitField("Propose the variation", widget=GovSubmitInput())
    ERROR_FIELDS = {"amount_change_pence": "change_pence"}

    def proposal(self) -> Proposal:
        change = self.change_pence.data
        if change is not None and self.direction.data == DECREASE:
            change = -change
        elif self.direction.data != INCREASE:
            change = None  # the direction's own error says what is missing
        return Proposal(VariationKind.AMOUNT, self.reason.data, amount_change_pence=change)


class EndDateVariationForm(BaseForm):
    new_end_date = GovDateField("New end date", validators=[required("Enter the new end date")])
    reason = _reason("Why should the award change?", "Enter why the award should change")
    submit = SubmitField("Propose the variation", widget=GovSubmitInput())

    def proposal(self) -> Proposal:
        return Proposal(
            VariationKind.END_DATE, self.reason.data, new_end_date=self.new_end_date.data
        )


class ScheduleVariationForm(BaseForm):
    payment_id = RadioField(
        "Which instalment?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[required("Choose the instalment to move")],
    )
    new_due_on = GovDateField(
        "New due date",
        description="A weekend or bank holiday moves to the next working day.",
        validators=[required("Enter the new due date")],
    )
    reason = _reason("Why should the date change?", "Enter why the date should change")
    submit = SubmitField("Propose the variation", widget=GovSubmitInput())

    def proposal(self) -> Proposal:
        payment_id = record_id(self.payment_id.data)
        return Proposal(
            VariationKind.SCHEDULE,
            self.reason.data,
            payment_id=payment_id,
            new_due_on=self.new_due_on.data,
        )


VARIATION_FORMS = {
    VariationKind.AMOUNT: AmountVariationForm,
    VariationKind.END_DATE: EndDateVariationForm,
    VariationKind.SCHEDULE: ScheduleVariationForm,
}


class RecoveryForm(BaseForm):
    kind = RadioField(
        "What kind of money is coming back?",
        widget=GovRadioInput(),
        choices=[(k.value, k.label) for k in RecoveryKind],
        validate_choice=False,
        validators=[required("Choose whether this is underspend returned or clawback")],
    )
    amount_pence = PoundsField(
        "Amount received", validators=[required("Enter the amount received")]
    )
    received_on = _received_on()
    reason = _reason("Why was the money returned?", "Enter why the money was returned")
    submit = SubmitField("Record money returned", widget=GovSubmitInput())

    def details(self) -> RecoveryDetails:
        kind = self.kind.data if self.kind.data in {k.value for k in RecoveryKind} else None
        return RecoveryDetails(
            kind=RecoveryKind(kind) if kind else None,
            amount_pence=self.amount_pence.data,
            received_on=self.received_on.data,
            reason=self.reason.data,
        )


class CloseForm(BaseForm):
    outcome = RadioField(
        "How does the award end?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[required("Choose how the award ends")],
    )
    reason = _reason("Why is the award closing?", "Enter why the award is closing")
    submit = SubmitField("Close the award", widget=GovSubmitInput())

    def chosen(self) -> AwardStatus | None:
        values = {s.value for s in AwardStatus}
        return AwardStatus(self.outcome.data) if self.outcome.data in values else None
