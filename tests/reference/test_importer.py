"""Importing Wigan's wards and deprivation figures, directly and with `flask import-geography`."""

import csv
import json
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from grants.audit import AuditEvent
from grants.extensions import db
from grants.reference import importer, services
from grants.reference.importer import DEFAULT_DEPRIVATION, ImportProblem, import_geography
from grants.reference.models import Neighbourhood, Principle

# Leigh West is the most deprived ward by mean rank, Winstanley the least; Abram is in between.
SAMPLE_WARDS = ["E05000854", "E05000863", "E05000840"]


def lsoas_by_ward():
    rows = defaultdict(list)
    with DEFAULT_DEPRIVATION.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["ward_code"]].append(row)
    return rows


def expected_figures(lsoas):
    """The ward's figures worked out from its LSOA rows, the long way round."""
    population = sum(int(row["population_2015"]) for row in lsoas)
    weighted_rank = sum(int(row["imd_rank"]) * int(row["population_2015"]) for row in lsoas)
    deprived = sum(int(row["population_2015"]) for row in lsoas if int(row["imd_decile"]) in (1, 2))
    return population, weighted_rank / population, deprived / population


def neighbourhoods():
    return {n.code: n for n in db.session.scalars(select(Neighbourhood))}


def test_importing_the_shipped_files_creates_wigans_25_wards():
    assert import_geography() == (25, 0)
    wards = neighbourhoods()
    assert len(wards) == 25
    assert all(code.startswith("E05") and len(code) == 9 for code in wards)
    assert wards["E05000840"].name == "Abram"
    assert all(n.boundary["type"] in ("Polygon", "MultiPolygon") for n in wards.values())


@pytest.mark.parametrize("code", SAMPLE_WARDS)
def test_each_wards_figures_match_its_lsoas(code):
    import_geography()
    lsoas = lsoas_by_ward()[code]
    population, mean_rank, share = expected_figures(lsoas)
    ward = neighbourhoods()[code]
    assert ward.population == population
    assert ward.imd_mean_rank == pytest.approx(mean_rank, abs=0.05)
    assert ward.share_most_deprived == pytest.approx(share, abs=0.00005)
    assert ward.lsoa_count == len(lsoas)


def test_the_most_and_least_deprived_wards_are_ranked_as_the_csv_says():
    import_geography()
    wards = sorted(neighbourhoods().values(), key=lambda n: n.imd_mean_rank)
    assert wards[0].name == "Leigh West"
    assert wards[-1].name == "Winstanley"
    assert wards[0].share_most_deprived > wards[-1].share_most_deprived


def test_the_wards_add_up_to_the_boroughs_population():
    import_geography()
    with DEFAULT_DEPRIVATION.open(newline="", encoding="utf-8") as handle:
        borough = sum(int(row["population_2015"]) for row in csv.DictReader(handle))
    assert db.session.scalar(select(func.sum(Neighbourhood.population))) == borough
    assert db.session.scalar(select(func.sum(Neighbourhood.lsoa_count))) == 200


def test_importing_again_updates_in_place():
    import_geography()
    ids = {code: n.id for code, n in neighbourhoods().items()}
    imported = db.session.scalar(select(func.count(AuditEvent.id)))

    assert import_geography() == (0, 25)
    db.session.expire_all()
    assert {code: n.id for code, n in neighbourhoods().items()} == ids
    assert db.session.scalar(select(func.count(AuditEvent.id))) == imported  # nothing changed


def test_an_admins_rename_survives_a_reimport():
    import_geography()
    abram = neighbourhoods()["E05000840"]
    services.update_neighbourhood(
        None, abram, name="Abram and Bamfurlong", place="Abram", is_active=True
    )
    import_geography()
    db.session.expire_all()
    abram = neighbourhoods()["E05000840"]
    assert (abram.name, abram.place) == ("Abram and Bamfurlong", "Abram")


def test_changed_figures_are_refreshed_and_audited(tmp_path):
    import_geography()
    rows = DEFAULT_DEPRIVATION.read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1].split(",")
    first[6] = str(int(first[6]) + 1000)  # population_2015 of an Abram LSOA
    changed = tmp_path / "imd.csv"
    changed.write_text("\n".join([header, ",".join(first), *rows[2:]]) + "\n", encoding="utf-8")
    before = neighbourhoods()["E05000840"].population

    import_geography(importer.DEFAULT_WARDS, changed)
    db.session.expire_all()
    assert neighbourhoods()["E05000840"].population == before + 1000
    [refreshed] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "neighbourhood.refreshed")
    )
    assert refreshed.before["population"] == before
    assert refreshed.after["population"] == before + 1000


def write_csv(tmp_path, text):
    path = tmp_path / "imd.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "lsoa_code,lsoa_name,ward_code,ward_name,imd_rank,imd_decile,population_2015\n"


@pytest.mark.parametrize(
    "body",
    [
        "E01006212,Wigan 026A,E05000840,Abram,not-a-rank,5,1438\n",
        "E01006212,Wigan 026A,E05000840,Abram,14456,5,\n",
    ],
)
def test_a_malformed_deprivation_csv_is_an_import_problem(tmp_path, body):
    path = write_csv(tmp_path, HEADER + body)
    with pytest.raises(ImportProblem, match="line 2"):
        import_geography(importer.DEFAULT_WARDS, path)
    assert neighbourhoods() == {}


def test_a_csv_without_the_expected_columns_is_an_import_problem(tmp_path):
    path = write_csv(tmp_path, "code,people\nE01006212,1438\n")
    with pytest.raises(ImportProblem, match="population_2015"):
        import_geography(importer.DEFAULT_WARDS, path)


def test_a_truncated_csv_row_is_an_import_problem(tmp_path):
    path = write_csv(tmp_path, HEADER + "E01006212,Wigan 026A,E05000840\n")
    with pytest.raises(ImportProblem, match="line 2"):
        import_geography(importer.DEFAULT_WARDS, path)


@pytest.mark.parametrize(
    "wards",
    [
        "not json",
        json.dumps({"type": "FeatureCollection"}),
        json.dumps({"features": [{"properties": {"WD13NM": "Nameless"}, "geometry": None}]}),
    ],
)
def test_a_malformed_wards_file_is_an_import_problem(tmp_path, wards):
    path = tmp_path / "wards.geojson"
    path.write_text(wards, encoding="utf-8")
    with pytest.raises(ImportProblem):
        import_geography(path, DEFAULT_DEPRIVATION)
    db.session.rollback()
    assert neighbourhoods() == {}


def test_the_command_imports_wards_and_seeds_the_six_principles(runner):
    result = runner.invoke(args=["import-geography"])
    assert result.exit_code == 0, result.output
    assert "Neighbourhoods: 25 created, 0 updated. Principles added: 6." in result.output
    assert len(neighbourhoods()) == 25
    assert db.session.scalar(select(func.count(Principle.id))) == 6


def test_running_the_command_twice_adds_nothing(runner):
    runner.invoke(args=["import-geography"])
    result = runner.invoke(args=["import-geography"])
    assert "Neighbourhoods: 0 created, 25 updated. Principles added: 0." in result.output
    assert db.session.scalar(select(func.count(Principle.id))) == 6


def test_the_command_explains_a_bad_wards_file(runner, tmp_path):
    bad = tmp_path / "wards.geojson"
    bad.write_text("{ this is not json", encoding="utf-8")
    result = runner.invoke(args=["import-geography", "--wards", str(bad)])
    assert result.exit_code != 0
    assert "Cannot read wards from" in result.output
    assert "Traceback" not in result.output
    assert neighbourhoods() == {}


def test_the_command_explains_a_missing_wards_file(runner, tmp_path):
    result = runner.invoke(args=["import-geography", "--wards", str(tmp_path / "missing.geojson")])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_the_command_accepts_another_councils_files(runner, tmp_path):
    """Another council passes its own pair of files; only the wards in them are created."""
    collection = json.loads(importer.DEFAULT_WARDS.read_text(encoding="utf-8"))
    collection["features"] = collection["features"][:2]
    wards = tmp_path / "wards.geojson"
    wards.write_text(json.dumps(collection), encoding="utf-8")
    result = runner.invoke(
        args=["import-geography", "--wards", str(wards), "--deprivation", str(DEFAULT_DEPRIVATION)]
    )
    assert "Neighbourhoods: 2 created, 0 updated." in result.output
    assert len(neighbourhoods()) == 2
