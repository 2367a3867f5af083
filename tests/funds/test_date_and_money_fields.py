"""GovDateField and PoundsField: crafted or half-typed input is a form error, never a crash."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from grants.forms import BaseForm, GovDateField, PoundsField, required
from tests.checks import error_messages, soup_of
from tests.funds.factories import make_fund
from tests.funds.test_officer_pages import round_form


class DateForm(BaseForm):
    when = GovDateField("When", validators=[required("Enter the date")])
    maybe = GovDateField("Maybe")


class MoneyForm(BaseForm):
    amount = PoundsField("Amount", validators=[required("Enter an amount")])


def date_form(app, **fields):
    with app.test_request_context(method="POST", data=MultiDict(fields)):
        form = DateForm()
        form.validate()
        html = str(form.when()) + str(form.maybe())  # drawing it must not fail either
        return form, html


@pytest.mark.parametrize(
    "parts",
    [
        ["1", "4"],
        ["1"],
        ["1", "4", "2026", "extra"],
        ["", "4", "2026"],
        ["x", "y", "z"],
        ["31", "2", "2026"],
        ["1", "13", "2026"],
        ["1", "4", "26"],
        ["１", "４", "２０２６"],
        ["1" * 5000, "4", "2026"],
        ["-1", "4", "2026"],
    ],
)
def test_partial_or_garbage_dates_are_a_form_error(app, parts):
    form, _html = date_form(app, when=parts)
    assert form.when.data is None
    assert form.when.errors == ["Enter a real date"]


def test_a_missing_date_field_is_a_required_error_not_a_crash(app):
    form, html = date_form(app)
    assert form.when.errors == ["Enter the date"]
    assert form.maybe.errors == [] and form.maybe.data is None
    assert 'name="when"' in html


def test_a_real_date_is_read(app):
    form, _html = date_form(app, when=["7", "04", "2026"], maybe=["", "", ""])
    assert form.when.data == date(2026, 4, 7)
    assert form.errors == {}


def test_a_half_typed_optional_date_is_still_an_error(app):
    form, _html = date_form(app, when=["7", "4", "2026"], maybe=["", "4", "2026"])
    assert form.maybe.errors == ["Enter a real date"]


def test_what_was_typed_is_drawn_back(app):
    _form, html = date_form(app, when=["31", "2", "2026"])
    soup = soup_of_html(html)
    assert [i["value"] for i in soup.select("input[name=when]")] == ["31", "2", "2026"]


def soup_of_html(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("1500", 150_000), ("£1,500.50", 150_050), (" 0.5 ", 50), ("250", 25_000)],
)
def test_pounds_become_pence(app, typed, pence):
    with app.test_request_context(method="POST", data={"amount": typed}):
        form = MoneyForm()
        assert form.validate()
        assert form.amount.data == pence


@pytest.mark.parametrize("typed", ["-1", "1.234", "ten", "1e5", "9" * 5000, "£"])
def test_anything_else_is_not_money(app, typed):
    with app.test_request_context(method="POST", data={"amount": typed}):
        form = MoneyForm()
        assert not form.validate()
        assert form.amount.errors == ["Enter an amount like 1,250.50"]
        assert form.amount._value() == typed


@pytest.mark.parametrize("field", ["opens_on", "closes_on", "project_start_from", "project_end_by"])
@pytest.mark.parametrize("parts", [["1"], ["1", "2"], [], ["a", "b", "c", "d"]])
def test_crafted_date_posts_to_the_round_form_never_500(client, officer, field, parts):
    fund = make_fund()
    data = round_form()
    data[field] = parts
    response = client.post(f"/funds/{fund.id}/rounds/new", data=data)
    if not parts and field.startswith("project"):
        assert response.status_code == 302  # an optional date left out is no answer
        return
    assert response.status_code == 200
    assert error_messages(response)
    assert len(soup_of(response).select(f"input[name={field}]")) == 3
