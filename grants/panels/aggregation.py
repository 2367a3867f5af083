"""How a panel's scores become figures an officer can defend: pure functions, no database.

Grant panels disagree, and that is normal (single-scorer reliability in grant review is about
0.2), so no one figure is trusted alone:

- Each scorer's sheet becomes one weighted score from 0 to 100: each criterion's score as a share
  of its maximum, weighted, so the weights are the criteria's shares of the total. A criterion
  marked n/a is left out of both the top and the bottom of the fraction, so it never counts as 0.
- Per application: the mean, and two robust alternatives. The median and the trimmed mean stop
  one very high or very low scorer (the loudest voice, or an insider) from deciding the result;
  the normalised score stops an application losing out because it happened to draw harsh scorers.
- Disagreement (a high standard deviation or range) is flagged for discussion at the moderation
  meeting rather than averaged away.
- Per scorer, calibration shows who is lenient or harsh and who ranks differently from the rest
  of the panel; per round, ICC(1,k) and Krippendorff's alpha say how far the averaged scores can
  be relied on.

Callers pass only submitted sheets of members without a conflict: filtering is theirs, so that
these functions stay about arithmetic. Spread is measured with the *sample* standard deviation
(divisor n - 1) everywhere, since a panel is a sample of the scorers who might have been asked.
Floats are averaged with ``math.fsum`` rather than ``statistics.mean``, whose exact fractions are
too slow for a round of hundreds of applications.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import correlation, fmean, median

from grants.panels.design import Links
from grants.panels.models import RankingMethod

# Differences between floats smaller than this are rounding, not signal: scores run 0 to 100.
_EPSILON = 1e-9


@dataclass(frozen=True)
class CriterionSpec:
    """A round's criterion as aggregation needs it (mirrors ``grants.funds.models.Criterion``)."""

    id: int
    weight: int
    max_score: int

    def __post_init__(self) -> None:
        if self.weight < 1 or self.max_score < 1:
            raise ValueError(f"criterion {self.id} needs a weight and a maximum of at least 1")


@dataclass(frozen=True)
class Sheet:
    """One scorer's submitted scores for one application: criterion id to score, or None for n/a.
    A criterion missing from ``scores`` is treated like n/a."""

    scorer_id: int
    application_id: int
    scores: Mapping[int, int | None]


@dataclass(frozen=True)
class WeightedSheet:
    """A sheet already reduced to the two sums of its weighted score, ``awarded`` =
    Σ w_c·s_c·(L / max_c) and ``possible`` = Σ w_c·L over the criteria scored (n/a left out of
    both), L being ``common_scale`` of the round's criteria, as the database can add them up for
    a whole round. Every function taking sheets takes these too, and gives
    exactly the figures the matching ``Sheet`` gives."""

    scorer_id: int
    application_id: int
    awarded: int
    possible: int

    @property
    def score(self) -> float | None:
        return 100 * self.awarded / self.possible if self.possible else None


@dataclass(frozen=True)
class ApplicationAggregate:
    """Every figure for one application, from the weighted scores of the scorers who scored it.

    ``scores`` are the per-scorer weighted scores in ``scorer_ids`` order (ascending). With one
    scorer, ``sd`` and ``spread`` are 0: no disagreement can be seen. ``mean_z`` is the average of
    the qualifying scorers' z-scores, and ``normalised`` is it rescaled to the panel's scale;
    both are None when none of this application's scorers qualifies for normalising.
    """

    application_id: int
    n: int
    mean: float
    median: float
    trimmed_mean: float
    sd: float
    spread: float
    normalised: float | None
    disagreement: bool
    scores: tuple[float, ...]
    scorer_ids: tuple[int, ...]
    mean_z: float | None
    # Why the round's scores cannot be normalised (then no application has a normalised score,
    # and every one is ranked by its mean); None when they can. The same for every application.
    normalising_problem: str | None = None


@dataclass(frozen=True)
class ScorerCalibration:
    """How one scorer compares with the rest of the panel.

    ``mean`` is over all their applications and ``panel_mean`` over every score in the round.
    ``leniency`` (positive: more generous than the others on the same applications) and
    ``correlation`` (do they rank like the others?) use only applications someone else also
    scored, ``shared`` of them; each is None when it cannot be computed.
    """

    scorer_id: int
    n: int
    mean: float
    panel_mean: float
    leniency: float | None
    correlation: float | None
    shared: int


@dataclass(frozen=True)
class RoundSummary:
    """Everything the moderation meeting shows about a round's scores."""

    aggregates: dict[int, ApplicationAggregate]
    calibration: dict[int, ScorerCalibration]
    icc_1k: float | None
    krippendorff_alpha: float | None


def common_scale(criteria: Sequence[CriterionSpec]) -> int:
    """The least common multiple of the criteria's maximums: every score times
    ``common_scale // max_c`` is then a whole number on one scale, so a weighted score can be
    added up exactly in integers (by Python or by the database) with each criterion first
    normalised to its maximum."""
    return math.lcm(*(criterion.max_score for criterion in criteria)) if criteria else 1


def criterion_shares(criteria: Sequence[CriterionSpec]) -> dict[int, float]:
    """Each criterion's share of the total, in percent: its weight over the sum of the weights.
    Because scores are normalised to their maximums first, this is what the weight means."""
    total = sum(criterion.weight for criterion in criteria)
    return {criterion.id: 100 * criterion.weight / total for criterion in criteria}


def weighted_score(sheet: Sheet, criteria: Sequence[CriterionSpec]) -> float | None:
    """``100 * Σ w_c·(s_c / max_c) / Σ w_c`` over the criteria scored; None when every one is n/a.

    Each score is first taken as a fraction of its own maximum, so a criterion's weight is its
    share of the total whatever its maximum: weight 2 counts twice as much as weight 1 even when
    one is scored out of 10 and the other out of 4. An n/a criterion leaves both sums, so marking
    it n/a never scores lower than a 0 would (the reason some grant systems are unfair to groups
    an optional criterion does not fit). Scores for criteria not in ``criteria`` are ignored. A
    score outside 0..max is a bug in the caller (the scoring service refuses it), so it raises
    rather than produce a figure above 100.
    """
    scale = common_scale(criteria)
    awarded = possible = 0
    for criterion in criteria:
        score = sheet.scores.get(criterion.id)
        if score is None:
            continue
        if not 0 <= score <= criterion.max_score:
            raise ValueError(
                f"score {score} for criterion {criterion.id} is outside 0..{criterion.max_score}"
            )
        awarded += criterion.weight * score * (scale // criterion.max_score)
        possible += criterion.weight * scale
    return 100 * awarded / possible if possible else None


def aggregate(
    sheets: Iterable[Sheet | WeightedSheet],
    criteria: Sequence[CriterionSpec],
    *,
    sd_threshold: float = 15,
    range_threshold: float = 30,
    min_for_normalising: int = 5,
) -> dict[int, ApplicationAggregate]:
    """Figures for every application with at least one weighted score, by application id.

    An application whose sheets are all n/a has no figures and no entry. Two sheets from one
    scorer for one application raise ValueError: the caller must pass one submitted sheet each.
    """
    return _aggregate(
        _weighted_by_application(sheets, criteria),
        sd_threshold=sd_threshold,
        range_threshold=range_threshold,
        min_for_normalising=min_for_normalising,
    )


def calibration(
    sheets: Iterable[Sheet | WeightedSheet], criteria: Sequence[CriterionSpec]
) -> dict[int, ScorerCalibration]:
    """Each scorer's calibration against the panel, by scorer id (see ``ScorerCalibration``)."""
    return _calibrate(_weighted_by_application(sheets, criteria))


def round_summary(
    sheets: Iterable[Sheet | WeightedSheet],
    criteria: Sequence[CriterionSpec],
    *,
    sd_threshold: float = 15,
    range_threshold: float = 30,
    min_for_normalising: int = 5,
) -> RoundSummary:
    """Aggregates, calibration and reliability for a round, weighting each sheet once."""
    by_application = _weighted_by_application(sheets, criteria)
    aggregates = _aggregate(
        by_application,
        sd_threshold=sd_threshold,
        range_threshold=range_threshold,
        min_for_normalising=min_for_normalising,
    )
    rows = [list(scores.values()) for scores in by_application.values()]
    return RoundSummary(
        aggregates=aggregates,
        calibration=_calibrate(by_application),
        icc_1k=icc_1k(rows),
        krippendorff_alpha=krippendorff_alpha_interval(rows),
    )


def ranking_score(aggregate_: ApplicationAggregate, method: RankingMethod | str) -> float:
    """The figure ``method`` ranks by. When the round's scores cannot be normalised no
    application has a normalised score (see ``_normalising``), and NORMALISED ranks every one by
    its mean: the same basis for all, never some by one figure and some by another."""
    method = RankingMethod(method)
    if method is RankingMethod.TRIMMED:
        return aggregate_.trimmed_mean
    if method is RankingMethod.NORMALISED and aggregate_.normalised is not None:
        return aggregate_.normalised
    return aggregate_.mean


def ranked(
    aggregates: Mapping[int, ApplicationAggregate] | Iterable[ApplicationAggregate],
    method: RankingMethod | str,
) -> list[ApplicationAggregate]:
    """Highest ``ranking_score`` first. Ties go to the higher mean, then to the lower application
    id (the earlier application), so the same scores always give the same order. Figures are
    compared to 9 decimal places so that rounding in the arithmetic never decides a tie."""
    method = RankingMethod(method)
    if isinstance(aggregates, Mapping):
        aggregates = aggregates.values()
    return sorted(
        aggregates,
        key=lambda a: (-round(ranking_score(a, method), 9), -round(a.mean, 9), a.application_id),
    )


def icc_1k(ratings: Sequence[Sequence[float | None]]) -> float | None:
    """Reliability of an application's averaged score: ICC(1,k), Shrout & Fleiss (1979), one-way
    random effects, average of k raters, ``(MSB - MSW) / MSB``. Rows are applications.

    The one-way model fits a panel, where different members score different applications. It
    does not need the same number of ratings per row: missing ratings (None) are dropped and the
    one-way ANOVA is computed on the unequal rows, so the result is the reliability of an average
    of about k0 ratings (the ANOVA's adjusted mean row size); with equal rows it is exactly
    Shrout & Fleiss's ICC(1,k). Rows with fewer than two ratings say nothing about agreement and
    are left out. None when fewer than two rows remain or the applications' means do not differ
    at all. It can be negative: the scores then tell applications apart less than chance would.
    """
    rows = _rows_of_at_least_two(ratings)
    if len(rows) < 2:
        return None
    total = sum(len(row) for row in rows)
    grand_mean = math.fsum(math.fsum(row) for row in rows) / total
    row_means = [fmean(row) for row in rows]
    between = math.fsum(
        len(row) * (m - grand_mean) ** 2 for row, m in zip(rows, row_means, strict=True)
    )
    within = math.fsum(_squared_deviations(row, m) for row, m in zip(rows, row_means, strict=True))
    mean_square_between = between / (len(rows) - 1)
    mean_square_within = within / (total - len(rows))
    if mean_square_between < _EPSILON:
        return None
    return (mean_square_between - mean_square_within) / mean_square_between


def krippendorff_alpha_interval(ratings: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha with the interval metric, ``1 - D_o / D_e``. Rows are applications
    (units); None is a missing rating (a conflict, or a member not assigned).

    Units with fewer than two ratings cannot be paired and are dropped, as Krippendorff (2011)
    specifies. Uses the identity Σ_{i≠j} (v_i - v_j)² = 2m·Σ(v - v̄)² over the m values of a
    unit (or of all pairable values), so it is linear in the number of ratings. None when no
    unit has two ratings or every rating is the same (no disagreement is expected to remove).
    """
    units = _rows_of_at_least_two(ratings)
    values = [value for unit in units for value in unit]
    if not units:
        return None
    n = len(values)
    expected = 2 * n * _squared_deviations(values, fmean(values)) / (n * (n - 1))
    if expected < _EPSILON:
        return None
    observed = (
        math.fsum(
            2 * len(unit) * _squared_deviations(unit, fmean(unit)) / (len(unit) - 1)
            for unit in units
        )
        / n
    )
    return 1 - observed / expected


def _weighted_by_application(
    sheets: Iterable[Sheet | WeightedSheet], criteria: Sequence[CriterionSpec]
) -> dict[int, dict[int, float]]:
    """Application id -> scorer id -> weighted score, both in ascending order, leaving out
    sheets that are all n/a."""
    by_application: dict[int, dict[int, float]] = defaultdict(dict)
    for sheet in sheets:
        weighted = isinstance(sheet, WeightedSheet)
        score = sheet.score if weighted else weighted_score(sheet, criteria)
        if score is None:
            continue
        scores = by_application[sheet.application_id]
        if sheet.scorer_id in scores:
            raise ValueError(
                f"scorer {sheet.scorer_id} has two sheets for application {sheet.application_id}"
            )
        scores[sheet.scorer_id] = score
    return {
        application_id: dict(sorted(scores.items()))
        for application_id, scores in sorted(by_application.items())
    }


def _by_scorer(by_application: Mapping[int, Mapping[int, float]]) -> dict[int, dict[int, float]]:
    by_scorer: dict[int, dict[int, float]] = defaultdict(dict)
    for application_id, scores in by_application.items():
        for scorer_id, score in scores.items():
            by_scorer[scorer_id][application_id] = score
    return dict(sorted(by_scorer.items()))


def _aggregate(
    by_application: Mapping[int, Mapping[int, float]],
    *,
    sd_threshold: float,
    range_threshold: float,
    min_for_normalising: int,
) -> dict[int, ApplicationAggregate]:
    mean_z, rescale, problem = _normalising(by_application, min_for_normalising)
    aggregates = {}
    for application_id, by_scorer in by_application.items():
        scores = tuple(by_scorer.values())
        ordered = sorted(scores)
        sd = _sample_sd(scores)
        spread = ordered[-1] - ordered[0]
        z = mean_z.get(application_id)
        aggregates[application_id] = ApplicationAggregate(
            application_id=application_id,
            n=len(scores),
            mean=fmean(scores),
            median=median(ordered),
            trimmed_mean=_trimmed_mean(ordered),
            sd=sd,
            spread=spread,
            normalised=None if z is None else rescale(z),
            disagreement=sd > sd_threshold or spread > range_threshold,
            scores=scores,
            scorer_ids=tuple(by_scorer),
            mean_z=z,
            normalising_problem=problem,
        )
    return aggregates


def _trimmed_mean(ordered: Sequence[float]) -> float:
    """With five or more scorers, drop exactly one highest and one lowest score, so a single
    outlier (however extreme) moves the result little; with fewer, dropping two would leave too
    few voices, so it is the plain mean."""
    return fmean(ordered[1:-1] if len(ordered) >= 5 else ordered)


def _normalising(
    by_application: Mapping[int, Mapping[int, float]], min_for_normalising: int
) -> tuple[dict[int, float], Callable[[float], float], str | None]:
    """Each application's mean z-score, the map back to the panel's 0-100 scale, and why the
    round cannot be normalised (None when it can).

    A scorer's z-score on an application is how many of their own standard deviations it sits
    above their own mean, so a harsh scorer's 40 and a generous scorer's 80 can mean the same
    thing: an application that drew harsh scorers is not penalised for it. Only scorers with at
    least ``min_for_normalising`` applications (whose scores are not all equal) take part; with
    fewer, their own mean and spread are too noisy to correct anyone.

    It is all or nothing for the round, so that every application is ranked on the same basis:
    normalised scores only when every application has a scorer who takes part and those scorers
    are linked through the applications they share (z-scores of two groups of scorers who share
    none rank one group against the other on no common ground); otherwise none, and every
    application is ranked by its mean. The mean z is rescaled to the mean and standard deviation
    of every weighted score in the round and kept within 0 to 100 (clamped, so a figure never
    claims more than full marks from every scorer).
    """
    z_scores: dict[int, list[float]] = defaultdict(list)
    taking_part: dict[int, list[int]] = defaultdict(list)
    all_scores = []
    for scorer_id, scores in _by_scorer(by_application).items():
        own = list(scores.values())
        all_scores.extend(own)
        if len(own) < min_for_normalising or max(own) == min(own):
            continue
        own_mean, own_sd = fmean(own), _sample_sd(own)
        for application_id, score in scores.items():
            z_scores[application_id].append((score - own_mean) / own_sd)
            taking_part[application_id].append(scorer_id)
    panel_mean = fmean(all_scores) if all_scores else 0.0
    panel_sd = _sample_sd(all_scores)

    def rescale(z: float) -> float:
        return min(100.0, max(0.0, panel_mean + panel_sd * z))

    problem = _why_not_normalised(by_application, taking_part, min_for_normalising)
    if problem:
        return {}, rescale, problem
    mean_z = {application_id: fmean(zs) for application_id, zs in z_scores.items()}
    return mean_z, rescale, None


def _why_not_normalised(
    by_application: Mapping[int, Mapping[int, float]],
    taking_part: Mapping[int, list[int]],
    min_for_normalising: int,
) -> str | None:
    if not by_application:
        return None
    enough = f"scored at least {min_for_normalising} applications with scores that differ"
    if not taking_part:
        return f"No scorer has yet {enough}, so scores cannot be normalised."
    left_out = sum(1 for application_id in by_application if application_id not in taking_part)
    if left_out:
        return (
            f"{left_out} of the {len(by_application)} applications have no scorer who has "
            f"{enough}, so scores cannot be normalised."
        )
    links = Links({scorer for scorers in taking_part.values() for scorer in scorers})
    for scorers in taking_part.values():
        links.join(scorers)
    if links.count > 1:
        return (
            f"The scorers fall into {links.count} groups that share no application, so their "
            "scores cannot be compared and cannot be normalised."
        )
    return None


def _calibrate(by_application: Mapping[int, Mapping[int, float]]) -> dict[int, ScorerCalibration]:
    all_scores = [score for scores in by_application.values() for score in scores.values()]
    panel_mean = fmean(all_scores) if all_scores else 0.0
    result = {}
    for scorer_id, own_scores in _by_scorer(by_application).items():
        own, others = [], []
        for application_id, score in own_scores.items():
            other_scores = [
                s for s_id, s in by_application[application_id].items() if s_id != scorer_id
            ]
            if other_scores:
                own.append(score)
                others.append(fmean(other_scores))
        result[scorer_id] = ScorerCalibration(
            scorer_id=scorer_id,
            n=len(own_scores),
            mean=fmean(own_scores.values()),
            panel_mean=panel_mean,
            leniency=fmean(a - b for a, b in zip(own, others, strict=True)) if own else None,
            correlation=_pearson(own, others),
            shared=len(own),
        )
    return result


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when it means nothing: fewer than three pairs (two points always
    lie on a line) or either side constant."""
    if len(xs) < 3 or max(xs) - min(xs) < _EPSILON or max(ys) - min(ys) < _EPSILON:
        return None
    return correlation(xs, ys)


def _rows_of_at_least_two(ratings: Sequence[Sequence[float | None]]) -> list[list[float]]:
    rows = ([value for value in row if value is not None] for row in ratings)
    return [row for row in rows if len(row) >= 2]


def _squared_deviations(values: Sequence[float], centre: float) -> float:
    return math.fsum((value - centre) ** 2 for value in values)


def _sample_sd(values: Sequence[float]) -> float:
    """Sample standard deviation; 0 for fewer than two values or values all equal (exactly, so
    that rounding in the mean cannot invent a spread)."""
    if len(values) < 2 or max(values) == min(values):
        return 0.0
    return math.sqrt(_squared_deviations(values, fmean(values)) / (len(values) - 1))
