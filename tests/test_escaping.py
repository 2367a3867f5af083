"""Every page escapes what people typed: a name holding markup arrives as text, never as markup.

The demo data gives every page type something to show; then every free-text column people can
edit (fund, round, ward, place, principle, group, person, criterion, question, contribution,
budget line, outcome, decision, feedback, ...) is overwritten with a payload that would redirect
the page or run a script if it reached the browser unescaped. Every GET route is then visited,
with ids taken from the data, as each kind of person, and no response may carry the payload raw.
PDFs are checked as the HTML they are drawn from.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Enum, String, select, update

from grants.applications.models import Answer
from grants.extensions import db
from tests import page_walk

PAYLOAD = '<meta http-equiv="refresh" content="0;url=https://evil.example">"\'><script>x</script>'
# What would show the payload arrived as markup (escaped, it reads &lt;meta ... / &lt;script&gt;).
RAW_MARKERS = ("<meta http-equiv", "<script>x")

# Columns that are not free text people type, or that the service reads as keys, addresses or
# files rather than printing: left as they are so the pages still find what they point at.
NOT_FREE_TEXT = {
    "slug",
    "reference",
    "email",
    "recipient",
    "password_hash",
    "session_token",
    "token_hash",
    "stored_name",
    "content_type",
    "sha256",
    "code",
    "encrypted",
    "file_encrypted",
    "file_sha256",
    "account_fingerprint",
    "account_last4",
    "category",
    "answer_key",
    "funder_org_id",
    "publisher_prefix",
    "publisher_website",
    "contributor_org_id",
    "remittance_reference",
}
NOT_USER_TEXT_TABLES = {"audit_event", "outbound_email"}


def _inject_payload() -> list[str]:
    """Overwrite every free-text column with the payload (plus the row's id, so names stay
    unique); return the columns it went into."""
    filled = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in NOT_USER_TEXT_TABLES:
            continue
        id_column = table.c.get("id")
        for column in table.columns:
            text = isinstance(column.type, String) and not isinstance(column.type, Enum)
            length = getattr(column.type, "length", None)
            if not text or column.name in NOT_FREE_TEXT or id_column is None:
                continue
            if length is not None and length < len(PAYLOAD) + 8:
                continue
            value = db.literal(PAYLOAD + " ") + db.func.cast(id_column, String)
            db.session.execute(
                update(table).where(column.is_not(None)).values({column.name: value})
            )
            filled.append(f"{table.name}.{column.name}")
    # Answers are JSON; text answers become the payload too.
    for answer in db.session.scalars(select(Answer)):
        if isinstance(answer.value, str):
            answer.value = PAYLOAD
    db.session.commit()
    return filled


@pytest.fixture
def seeded_with_markup(runner, reference_data, monkeypatch):
    import weasyprint

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    filled = _inject_payload()
    monkeypatch.setattr(weasyprint, "HTML", page_walk.PdfHtml)
    page_walk.PdfHtml.drawn = []
    return filled


def test_every_page_escapes_markup_in_what_people_typed(app, seeded_with_markup):
    filled = seeded_with_markup
    # The payload went everywhere the issue names, and more.
    for column in (
        "fund.name",
        "round.title",
        "neighbourhood.name",
        "neighbourhood.place",
        "principle.name",
        "organisation.name",
        "user.full_name",
        "criterion.name",
        "question.label",
        "fund_contribution.contributor_name",
        "budget_line.item",
        "outcome.description",
        "panel_decline_reason.label",
        "panel_decision.feedback",
    ):
        assert column in filled
    rules = page_walk.get_routes(app)
    assert page_walk.unfillable(rules) == []
    clients = page_walk.signed_in_clients(app)

    unescaped, shown = [], set()
    for rule in rules:
        for url in page_walk.urls_of(app, rule):
            for who, client in clients.items():
                page_walk.PdfHtml.drawn = []
                response = client.get(url)
                body = response.get_data(as_text=response.mimetype == "text/html")
                response.close()
                if response.status_code != 200:
                    continue
                shown.add(rule.endpoint)
                bodies = [body] if response.mimetype == "text/html" else []
                bodies += page_walk.PdfHtml.drawn
                for body in bodies:
                    if any(marker in body for marker in RAW_MARKERS):
                        unescaped.append((rule.endpoint, url, who))
    assert unescaped == [], f"markup arrived unescaped on {sorted(set(unescaped))}"
    # Nearly every page type was seen with the payload in it (a few need state the demo lacks).
    never = sorted({r.endpoint for r in rules} - shown)
    assert len(shown) > 0.8 * len({r.endpoint for r in rules}), f"never shown: {never}"
