"""Hypothesis strategies for hostile form posts.

A body is a plain dict whose values are a string or a list of strings: the shape werkzeug's test
client turns into a MultiDict, where a list posts the same name several times (as checkboxes and
GOV.UK date inputs do). Every field may be missing, repeated, of the wrong type, enormous or full
of characters that have broken parsers elsewhere, and unknown fields ride along, so a route that
trusts its form's shape, or binds fields it never asked for, shows up.

Each field is a ``Field``: what a careful person sends, and everything else. ``form_bodies``
mixes them so that valid saves happen too (the fuzz tests then check that a save changes only its
own part of what is saved), and so that a failure shrinks to the smallest change from a good form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st

# Text that has broken form handling somewhere: control and invisible characters, right-to-left
# overrides, combining marks, emoji sequences, template and SQL syntax, paths.
TRICKY_TEXT = (
    "",
    " ",
    "\t\n \r\n",
    "a\x00b",
    "\x1b[31m",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%x",
    "{{ 7*7 }}",
    "{% raw %}",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "שלום",
    "😀",
    "👩\u200d👩\u200d👧\u200d👦",
    "\u200b",
    "\ufeff",
    "e\u0301",
    "ﬁ",
    "../../etc/passwd",
    "C:\\Windows\\win.ini",
    "line one\nline two",
)

# Digits to str.isdigit() that int() refuses (superscripts, circled numbers), and digits of other
# scripts that int() accepts but a regex's \\d or a careless check may not.
UNICODE_DIGITS = ("²", "①", "¹²³", "١٢٣", "𝟏𝟓", "٣")

# Things typed, pasted or crafted where a number, an amount or an id is expected.
NUMBER_LIKE = (
    "0",
    "1",
    "-1",
    "-0",
    "1e9",
    "1E9",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "£-5",
    "£1,500.50",
    "£ 250",
    "1,000",
    "1.5",
    "0.001",
    "00012",
    "+5",
    " 42 ",
    "0x1F",
    "1_000",
    "1 000",
    "12abc",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
)

# Parts of a date, right and wrong.
DATE_PARTS = (
    "",
    " ",
    "0",
    "00",
    "1",
    "01",
    "02",
    "12",
    "13",
    "29",
    "30",
    "31",
    "32",
    "-1",
    "99",
    "99999",
    "0000",
    "0001",
    "1900",
    "2024",
    "2027",
    "9999",
    "10000",
    " 7 ",
    "1.5",
    "²",
    "١",
    "a",
)

# Clock times typed for a deadline: the 24-hour clock, and what is not quite that.
TIMES = ("09:00", "00:00", "23:59", "17.45", "9:30")
NOT_TIMES = ("01:30", "1:30", "24:00", "12:60", "noon", "9", "9am", "-1:00", "٠٩:٠٠")

# Names a mass-assignment bug would bind: the fuzz tests check none of them changes anything.
EXTRA_FIELD_NAMES = (
    "id",
    "status",
    "reference",
    "submitted_at",
    "amount_requested_pence",
    "organisation_id",
    "round_id",
    "created_by_id",
    "entered_by_id",
    "user_id",
    "role",
    "is_admin",
    "csrf_token",
    "submit",
    "next",
    "__proto__",
)


# Random text leaves out NUL: every request holding one is refused whole with a 400 before any
# form code runs, so NUL appears only in TRICKY_TEXT, where it tests that refusal.
_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")


def huge_text(max_size: int = 20_000) -> st.SearchStrategy[str]:
    """A short unit repeated to thousands of characters (cheaper to draw than random text)."""
    return st.builds(
        lambda unit, size: (unit * size)[:size],
        st.text(_CHARACTERS, min_size=1, max_size=3),
        st.integers(1_000, max_size),
    )


def hostile_text() -> st.SearchStrategy[str]:
    """Any text a person or a script might send, from nothing to 20,000 characters."""
    return st.one_of(
        st.sampled_from(TRICKY_TEXT),
        st.sampled_from(NUMBER_LIKE + UNICODE_DIGITS),
        st.text(_CHARACTERS, max_size=40),
        st.text(alphabet=" \t\r\n\u00a0\u2003", min_size=1, max_size=10),
        huge_text(),
    )


def sometimes_repeated(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | list[str]]:
    """One value, or the same name posted two or three times (a crafted or doubled field)."""
    return st.one_of(values, st.lists(values, min_size=2, max_size=3))


@dataclass(frozen=True)
class Field:
    """How to fill one form field: ``good`` draws what a careful person sends (None when the
    field is normally left out, like a file input sent as text), ``bad`` draws anything else."""

    good: st.SearchStrategy | None
    bad: st.SearchStrategy


def _good(good: Sequence) -> st.SearchStrategy | None:
    return st.sampled_from(list(good)) if good else None


def _with(tricky: Sequence[str], bad: st.SearchStrategy) -> st.SearchStrategy:
    """``bad``, plus the near misses a particular field invites (a duplicate name, 24:00)."""
    return st.one_of(st.sampled_from(list(tricky)), bad) if tricky else bad


def text_field(*good: str, tricky: Sequence[str] = ()) -> Field:
    """Free text: the good examples given; or near misses, or anything hostile."""
    return Field(_good(good), sometimes_repeated(_with(tricky, hostile_text())))


def _number_like() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBER_LIKE),
        st.sampled_from(UNICODE_DIGITS),
        st.integers(-(10**13), 10**13).map(str),
        hostile_text(),
    )


def number_field(*good: str, tricky: Sequence[str] = ()) -> Field:
    """A whole number or an amount: good values; or near misses, any integer, number-like junk
    or any text."""
    return Field(_good(good), sometimes_repeated(_with(tricky, _number_like())))


def choice_field(good: Sequence[str], *, tricky: Sequence[str] = ()) -> Field:
    """A radio or select: a real option or id; or a near miss, an unknown id or junk."""
    return Field(_good(good), sometimes_repeated(_with(tricky, _number_like())))


def multi_field(good: Sequence[str]) -> Field:
    """Checkboxes: some real values; or any mix of real and unknown ones, duplicates included."""
    if not good:
        return Field(None, st.one_of(_number_like(), st.lists(_number_like(), max_size=8)))
    option = st.sampled_from(list(good))
    mixed = st.lists(st.one_of(option, _number_like()), max_size=8)
    return Field(st.lists(option, min_size=1, max_size=3), st.one_of(_number_like(), mixed))


def checkbox_field() -> Field:
    """A single checkbox: ticked as a browser sends it, or what scripts send, or junk."""
    junk = st.one_of(st.sampled_from(("on", "true", "false", "0", "n", "")), hostile_text())
    return Field(st.just("y"), sometimes_repeated(junk))


def _date_part() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATE_PARTS), st.integers(-40, 100_000).map(str), hostile_text()
    )


def _parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def date_field(around: date | None = None, spread: int = 400) -> Field:
    """A GOV.UK date input: a real day within ``spread`` days of ``around``; or a real day
    anywhere from year 1 to 9999, nought to four parts of garbage under one name, or one value."""
    good = st.dates().map(_parts)
    if around is not None:
        days = st.integers(-spread, spread)
        good = days.map(lambda offset: _parts(around + timedelta(days=offset)))
    bad = st.one_of(st.dates().map(_parts), st.lists(_date_part(), max_size=4), _date_part())
    return Field(good, bad)


def extra_fields() -> st.SearchStrategy[dict[str, str | list[str]]]:
    """Fields no form asks for: model attributes a careless route might bind, and random names."""
    names = st.one_of(
        st.sampled_from(EXTRA_FIELD_NAMES), st.text(_CHARACTERS, min_size=1, max_size=12)
    )
    values = st.one_of(
        st.sampled_from(("1", "funded", "submitted", "CIF-2026-0001")), hostile_text()
    )
    return st.dictionaries(names, values, max_size=3)


_LEFT_OUT = object()


@st.composite
def form_bodies(
    draw,
    fields: Mapping[str, Field],
    *,
    prefix: str = "",
    extras: bool = True,
) -> dict[str, str | list[str]]:
    """A POST body for a form with these fields.

    Half the bodies are a careful person's, with a few fields left out or spoilt, so valid saves
    happen and each check is reached on its own; the rest are wild, every field left out, good or
    bad at random. Shrinking heads for the careful body with the fewest spoilt fields, so a
    failure is reported as the smallest change from a good form that causes it. ``prefix`` is the
    form's WTForms prefix ("note" for fields named "note-body").
    """
    body: dict[str, str | list[str]] = draw(extra_fields()) if extras else {}
    wild = draw(st.booleans())
    spoilt = set() if wild or not fields else draw(st.sets(st.sampled_from(sorted(fields))))
    for name, field in fields.items():
        if wild:
            choices = [st.just(_LEFT_OUT), field.bad]
            if field.good is not None:
                choices.append(field.good)
            value = draw(st.one_of(choices))
        elif name in spoilt:
            value = draw(st.one_of(st.just(_LEFT_OUT), field.bad))
        else:
            value = _LEFT_OUT if field.good is None else draw(field.good)
        if value is not _LEFT_OUT:
            body[f"{prefix}-{name}" if prefix else name] = value
    return body


# Files


# The first bytes of formats the service accepts, so some random files pass the type check.
MAGIC_PREFIXES = (
    b"%PDF-1.4\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"PK\x03\x04",
    b"ID3\x03\x00\x00\x00",
    b"\x00\x00\x00\x18ftypmp42",
    b"\x1aE\xdf\xa3",
    b"GIF89a",
    b"MZ\x90\x00",
    b"#!/bin/sh\n",
)

FILENAMES = (
    "document.pdf",
    "../../etc/passwd",
    "../../../../../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "C:\\evil.pdf",
    ".",
    "..",
    "....//....//x.pdf",
    ".pdf",
    " .pdf",
    "a\x00.pdf",
    "x.pdf\n.exe",
    "line\nbreak.pdf",
    "x.pdf\r\nContent-Type: text/html",
    "tab\there.pdf",
    '"quoted".pdf',
    "semi;colon.pdf",
    "%2e%2e%2fetc%2fpasswd",
    "con",
    "nul.pdf",
    "dir/",
    "a/b/c.pdf",
    "\u202egpj.exe",
    "😀.pdf",
    "مستند.pdf",
)


def file_contents(limit: int) -> st.SearchStrategy[bytes]:
    """Empty, random, random behind a real file header, or just over ``limit`` bytes."""
    with_header = st.builds(
        lambda head, rest: head + rest, st.sampled_from(MAGIC_PREFIXES), st.binary(max_size=512)
    )
    oversized = st.builds(
        lambda head, extra: head + b"\x00" * (limit + extra),
        st.sampled_from(MAGIC_PREFIXES),
        st.integers(1, 2048),
    )
    return st.one_of(st.just(b""), st.binary(max_size=512), with_header, oversized)


def filenames() -> st.SearchStrategy[str | None]:
    """A file's name: None (no filename at all), empty, traversal, control characters, huge."""
    return st.one_of(
        st.none(),
        st.just(""),
        st.sampled_from(FILENAMES),
        st.text(_CHARACTERS, max_size=30),
        huge_text(5_000).map(lambda name: name + ".pdf"),
    )


# Small files the service accepts, by their content: a PDF, a PNG, a JPEG and an MP3.
REAL_FILES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 8,
)


@st.composite
def uploads(draw, limit: int) -> tuple[bytes, str | None]:
    """One uploaded file, (content, filename): a real file with a plain name, with its content,
    its name or both spoilt, so a hostile name also reaches the code that keeps and serves a
    file the service accepted."""
    spoil = draw(st.sampled_from(["nothing", "content", "name", "both"]))
    content = draw(
        file_contents(limit) if spoil in ("content", "both") else st.sampled_from(REAL_FILES)
    )
    good_names = st.sampled_from(["document.pdf", "Accounts 2025.pdf", "scan.png"])
    name = draw(filenames() if spoil in ("name", "both") else good_names)
    return content, name
