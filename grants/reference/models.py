"""Neighbourhoods and principles are data, imported or edited by admins, never hard-coded lists."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from grants.extensions import db


class Neighbourhood(db.Model):
    """An electoral ward, with its ONS code, boundary and a deprivation summary.

    ``imd_mean_rank`` is the population-weighted mean of its LSOAs' national IMD 2019 ranks
    (1 = most deprived of 32,844); ``share_most_deprived`` is the share of residents living in
    LSOAs in national deciles 1-2. Both are computed at import from the shipped CSV.
    """

    __tablename__ = "neighbourhood"
    __table_args__ = (
        CheckConstraint("population >= 0", name="population_not_negative"),
        CheckConstraint(
            "share_most_deprived >= 0 AND share_most_deprived <= 1", name="share_is_fraction"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)  # ONS GSS code, E05...
    name: Mapped[str] = mapped_column(String(120))
    # A larger area that groups wards (for example a township); optional and admin-editable.
    place: Mapped[str | None] = mapped_column(String(120))
    boundary: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
    imd_mean_rank: Mapped[float | None] = mapped_column(Float)
    share_most_deprived: Mapped[float] = mapped_column(Float, default=0.0)
    lsoa_count: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def audit_view(self) -> dict:
        return {"code": self.code, "name": self.name, "place": self.place, "active": self.is_active}


class Principle(db.Model):
    """One of the fund's principles. Every funded project names one as its main principle."""

    __tablename__ = "principle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "position": self.position,
            "active": self.is_active,
        }
