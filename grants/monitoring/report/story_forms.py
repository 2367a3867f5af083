"""Forms of the report's story section: shape only (the rules live in ``stories`` and
``photos``)."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField

from grants.forms import BaseForm
from grants.monitoring.photos import ALT_TEXT_MAX_LENGTH, PhotoDetails
from grants.monitoring.states import StoryConsent
from grants.monitoring.stories import STORY_WORD_LIMIT, StoryAnswer

YES, NO = "yes", "no"


class StoryForm(BaseForm):
    has_story = RadioField(
        "Do you have a story of change to share this time?",
        widget=GovRadioInput(),
        choices=[(YES, "Yes"), (NO, "No, we have no story this time")],
        validate_choice=False,
    )
    story = TextAreaField(
        "Your story",
        widget=GovTextArea(),
        description=(
            "What changed for someone because of your project? You do not need to name anyone. "
            f"Use {STORY_WORD_LIMIT} words or fewer."
        ),
    )
    consent = RadioField(
        "What may we do with your story and photos?",
        widget=GovRadioInput(),
        choices=[(c.value, c.label) for c in StoryConsent],
        validate_choice=False,
    )
    submit = SubmitField("Save and return to your report", widget=GovSubmitInput())

    def answer(self) -> StoryAnswer:
        has_story = {YES: True, NO: False}.get(self.has_story.data)
        consent = self.consent.data
        return StoryAnswer(
            has_story=has_story,
            story=self.story.data if isinstance(self.story.data, str) else None,
            consent=StoryConsent(consent) if consent in {c.value for c in StoryConsent} else None,
        )


class PhotoForm(BaseForm):
    photo = FileField("Photo", widget=GovFileInput(), description="A JPEG or PNG, up to 10MB.")
    alt_text = StringField(
        "Describe the photo for someone who cannot see it",
        widget=GovTextInput(),
        description="For example: Volunteers and children planting bulbs in the park.",
    )
    people_agreed = BooleanField(
        "The people shown in this photo agreed to it being used",
        widget=GovCheckboxInput(),
        description="For children, their parent or carer agreed.",
    )
    submit = SubmitField("Add photo", widget=GovSubmitInput())

    def details(self, upload) -> PhotoDetails:
        alt = self.alt_text.data if isinstance(self.alt_text.data, str) else None
        if alt is not None and len(alt) > ALT_TEXT_MAX_LENGTH * 2:
            alt = alt[: ALT_TEXT_MAX_LENGTH * 2]  # the service still says it is too long
        return PhotoDetails(
            upload=upload, alt_text=alt, people_agreed=bool(self.people_agreed.data)
        )


class ConfirmForm(BaseForm):
    """A button and its CSRF token: remove a photo."""
