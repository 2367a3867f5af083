"""Honest reliability: no confident reading from a handful of scores, a negative ICC said in
words, an undefined ICC with its reason, and cut-offs that do not depend on the scores' scale."""

from __future__ import annotations

import pytest

from grants.panels import fairness
from grants.panels.aggregation import icc_1k, icc_problem, krippendorff_alpha_interval
from tests.checks import soup_of
from tests.factories import sign_in
from tests.panels.test_aggregation import KRIPPENDORFF_OBSERVERS, SHROUT_FLEISS
from tests.panels.test_fairness import hand_made

pytestmark = pytest.mark.usefixtures("reference_data")


def test_nine_scores_are_too_few_to_judge_even_with_perfect_agreement():
    reading = fairness.reliability(1.0, 1.0, sheets=9, scorers_per_application=[3, 3, 3])
    assert reading.level == "Too few scores to judge yet"
    assert "Very high" not in reading.reading and "9 so far" in reading.reading


def test_twenty_scores_with_two_scorers_on_most_applications_are_too_few():
    reading = fairness.reliability(0.95, 0.9, sheets=20, scorers_per_application=[2] * 7 + [6])
    assert reading.level == "Too few scores to judge yet"
    enough = fairness.reliability(0.95, 0.9, sheets=20, scorers_per_application=[3] * 6 + [2])
    assert enough.level == "Very high"


def test_the_scores_page_does_not_claim_reliability_from_nine_scores(client):
    made = hand_made()
    sign_in(client, made.officer)
    page = soup_of(client.get(f"/panels/rounds/{made.panel.round_id}/scores"))
    section = page.select_one("#reliability").find_next("dl").text
    assert "Too few scores to judge yet" in section
    assert "Very high" not in section


def test_a_negative_icc_is_said_in_words_not_as_a_figure():
    reading = fairness.reliability(-520.0, -0.4, sheets=40, scorers_per_application=[4] * 10)
    assert reading.icc_text == "Below 0: scorers disagree more than chance"
    assert reading.alpha_text == "Below 0: scorers disagree more than chance"
    assert "520" not in reading.icc_text
    assert fairness.reliability(0.444, 0.5).icc_text == "0.44"


def test_tied_application_means_make_the_icc_undefined_with_that_reason():
    rows = [[10, 90, 50], [90, 10, 50], [30, 70, 50]]  # every mean 50, scores differ
    assert icc_1k(rows) is None
    assert "average scores are all the same while the scores differ" in icc_problem(rows)
    reading = fairness.reliability(
        None, 0.1, sheets=30, scorers_per_application=[3] * 10, icc_problem=icc_problem(rows)
    )
    assert reading.level == "Undefined" and "average scores are all the same" in reading.reading
    assert "every score is the same" in icc_problem([[5, 5], [5, 5]])
    assert "at least two applications" in icc_problem([[5, 6]])
    assert icc_problem(SHROUT_FLEISS) is None


@pytest.mark.parametrize("scale", [1e-6, 1e-3, 1, 1e3, 1e6])
def test_the_figures_do_not_depend_on_the_scale_of_the_scores(scale):
    """A fixed cut-off of 1e-9 called scores on a 0-to-0.0001 scale undefined."""
    scaled = [[value * scale for value in row] for row in SHROUT_FLEISS]
    assert icc_1k(scaled) == pytest.approx(icc_1k(SHROUT_FLEISS), abs=1e-9)
    units = [list(unit) for unit in zip(*KRIPPENDORFF_OBSERVERS, strict=True)]
    scaled_units = [[None if v is None else v * scale for v in unit] for unit in units]
    assert krippendorff_alpha_interval(scaled_units) == pytest.approx(0.84911, abs=1e-5)
