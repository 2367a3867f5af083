"""Import neighbourhoods from a ward GeoJSON file and an LSOA deprivation CSV.

Re-running is safe: wards are matched on their ONS code and updated in place, so ids (and every
application tagged to a ward) survive a re-import.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from grants import audit
from grants.extensions import db
from grants.reference.models import Neighbourhood

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "wigan"
DEFAULT_WARDS = DATA_DIR / "wards-2013.geojson"
DEFAULT_DEPRIVATION = DATA_DIR / "lsoa-imd2019.csv"


@dataclass
class DeprivationSummary:
    population: int
    imd_mean_rank: float | None
    share_most_deprived: float
    lsoa_count: int


class ImportProblem(ValueError):
    pass


def summarise_deprivation(path: Path) -> dict[str, DeprivationSummary]:
    """Population-weighted mean IMD rank and share of residents in deciles 1-2, per ward code."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # pop, rank*pop, deprived, n
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise ImportProblem(f"Cannot read deprivation figures from {path}: {error}") from error
    with handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                population = int(row["population_2015"])
                rank = int(row["imd_rank"])
                decile = int(row["imd_decile"])
                ward = row["ward_code"].strip()
            except (KeyError, ValueError, TypeError, AttributeError) as error:
                raise ImportProblem(f"{path.name} line {line}: {error}") from error
            ward_totals = totals[ward]
            ward_totals[0] += population
            ward_totals[1] += rank * population
            ward_totals[2] += population if decile <= 2 else 0
            ward_totals[3] += 1
    return {
        ward: DeprivationSummary(
            population=population,
            imd_mean_rank=round(weighted / population, 1) if population else None,
            share_most_deprived=round(deprived / population, 4) if population else 0.0,
            lsoa_count=count,
        )
        for ward, (population, weighted, deprived, count) in totals.items()
    }


def _figures(neighbourhood: Neighbourhood) -> dict:
    return {
        "code": neighbourhood.code,
        "name": neighbourhood.name,
        "population": neighbourhood.population,
        "imd_mean_rank": neighbourhood.imd_mean_rank,
        "share_most_deprived": neighbourhood.share_most_deprived,
        "lsoa_count": neighbourhood.lsoa_count,
    }


def import_geography(
    wards_path: Path = DEFAULT_WARDS, deprivation_path: Path = DEFAULT_DEPRIVATION
) -> tuple[int, int]:
    """Create or update one neighbourhood per ward feature. Returns (created, updated)."""
    try:
        features = json.loads(wards_path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as error:
        raise ImportProblem(f"Cannot read wards from {wards_path}: {error}") from error
    deprivation = summarise_deprivation(deprivation_path)
    existing = {n.code: n for n in db.session.scalars(select(Neighbourhood))}
    created = updated = 0
    for feature in features:
        properties = feature.get("properties") or {}
        code, name = properties.get("WD13CD"), properties.get("WD13NM")
        if not code or not name:
            raise ImportProblem("Every ward feature needs WD13CD and WD13NM properties")
        summary = deprivation.get(code, DeprivationSummary(0, None, 0.0, 0))
        neighbourhood = existing.get(code)
        if neighbourhood is None:
            neighbourhood = Neighbourhood(code=code, name=name)
            db.session.add(neighbourhood)
            created += 1
        else:
            updated += 1
        before = _figures(neighbourhood)
        neighbourhood.boundary = feature.get("geometry")
        neighbourhood.population = summary.population
        neighbourhood.imd_mean_rank = summary.imd_mean_rank
        neighbourhood.share_most_deprived = summary.share_most_deprived
        neighbourhood.lsoa_count = summary.lsoa_count
        after = _figures(neighbourhood)
        if neighbourhood.id is None:
            audit.record(None, "neighbourhood.imported", neighbourhood, after=after)
        elif before != after:
            audit.record(None, "neighbourhood.refreshed", neighbourhood, before=before, after=after)
    db.session.flush()
    return created, updated
