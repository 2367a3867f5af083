"""Audit log filters (GET, so a filtered view can be bookmarked and shared)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only search

    action = StringField(
        "Action",
        widget=GovTextInput(),
        description="For example user.roles_changed",
        validators=[Optional(), Length(max=80)],
    )
    object_type = StringField(
        "Object type",
        widget=GovTextInput(),
        description="For example User or Organisation",
        validators=[Optional(), Length(max=80)],
    )
    actor = StringField(
        "Done by (email address)", widget=GovTextInput(), validators=[Optional(), Length(max=254)]
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())
