"""Forms of the report's challenges and changes section: shape only (the rules live in
``changes``)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectField, SubmitField, TextAreaField

from grants.forms import BaseForm, GovDateField, PoundsField
from grants.monitoring.changes import DECREASE, INCREASE, ChangeDetails
from grants.monitoring.states import ChangeKind
from grants.numbers import record_id


class ChallengesForm(BaseForm):
    challenges = TextAreaField(
        "What got in the way?",
        widget=GovTextArea(),
        description="Anything that made the project harder, or slower, than you planned. You can leave this blank.",
    )
    submit = SubmitField("Save and return to your report", widget=GovSubmitInput())


def _why() -> TextAreaField:
    return TextAreaField("Why do you need this change?", widget=GovTextArea())


class MoreTimeForm(BaseForm):
    new_end_date = GovDateField(
        "When would you like the project to end?", description="For example, 31 3 2028"
    )
    why = _why()
    submit = SubmitField("Add this request", widget=GovSubmitInput())

    def details(self) -> ChangeDetails:
        return ChangeDetails(
            ChangeKind.MORE_TIME, self.why.data, new_end_date=self.new_end_date.data
        )


class DifferentAmountForm(BaseForm):
    direction = RadioField(
        "Do you need more or less money?",
        widget=GovRadioInput(),
        choices=[(INCREASE, "More"), (DECREASE, "Less")],
        validate_choice=False,
    )
    amount_pence = PoundsField("How much more or less?")
    why = _why()
    submit = SubmitField("Add this request", widget=GovSubmitInput())

    def details(self) -> ChangeDetails:
        return ChangeDetails(
            ChangeKind.DIFFERENT_AMOUNT,
            self.why.data,
            direction=self.direction.data,
            amount_pence=self.amount_pence.data,
        )


class MoveSpendForm(BaseForm):
    from_line_id = SelectField(
        "Move money from", widget=GovSelect(), choices=[], validate_choice=False
    )
    to_line_id = SelectField("Move money to", widget=GovSelect(), choices=[], validate_choice=False)
    amount_pence = PoundsField("How much?")
    why = _why()
    submit = SubmitField("Add this request", widget=GovSubmitInput())

    def details(self) -> ChangeDetails:
        return ChangeDetails(
            ChangeKind.MOVE_SPEND,
            self.why.data,
            amount_pence=self.amount_pence.data,
            from_line_id=record_id(self.from_line_id.data),
            to_line_id=record_id(self.to_line_id.data),
        )


CHANGE_FORMS = {
    ChangeKind.MORE_TIME: MoreTimeForm,
    ChangeKind.DIFFERENT_AMOUNT: DifferentAmountForm,
    ChangeKind.MOVE_SPEND: MoveSpendForm,
}
