"""One way to paginate every list: a fixed page size, a count and a slice, whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import Select, func, select

from grants.extensions import db
from grants.numbers import whole_number


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def govuk_params(self, endpoint: str, **values) -> dict | None:
        """Parameters for the govukPagination macro, keeping the other query-string filters."""
        if self.pages <= 1:
            return None
        args = {**request.args.to_dict(flat=False), **values}

        def link(number: int) -> str:
            return url_for(endpoint, **{**args, "page": number})

        params: dict[str, Any] = {
            "items": [
                {"number": n, "href": link(n), "current": n == self.number}
                for n in range(1, self.pages + 1)
                if n in (1, self.pages) or abs(n - self.number) <= 2
            ]
        }
        if self.number > 1:
            params["previous"] = {"href": link(self.number - 1)}
        if self.number < self.pages:
            params["next"] = {"href": link(self.number + 1)}
        return params


def requested_page() -> int:
    raw = request.args.get("page", "1")
    number = whole_number(raw, max_digits=6)
    return number if number and number > 0 else 1


def paginate(query: Select, *, number: int | None = None, size: int | None = None) -> Page:
    """Run ``query`` for one page. Two queries whatever the page: a count and the slice."""
    size = size or current_app.config["PAGE_SIZE"]
    number = number or requested_page()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)).unique())
    return Page(items=items, number=number, size=size, total=total or 0)


def page_of(items: list, *, number: int | None = None, size: int | None = None) -> Page:
    """One page of a list already worked out in full (figures that need every row)."""
    size = size or current_app.config["PAGE_SIZE"]
    number = number or requested_page()
    return Page(
        items=items[(number - 1) * size : number * size], number=number, size=size, total=len(items)
    )
