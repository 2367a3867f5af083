"""Finance's answer to a change a group asked for: shape only (the rules live in ``changes``)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField

from grants.awards.models import VariationKind
from grants.awards.variations import Proposal
from grants.forms import BaseForm, GovDateField, PoundsField
from grants.monitoring.changes import ANSWERS, DECREASE, INCREASE, FinanceAnswer
from grants.monitoring.states import ChangeAnswer, ChangeKind

DECISION_LABELS = {
    ChangeAnswer.AGREED: "Agree to the move",
    ChangeAnswer.REFUSED: "Refuse the request",
    ChangeAnswer.VARIATION_PROPOSED: "Propose a variation of the award",
}


class AnswerForm(BaseForm):
    decision = RadioField("Your answer", widget=GovRadioInput(), choices=[], validate_choice=False)
    # A variation, for more time or a different amount (ignored otherwise).
    new_end_date = GovDateField("New end date")
    direction = RadioField(
        "Increase or decrease the award?",
        widget=GovRadioInput(),
        choices=[(INCREASE, "Increase"), (DECREASE, "Decrease")],
        validate_choice=False,
    )
    change_pence = PoundsField("By how much?")
    reason = TextAreaField(
        "Why should the award change?",
        widget=GovTextArea(),
        description="Recorded with the variation, for the finance officer who approves it.",
    )
    answer_text = TextAreaField(
        "Your answer to the group",
        widget=GovTextArea(),
        description="The group is emailed this, with your decision.",
    )
    submit = SubmitField("Send the answer", widget=GovSubmitInput())
    ERROR_FIELDS = {"amount_change_pence": "change_pence"}

    def for_kind(self, kind: ChangeKind) -> AnswerForm:
        self.decision.choices = [(a.value, DECISION_LABELS[a]) for a in ANSWERS[kind]]
        self.kind = kind
        return self

    def answer(self) -> FinanceAnswer:
        decision = self.decision.data
        decision = ChangeAnswer(decision) if decision in {a.value for a in ChangeAnswer} else None
        proposal = None
        if decision == ChangeAnswer.VARIATION_PROPOSED:
            proposal = self._proposal()
        return FinanceAnswer(decision, self.answer_text.data, proposal)

    def _proposal(self) -> Proposal | None:
        reason = self.reason.data
        if self.kind == ChangeKind.MORE_TIME:
            return Proposal(VariationKind.END_DATE, reason, new_end_date=self.new_end_date.data)
        if self.kind == ChangeKind.DIFFERENT_AMOUNT:
            change = self.change_pence.data
            if change is not None and self.direction.data == DECREASE:
                change = -change
            elif self.direction.data != INCREASE:
                change = None
            return Proposal(VariationKind.AMOUNT, reason, amount_change_pence=change)
        return None
