"""Round guidance: Markdown rendered with GOV.UK styles, and nothing dangerous gets through."""

from bs4 import BeautifulSoup
from markupsafe import Markup

from grants.markdown import render_markdown


def soup(text):
    return BeautifulSoup(str(render_markdown(text)), "html.parser")


def test_markdown_is_rendered_with_govuk_classes():
    page = soup(
        "## Who\n\nGroups **in** the *borough*.\n\n* one\n* two\n\nThen:\n\n1. first\n\n> note"
    )
    assert page.h2["class"] == ["govuk-heading-m"]
    assert page.p["class"] == ["govuk-body"]
    assert page.ul["class"] == ["govuk-list", "govuk-list--bullet"]
    assert page.ol["class"] == ["govuk-list", "govuk-list--number"]
    assert page.blockquote["class"] == ["govuk-inset-text"]
    assert page.strong.get_text() == "in" and page.em.get_text() == "borough"


def test_a_top_level_heading_becomes_an_h2_so_the_page_keeps_one_h1():
    page = soup("# Title\n\n<h1>Raw</h1>\n\n##### Deep")
    assert page.find("h1") is None
    assert page.h2.get_text() == "Title"
    assert page.h4.get_text() == "Deep"


def test_links_keep_their_address_and_are_styled():
    link = soup("[Read more](https://example.org/more)").a
    assert link["href"] == "https://example.org/more"
    assert link["class"] == ["govuk-link"]


def test_script_tags_are_removed_with_their_content():
    html = str(render_markdown("Hello <script>alert('x')</script> world"))
    assert "<script" not in html and "alert" not in html


def test_javascript_links_lose_their_address():
    html = str(render_markdown("[click](javascript:alert(1)) <a href='JaVaScRiPt:alert(2)'>x</a>"))
    assert "javascript" not in html.lower()


def test_event_handlers_styles_and_classes_typed_in_are_removed():
    html = str(
        render_markdown(
            '<p onclick="steal()" style="color:red" class="evil">Hi</p>'
            '<a href="/ok" onmouseover="steal()" class="evil">ok</a><img src=x onerror=steal()>'
        )
    )
    assert "onclick" not in html and "onmouseover" not in html and "onerror" not in html
    assert "style=" not in html and "evil" not in html and "<img" not in html


def test_blank_guidance_is_empty_markup():
    assert render_markdown("") == Markup("")
    assert render_markdown(None) == Markup("")


def test_the_result_is_safe_markup_for_templates():
    assert isinstance(render_markdown("Hi"), Markup)
