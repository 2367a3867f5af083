"""Aggregation: hand-computed cases, published worked examples and properties.

Most cases use one criterion scored out of 100 with weight 1, so a sheet's weighted score is
simply its score and the arithmetic can be checked by hand.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.panels.aggregation import (
    CriterionSpec,
    Sheet,
    aggregate,
    calibration,
    criterion_shares,
    icc_1k,
    krippendorff_alpha_interval,
    ranked,
    ranking_score,
    round_summary,
    weighted_score,
)
from grants.panels.models import RankingMethod

# The same examples on every run, and nothing written to disk.
deterministic = settings(derandomize=True, database=None, max_examples=200, deadline=None)

OUT_OF_100 = [CriterionSpec(id=1, weight=1, max_score=100)]


def sheets_from(table: dict[int, dict[int, int]]) -> list[Sheet]:
    """``{application_id: {scorer_id: score out of 100}}`` as sheets on OUT_OF_100."""
    return [
        Sheet(scorer_id=scorer_id, application_id=application_id, scores={1: score})
        for application_id, scores in table.items()
        for scorer_id, score in scores.items()
    ]


# Weighted scores


RUBRIC = [
    CriterionSpec(id=1, weight=2, max_score=5),
    CriterionSpec(id=2, weight=1, max_score=10),
    CriterionSpec(id=3, weight=1, max_score=4),  # optional: may be n/a
]


def test_weighted_score_is_each_criterions_share_of_its_maximum_weighted():
    sheet = Sheet(scorer_id=1, application_id=1, scores={1: 4, 2: 5, 3: 2})
    # 100 * (2 * 4/5 + 1 * 5/10 + 1 * 2/4) / (2 + 1 + 1) = 100 * 2.6 / 4
    assert weighted_score(sheet, RUBRIC) == 65.0


def test_weights_are_the_shares_whatever_the_maximums():
    """Weight 2 out of 4 counts twice as much as weight 1 out of 10: full marks on the first
    alone is 2/3 of the total, not 8/18 as when each counted by weight times its maximum."""
    mixed = [
        CriterionSpec(id=1, weight=2, max_score=4),
        CriterionSpec(id=2, weight=1, max_score=10),
    ]
    first_only = Sheet(scorer_id=1, application_id=1, scores={1: 4, 2: 0})
    second_only = Sheet(scorer_id=1, application_id=1, scores={1: 0, 2: 10})
    assert weighted_score(first_only, mixed) == pytest.approx(200 / 3)
    assert weighted_score(second_only, mixed) == pytest.approx(100 / 3)
    assert criterion_shares(mixed) == pytest.approx({1: 200 / 3, 2: 100 / 3})


def test_na_is_left_out_of_the_score_never_counted_as_zero():
    not_applicable = Sheet(scorer_id=1, application_id=1, scores={1: 4, 2: 5, 3: None})
    zero = Sheet(scorer_id=1, application_id=1, scores={1: 4, 2: 5, 3: 0})
    # 100 * (1.6 + 0.5) / (2 + 1), against 100 * 2.1 / 4 if n/a counted as 0.
    assert weighted_score(not_applicable, RUBRIC) == pytest.approx(70.0)
    assert weighted_score(zero, RUBRIC) == pytest.approx(52.5)


def test_a_sheet_that_is_all_na_has_no_weighted_score():
    sheet = Sheet(scorer_id=1, application_id=1, scores={1: None, 2: None, 3: None})
    assert weighted_score(sheet, RUBRIC) is None


def test_a_score_above_the_criterions_maximum_is_refused():
    with pytest.raises(ValueError, match="outside 0..5"):
        weighted_score(Sheet(scorer_id=1, application_id=1, scores={1: 6}), RUBRIC)


# Per application


def test_an_application_with_five_scorers_gets_every_figure():
    figures = aggregate(sheets_from({7: {1: 40, 2: 55, 3: 60, 4: 70, 5: 95}}), OUT_OF_100)[7]
    assert figures.n == 5
    assert figures.mean == 64
    assert figures.median == 60
    assert figures.trimmed_mean == pytest.approx((55 + 60 + 70) / 3)
    # Deviations -24, -9, -4, 6, 31: squares sum to 1670, over n - 1 = 4.
    assert figures.sd == pytest.approx(math.sqrt(1670 / 4))
    assert figures.spread == 55
    assert figures.disagreement
    assert figures.scores == (40, 55, 60, 70, 95)
    assert figures.scorer_ids == (1, 2, 3, 4, 5)


def test_with_four_scorers_the_trimmed_mean_is_the_mean():
    figures = aggregate(sheets_from({7: {1: 10, 2: 50, 3: 60, 4: 100}}), OUT_OF_100)[7]
    assert figures.trimmed_mean == figures.mean == 55


def test_a_single_scorer_shows_no_disagreement():
    figures = aggregate(sheets_from({7: {1: 80}}), OUT_OF_100)[7]
    assert (figures.n, figures.sd, figures.spread, figures.disagreement) == (1, 0, 0, False)


@pytest.mark.parametrize(
    ("scores", "flagged"),
    [
        ({1: 60, 2: 62, 3: 65, 4: 70, 5: 58}, False),  # sd 4.6, range 12
        ({1: 50, 2: 50, 3: 50, 4: 50, 5: 50, 6: 50, 7: 50, 8: 81}, True),  # sd 11.0, range 31
        ({1: 50, 2: 50, 3: 50, 4: 50, 5: 50, 6: 50, 7: 50, 8: 80}, False),  # sd 10.6, range 30
        ({1: 50, 2: 80}, True),  # sd 21.2: over 15
    ],
)
def test_disagreement_is_flagged_on_sd_over_15_or_range_over_30(scores, flagged):
    assert aggregate(sheets_from({7: scores}), OUT_OF_100)[7].disagreement is flagged


def test_disagreement_thresholds_are_configurable():
    sheets = sheets_from({7: {1: 60, 2: 62, 3: 65, 4: 70, 5: 58}})
    assert aggregate(sheets, OUT_OF_100, range_threshold=11)[7].disagreement
    assert aggregate(sheets, OUT_OF_100, sd_threshold=4)[7].disagreement
    assert not aggregate(sheets, OUT_OF_100, sd_threshold=5, range_threshold=12)[7].disagreement


def test_an_application_whose_sheets_are_all_na_has_no_figures():
    sheets = [Sheet(scorer_id=1, application_id=7, scores={1: None})]
    assert aggregate(sheets, OUT_OF_100) == {}


def test_two_sheets_from_one_scorer_for_one_application_are_refused():
    sheets = sheets_from({7: {1: 50}}) + sheets_from({7: {1: 60}})
    with pytest.raises(ValueError, match="two sheets"):
        aggregate(sheets, OUT_OF_100)


# Normalised scores


def test_normalising_stops_harsh_scorers_penalising_the_applications_they_drew():
    # A harsh scorer (1) and a generous one (2) share application 1; each thought their other
    # applications better than it by the same margins of their own scores.
    sheets = sheets_from({1: {1: 20, 2: 60}, 2: {1: 30}, 3: {1: 40}, 4: {2: 70}, 5: {2: 80}})
    figures = aggregate(sheets, OUT_OF_100, min_for_normalising=3)
    assert figures[1].normalising_problem is None
    # Each scorer's z: -1, 0, +1 of their own scores, so 3 and 5 tie, and 2 and 4.
    assert [figures[a].mean_z for a in (2, 3, 4, 5)] == pytest.approx([0, 1, 0, 1])
    assert figures[1].mean_z == pytest.approx(-1)
    assert figures[3].normalised == pytest.approx(figures[5].normalised)
    assert figures[3].mean < figures[5].mean


def test_scorers_who_share_no_application_are_not_normalised_against_each_other():
    """Odd applications to one scorer, even ones to another: z-scores would rank one half
    against the other on no common ground, so nothing is normalised and all rank by the mean."""
    table = {a: {1 if a % 2 else 2: (10 * a if a % 2 else 5 * a)} for a in range(1, 11)}
    figures = aggregate(sheets_from(table), OUT_OF_100, min_for_normalising=5)
    assert all(f.normalised is None for f in figures.values())
    assert "2 groups that share no application" in figures[1].normalising_problem
    by_normalised = [a.application_id for a in ranked(figures, RankingMethod.NORMALISED)]
    assert by_normalised == [a.application_id for a in ranked(figures, RankingMethod.MEAN)]


def test_one_application_without_a_normalised_scorer_stops_normalising_for_the_round():
    # Scorer 1 scored five applications; scorer 2 scored two, so counts only in the raw figures
    # and application 6 has nobody to normalise it: every application ranks by the mean.
    table = {a: {1: 10 * a} for a in range(1, 6)}
    table[1][2] = 90
    table[6] = {2: 30}
    figures = aggregate(sheets_from(table), OUT_OF_100)
    assert all(f.normalised is None and f.mean_z is None for f in figures.values())
    assert figures[6].normalising_problem.startswith("1 of the 6 applications have no scorer")


def test_normalised_scores_stay_within_0_to_100():
    # Unclamped, application 4 would be normalised to 104.3, above full marks from everyone.
    table = {a: {1: 90, 2: 90} for a in (1, 2, 3)}
    table[4] = {1: 90, 2: 100}
    table[5] = {1: 10, 2: 100}
    figures = aggregate(sheets_from(table), OUT_OF_100)
    assert figures[4].normalising_problem is None
    assert figures[4].normalised == 100
    assert all(0 <= f.normalised <= 100 for f in figures.values())


def test_a_scorer_who_gives_everyone_the_same_score_is_not_normalised():
    table = {a: {1: 50, 2: 10 * a} for a in range(1, 6)}
    figures = aggregate(sheets_from(table), OUT_OF_100)
    # Only scorer 2's z-scores count: 10..50 with mean 30 and sd 15.811.
    assert figures[5].mean_z == pytest.approx(20 / math.sqrt(250))


# Calibration

CALIBRATION_TABLE = {
    1: {1: 50, 2: 60, 3: 70},
    2: {1: 40, 2: 50, 3: 90},
    3: {1: 60, 2: 80, 3: 70},
    4: {1: 30},
}


def test_calibration_compares_each_scorer_with_the_others_on_the_same_applications():
    figures = calibration(sheets_from(CALIBRATION_TABLE), OUT_OF_100)
    first = figures[1]
    assert (first.n, first.mean, first.panel_mean, first.shared) == (4, 45, 60, 3)
    # Against the others' means 65, 70, 75 (application 4 has nobody else): -15, -30, -15.
    assert first.leniency == -20
    # Own 50, 40, 60 against 65, 70, 75: sxy = 50, sxx = 200, syy = 50, so r = 50 / 100.
    assert first.correlation == pytest.approx(0.5)
    third = figures[3]
    # Own 70, 90, 70 against 55, 45, 70: differences 15, 45, 0.
    assert third.leniency == 20
    # sxy = -700/3, sxx = 800/3, syy = 950/3.
    assert third.correlation == pytest.approx(-700 / math.sqrt(800 * 950))


def test_correlation_needs_some_variation_on_both_sides():
    table = {
        1: {1: 50, 2: 60},
        2: {1: 70, 2: 60},
        3: {1: 60, 3: 60},
        4: {1: 80, 3: 60},
        5: {1: 40, 3: 60},
    }
    figures = calibration(sheets_from(table), OUT_OF_100)
    assert figures[3].correlation is None  # gives everyone 60
    assert figures[1].correlation is None  # varies, but the others' means are all 60
    assert figures[1].leniency == pytest.approx((-10 + 10 + 0 + 20 - 20) / 5)
    assert figures[3].leniency == pytest.approx((0 - 20 + 20) / 3)


def test_two_shared_applications_are_too_few_for_a_correlation():
    # Two points always lie on a line: r would be 1 whatever the scores.
    figures = calibration(sheets_from({1: {1: 50, 2: 60}, 2: {1: 70, 2: 90}}), OUT_OF_100)
    assert figures[1].correlation is None
    assert figures[1].leniency == -15


def test_a_scorer_with_nobody_to_compare_against_has_no_leniency():
    figures = calibration(sheets_from({1: {1: 50}, 2: {2: 70}}), OUT_OF_100)
    assert (figures[1].leniency, figures[1].correlation, figures[1].shared) == (None, None, 0)


# Reliability: published worked examples and hand-computed cases

# Shrout & Fleiss (1979), Table 2: six targets (rows) rated by four judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four observers (rows) and
# twelve units, with missing values.
_ = None
KRIPPENDORFF_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]


def test_icc_1k_matches_shrout_and_fleiss():
    assert round(icc_1k(SHROUT_FLEISS), 2) == 0.44
    assert icc_1k(SHROUT_FLEISS) == pytest.approx(0.4428, abs=1e-4)


def test_icc_1k_uses_every_rating_when_applications_have_different_numbers_of_scorers():
    # Rows [1, 3] and [4, 6, 8]: grand mean 4.4; SSB = 2*2.4² + 3*1.6² = 19.2 on 1 df;
    # SSW = 2 + 8 = 10 on 3 df; (19.2 - 10/3) / 19.2.
    assert icc_1k([[1, 3, None], [4, 6, 8]]) == pytest.approx((19.2 - 10 / 3) / 19.2)


def test_icc_1k_leaves_out_applications_with_one_rating_and_needs_two_rows():
    assert icc_1k([[1, 3], [4, 6, 8], [100, None]]) == icc_1k([[1, 3], [4, 6, 8]])
    assert icc_1k([[1, 3], [5]]) is None
    assert icc_1k([[40, 60], [60, 40]]) is None  # the applications do not differ at all


def test_krippendorff_alpha_interval_matches_the_published_example():
    units = [list(unit) for unit in zip(*KRIPPENDORFF_OBSERVERS, strict=True)]
    assert round(krippendorff_alpha_interval(units), 3) == 0.849


def test_krippendorff_alpha_is_one_for_perfect_agreement_and_undefined_without_variation():
    assert krippendorff_alpha_interval([[1, 1, None], [3, 3, 3]]) == 1
    assert krippendorff_alpha_interval([[2, 2], [2, None, 2]]) is None
    assert krippendorff_alpha_interval([[2, None], [3]]) is None


def test_round_summary_puts_the_figures_together():
    summary = round_summary(sheets_from(CALIBRATION_TABLE), OUT_OF_100, min_for_normalising=3)
    assert summary.aggregates == aggregate(
        sheets_from(CALIBRATION_TABLE), OUT_OF_100, min_for_normalising=3
    )
    assert summary.calibration == calibration(sheets_from(CALIBRATION_TABLE), OUT_OF_100)
    rows = [[50, 60, 70], [40, 50, 90], [60, 80, 70], [30]]  # by application, scorer order
    assert summary.icc_1k == icc_1k(rows)
    assert summary.krippendorff_alpha == krippendorff_alpha_interval(rows)


# Ranking


def test_ranking_is_highest_first_with_ties_to_the_higher_mean_then_the_earlier_application():
    figures = aggregate(
        sheets_from(
            {
                1: {1: 10, 2: 60, 3: 60, 4: 60, 5: 100},  # trimmed 60, mean 58
                2: {1: 55, 2: 60, 3: 60, 4: 60, 5: 65},  # trimmed 60, mean 60
                3: {1: 55, 2: 60, 3: 60, 4: 60, 5: 65},  # the same as 2
                4: {1: 70},
            }
        ),
        OUT_OF_100,
    )
    assert [a.application_id for a in ranked(figures, RankingMethod.TRIMMED)] == [4, 2, 3, 1]
    assert [a.application_id for a in ranked(figures.values(), "mean")] == [4, 2, 3, 1]


def test_normalised_ranking_uses_the_mean_for_every_application_when_any_is_not_normalised():
    """Never some applications by normalised score and others by raw mean beside them."""
    table = {a: {1: 10 * a} for a in range(1, 6)}
    table[6] = {2: 45}
    figures = aggregate(sheets_from(table), OUT_OF_100)
    assert all(f.normalised is None for f in figures.values())
    assert ranking_score(figures[6], RankingMethod.NORMALISED) == 45
    assert ranking_score(figures[4], RankingMethod.NORMALISED) == 40
    order = [a.application_id for a in ranked(figures, RankingMethod.NORMALISED)]
    assert order == [5, 6, 4, 3, 2, 1]
    assert [a.application_id for a in ranked(figures, RankingMethod.MEAN)] == [5, 6, 4, 3, 2, 1]


# Properties

criterion_ids = st.integers(min_value=1, max_value=6)
criteria_lists = st.lists(
    st.builds(
        CriterionSpec,
        id=criterion_ids,
        weight=st.integers(min_value=1, max_value=5),
        max_score=st.integers(min_value=1, max_value=10),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda c: c.id,
)


@st.composite
def sheets_on(draw, criteria):
    scores = {
        c.id: draw(st.one_of(st.none(), st.integers(min_value=0, max_value=c.max_score)))
        for c in criteria
    }
    return Sheet(scorer_id=1, application_id=1, scores=scores)


@deterministic
@given(st.data(), criteria_lists)
def test_a_weighted_score_is_between_0_and_100_or_none_when_all_na(data, criteria):
    sheet = data.draw(sheets_on(criteria))
    score = weighted_score(sheet, criteria)
    if all(value is None for value in sheet.scores.values()):
        assert score is None
    else:
        assert 0 <= score <= 100


@deterministic
@given(st.data(), criteria_lists)
def test_na_never_scores_lower_than_a_zero_and_simply_leaves_the_criterion_out(data, criteria):
    sheet = data.draw(sheets_on(criteria))
    left_out = data.draw(st.sampled_from(criteria))
    not_applicable = Sheet(1, 1, {**sheet.scores, left_out.id: None})
    zero = Sheet(1, 1, {**sheet.scores, left_out.id: 0})
    with_na = weighted_score(not_applicable, criteria)
    without_criterion = weighted_score(not_applicable, [c for c in criteria if c != left_out])
    assert with_na == without_criterion
    if with_na is not None:
        assert with_na >= weighted_score(zero, criteria)


@deterministic
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=12))
def test_the_trimmed_mean_drops_exactly_one_score_at_each_end_from_five(scores):
    figures = aggregate(sheets_from({1: dict(enumerate(scores, start=1))}), OUT_OF_100)[1]
    if len(scores) >= 5:
        expected = (sum(scores) - max(scores) - min(scores)) / (len(scores) - 2)
    else:
        expected = sum(scores) / len(scores)
    assert figures.trimmed_mean == pytest.approx(expected)


# Every criterion out of 1,000, so a scorer's scores can be shifted and scaled as integers
# (a·s + b stays within the maximum) and their weighted scores move by the same affine map.
WIDE_CRITERIA = [CriterionSpec(id=c, weight=c, max_score=1000) for c in (1, 2, 3)]


@st.composite
def panels(draw):
    scorers = draw(st.integers(min_value=2, max_value=5))
    applications = draw(st.integers(min_value=5, max_value=9))
    sheets = []
    for scorer_id in range(1, scorers + 1):
        scored = draw(st.sets(st.integers(min_value=1, max_value=applications), min_size=3))
        for application_id in sorted(scored):
            scores = {
                c.id: draw(st.one_of(st.none(), st.integers(min_value=0, max_value=100)))
                for c in WIDE_CRITERIA
            }
            sheets.append(Sheet(scorer_id, application_id, scores))
    return sheets


@deterministic
@given(
    panels(),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=400),
)
def test_z_scores_ignore_a_scorers_shift_and_scale(sheets, scorer_id, scale, shift):
    scorer_id = min(scorer_id, max(sheet.scorer_id for sheet in sheets))
    moved = [
        Sheet(
            sheet.scorer_id,
            sheet.application_id,
            {c: (None if s is None else scale * s + shift) for c, s in sheet.scores.items()},
        )
        if sheet.scorer_id == scorer_id
        else sheet
        for sheet in sheets
    ]
    before = aggregate(sheets, WIDE_CRITERIA, min_for_normalising=3)
    after = aggregate(moved, WIDE_CRITERIA, min_for_normalising=3)
    assert before.keys() == after.keys()
    for application_id, figures in before.items():
        if figures.mean_z is None:
            assert after[application_id].mean_z is None
        else:
            assert after[application_id].mean_z == pytest.approx(figures.mean_z, abs=1e-9)
    # The rescaled scores follow the panel's new mean and sd, but keep their order.
    # (not strictly, where both are clamped at 0 or 100).
    distinct = [a for a in before.values() if a.mean_z is not None]
    for one in distinct:
        for other in distinct:
            if one.mean_z > other.mean_z + 1e-6:
                assert (
                    after[one.application_id].normalised >= after[other.application_id].normalised
                )
    assert all(0 <= a.normalised <= 100 for a in after.values() if a.normalised is not None)
