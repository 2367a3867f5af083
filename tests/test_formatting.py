"""Words built from numbers and names read as a person would write them."""

import pytest

from grants.formatting import paragraphs, pluralise, with_article
from grants.permissions import Role
from tests.checks import soup_of
from tests.factories import make_user, sign_in
from tests.funds.factories import make_criterion, make_question, make_round


@pytest.mark.parametrize(
    ("count", "words", "expected"),
    [
        (1, ("application",), "1 application"),
        (0, ("application",), "0 applications"),
        (2, ("application",), "2 applications"),
        (1, ("criterion", "criteria"), "1 criterion"),
        (3, ("criterion", "criteria"), "3 criteria"),
        (1200, ("application",), "1,200 applications"),
    ],
)
def test_pluralise(count, words, expected):
    assert pluralise(count, *words) == expected


@pytest.mark.parametrize(
    ("noun", "expected"),
    [("applicant", "an applicant"), ("admin", "an admin"), ("panel member", "a panel member")],
)
def test_with_article(noun, expected):
    assert with_article(noun) == expected


def test_a_round_with_one_criterion_and_one_question_says_so_in_the_singular(client):
    round_ = make_round()
    make_criterion(round_)
    make_question(round_)
    sign_in(client, make_user(Role.PROGRAMME_OFFICER))
    text = soup_of(client.get(f"/funds/rounds/{round_.id}")).get_text(" ", strip=True)
    assert "1 criterion, total weight" in text
    assert "1 question of the round's own" in text
    criteria_page = soup_of(client.get(f"/funds/rounds/{round_.id}/criteria"))
    assert criteria_page.caption.get_text(strip=True).startswith("1 criterion, total weight")
    questions_page = soup_of(client.get(f"/funds/rounds/{round_.id}/questions"))
    assert questions_page.caption.get_text(strip=True) == "1 question"


def test_paragraphs_keep_blank_lines_and_line_breaks_and_escape_what_was_typed():
    typed = "First line\r\nsame paragraph\r\n\r\n\r\n<b>Second</b> paragraph\n  \n"
    assert str(paragraphs(typed)) == (
        '<p class="govuk-body">First line<br>same paragraph</p>'
        '<p class="govuk-body">&lt;b&gt;Second&lt;/b&gt; paragraph</p>'
    )
    assert str(paragraphs("One\n\nTwo", "")) == "<p>One</p><p>Two</p>"
    assert str(paragraphs(None)) == ""


def test_an_officers_note_keeps_its_paragraphs_on_the_page(client, reference_data):
    from grants.screening import notes
    from tests.applications.factories import submitted_application

    officer = make_user(Role.PROGRAMME_OFFICER)
    application = submitted_application()
    notes.add_note(officer, application, "Rang the group.\n\nThey will send accounts.")
    sign_in(client, officer)
    soup = soup_of(client.get(f"/screening/{application.id}"))
    assert soup.find("p", string="Rang the group.") is not None
    assert soup.find("p", string="They will send accounts.") is not None
