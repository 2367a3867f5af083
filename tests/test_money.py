"""Money is shown one way everywhere: whole pounds without pence, other amounts with both digits."""

import pytest

from grants.money import format_pence


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (200_000, "£2,000"),
        (200_050, "£2,000.50"),
        (200_005, "£2,000.05"),
        (0, "£0"),
        (99, "£0.99"),
        (-150_000, "-£1,500"),
        (None, ""),
    ],
)
def test_money_is_shown_without_pence_only_when_there_are_none(pence, shown):
    assert format_pence(pence) == shown


def test_templates_show_money_with_the_one_filter(app):
    rendered = app.jinja_env.from_string("{{ 150000 | money }} {{ 150050 | money }}").render()
    assert rendered == "£1,500 £1,500.50"
