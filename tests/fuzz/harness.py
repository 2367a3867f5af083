"""Sending fuzzed requests and checking what they did.

Under TestConfig Flask re-raises a view's exception instead of answering 500, so ``send`` treats
any exception that escapes a request as the 500 a person would see. The tests hold one app
context (and so one database session) across requests; ``send`` rolls that session back after
each request, as the end of a real request would, so a route that changes a row and then fails
cannot have its half-made change committed by the next request.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from flask import current_app
from hypothesis import HealthCheck, reject, settings
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import grants
from grants.applications.models import Application, Document
from grants.extensions import db
from grants.funds.models import Criterion, Fund, Question, Round
from grants.organisations.models import Organisation
from grants.screening.models import EligibilityCheck, StaffNote
from tests.checks import PageProblem

# Every fuzz test, under the profile conftest.py registers: 25 examples (FUZZ_EXAMPLES=500 for a
# deeper local run) on fixtures made once per test, with no deadline for the first slow request.
FUZZ = settings(
    settings.get_profile("fuzz"),
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a request may answer: a page, a redirect, or a refusal. Never 500.
ALLOWED_STATUSES = frozenset({200, 302, 400, 403, 404, 410, 413})


class ServerError(AssertionError):
    """A request that would have answered 500."""


@dataclass(frozen=True)
class KnownBug:
    """A 500 already reported, pinned by a strict-xfail test in test_regressions.py. Examples that
    hit it are discarded, so each fuzz test keeps looking for other failures; when the bug is
    fixed, its xfail passes, strict mode fails the run, and the entry here must go."""

    endpoint: str
    error: type[BaseException]
    message: str  # a regular expression the exception's text matches
    regression: str  # the name of its test in test_regressions.py


KNOWN_BUGS: tuple[KnownBug, ...] = ()


def endpoint_of(method: str, url: str) -> str | None:
    try:
        endpoint, _args = current_app.url_map.bind("localhost").match(
            urlsplit(url).path, method=method
        )
    except Exception:
        return None
    return endpoint


def known_bug(method: str, url: str, error: BaseException) -> KnownBug | None:
    endpoint = endpoint_of(method, url)
    for bug in KNOWN_BUGS:
        if (
            bug.endpoint == endpoint
            and isinstance(error, bug.error)
            and re.search(bug.message, str(error))
        ):
            return bug
    return None


_APP_FOLDER = str(Path(grants.__file__).resolve().parent)


def raised_at(error: BaseException) -> str | None:
    """Where in the app (file:line, deepest first) the error was raised; None when it came from
    the test client or the test itself, not from handling the request."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if frame.filename.startswith(_APP_FOLDER):
            return f"{Path(frame.filename).relative_to(Path(_APP_FOLDER).parent)}:{frame.lineno}"
    return None


def send(client, method: str, url: str, **kwargs):
    """Make a request; fail if it would answer 500 or anything outside ALLOWED_STATUSES."""
    try:
        response = client.open(url, method=method, **kwargs)
    except PageProblem:
        db.session.rollback()
        raise
    except Exception as error:
        db.session.rollback()
        where = raised_at(error)
        if where is None:
            raise
        if known_bug(method, url, error):
            reject()
        raise ServerError(
            f"{method} {url} would answer 500: {type(error).__name__} at {where}: {error}"
        ) from error
    db.session.rollback()
    assert response.status_code in ALLOWED_STATUSES, (
        f"{method} {url} answered {response.status_code}"
    )
    return response


def post(client, url: str, body=None, **kwargs):
    """POST a form body (a dict of strings or lists of strings) as a browser would."""
    return send(client, "POST", url, data=body or {}, **kwargs)


def get(client, url: str, **kwargs):
    return send(client, "GET", url, **kwargs)


def redirected_to(response, path: str) -> bool:
    """Whether the response is a redirect to exactly this path (any query string or fragment)."""
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == path


# Multipart bodies with any file name


BOUNDARY = "----GrantsFuzzBoundary5f1c9e07a2d4b8"


def _param(key: str, value: str) -> str:
    """A Content-Disposition parameter; anything unusual goes in RFC 2231 form (key*=UTF-8'')."""
    plain = value.isascii() and value.isprintable() and not set(value) & set('"\\;')
    if plain:
        return f'{key}="{value}"'
    return f"{key}*=UTF-8''{quote(value, safe='')}"


def _values(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def multipart(
    fields: Mapping[str, str | list[str]],
    files: Mapping[str, tuple[bytes, str | None]],
) -> dict:
    """Keyword arguments for client.open: a multipart body whose file names may hold newlines,
    NUL bytes, quotes or path separators, which werkzeug's own encoder cannot send but any
    script can. A file whose name is None is sent as a part with no filename at all."""
    chunks: list[bytes] = []

    def part(disposition: str, content: bytes, content_type: str | None = None) -> None:
        head = f"--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        chunks.append(head.encode() + b"\r\n" + content + b"\r\n")

    for name, value in fields.items():
        for one in _values(value):
            part(_param("name", name), one.encode("utf-8", "surrogatepass"))
    for name, (content, filename) in files.items():
        disposition = _param("name", name)
        if filename is not None:
            disposition += "; " + _param("filename", filename)
        part(disposition, content, "application/octet-stream")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return {
        "data": b"".join(chunks),
        "content_type": f"multipart/form-data; boundary={BOUNDARY}",
    }


# What is saved, section by section


def application_states(ids: Iterable[int]) -> dict[int, dict | None]:
    """Applications as saved, one entry per task-list section (None once deleted), read with a
    few bulk queries."""
    ids = list(ids)
    db.session.expire_all()
    loaded = db.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .options(
            selectinload(Application.neighbourhoods),
            selectinload(Application.other_principles),
            selectinload(Application.outcomes),
            selectinload(Application.budget_lines),
            selectinload(Application.answers),
            selectinload(Application.documents),
        )
    )
    found = {a.id: a for a in loaded}
    notes: dict[int, list] = {id_: [] for id_ in ids}
    for note in db.session.scalars(
        select(StaffNote).where(StaffNote.application_id.in_(ids)).order_by(StaffNote.id)
    ):
        notes[note.application_id].append((note.id, note.body))
    checks: dict[int, list] = {id_: [] for id_ in ids}
    for check in db.session.scalars(
        select(EligibilityCheck)
        .where(EligibilityCheck.application_id.in_(ids))
        .order_by(EligibilityCheck.id)
    ):
        checks[check.application_id].append(
            (check.id, check.outcome, check.message, check.checklist)
        )
    return {
        id_: _sections(found[id_], notes[id_], checks[id_]) if id_ in found else None for id_ in ids
    }


def application_state(application_id: int) -> dict | None:
    return application_states([application_id])[application_id]


def _sections(a: Application, notes: list, checks: list) -> dict:
    return {
        "group": a.group_details_confirmed,
        "project": (a.title, a.summary, a.description),
        "where": sorted(n.id for n in a.neighbourhoods),
        "principles": (a.main_principle_id, sorted(p.id for p in a.other_principles)),
        "beneficiaries": (a.people_reached, list(a.beneficiary_groups or [])),
        "outcomes": [
            (o.id, o.indicator_id, o.target_value, o.description, o.target, o.principle_id)
            for o in a.outcomes
        ],
        "budget": [(b.id, b.item, b.category, b.amount_pence) for b in a.budget_lines],
        "budget_total": a.amount_requested_pence,
        "timeline": (a.start_date, a.end_date),
        "questions": sorted((answer.question_id, repr(answer.value)) for answer in a.answers),
        "documents": [
            (d.id, d.kind.value, d.answer_key, d.original_name, d.stored_name, d.size_bytes)
            for d in a.documents
        ],
        "declaration": (a.declaration_name, a.declared_at),
        "status": (a.status.value, a.reference, a.submitted_at, a.withdrawn_reason),
        "screening": (a.decision_message, a.extension_until, a.extension_reason),
        "notes": notes,
        "checks": checks,
        "owner": (a.round_id, a.organisation_id, a.created_by_id, a.entered_by_id, a.channel),
    }


def organisation_state(organisation_id: int) -> dict | None:
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    return {
        "details": organisation.audit_view(),
        "members": sorted(m.user_id for m in organisation.memberships),
        "main_contact": organisation.main_contact_id,
    }


def funds_state() -> dict:
    """Every fund, round, criterion and question, keyed so a change shows which one moved."""
    db.session.expire_all()
    state: dict = {}
    for fund in db.session.scalars(select(Fund)):
        state[("fund", fund.id)] = fund.audit_view()
    for round_ in db.session.scalars(select(Round).options(selectinload(Round.neighbourhoods))):
        state[("round", round_.id)] = {**round_.audit_view(), "guidance": round_.guidance}
    for criterion in db.session.scalars(select(Criterion)):
        state[("criterion", criterion.id)] = {**criterion.audit_view(), "round": criterion.round_id}
    for question in db.session.scalars(select(Question)):
        state[("question", question.id)] = {**question.audit_view(), "round": question.round_id}
    return state


def assert_kept(
    before: Mapping, after: Mapping, *, may_change: Iterable = (), may_grow: Iterable = ()
) -> None:
    """Everything in ``before`` is still in ``after`` unchanged, except the keys a valid save may
    change, and the lists it may add to (the earlier items must still be there, in order)."""
    may_change, may_grow = set(may_change), set(may_grow)
    assert after is not None, "everything that was saved has gone"
    for key, value in before.items():
        if key in may_change:
            continue
        assert key in after, f"{key} has gone"
        if key in may_grow:
            assert after[key][: len(value)] == value, f"{key}: earlier items changed or lost"
        else:
            assert after[key] == value, f"{key} changed from {value!r} to {after[key]!r}"


def assert_only(
    before: Mapping,
    after: Mapping,
    *,
    may_change: Iterable = (),
    may_remove: Iterable = (),
    may_add: Iterable[str] = (),
) -> None:
    """Compare keyed states such as funds_state(): only the named keys may change or go, and only
    one new row of the named kinds may appear."""
    may_change, may_remove, may_add = set(may_change), set(may_remove), set(may_add)
    for key, value in before.items():
        if key not in after:
            assert key in may_remove, f"{key} was removed"
        elif key not in may_change:
            assert after[key] == value, f"{key} changed from {value!r} to {after[key]!r}"
    added = [key for key in after if key not in before]
    assert all(key[0] in may_add for key in added), f"unexpected new rows {added}"
    assert len(added) <= 1, f"more than one new row: {added}"


# Files on disk


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def assert_nothing_written_outside(folder: Path, root: Path) -> None:
    """No file under ``root`` (the test's own directory, where a name like ../../x would land)
    other than the ones in the upload folder."""
    stray = files_under(root) - files_under(folder)
    assert not stray, f"files written outside the upload folder: {sorted(map(str, stray))}"


def assert_uploads_match_documents(folder: Path) -> None:
    """Every stored file belongs to a document, and every document's file is there: a rejected
    upload leaves nothing behind, and a replaced or removed one is deleted."""
    db.session.expire_all()
    stored = {path.name for path in files_under(folder)}
    expected = set(db.session.scalars(select(Document.stored_name)))
    assert stored == expected, (
        f"orphaned files {sorted(stored - expected)}, missing files {sorted(expected - stored)}"
    )
