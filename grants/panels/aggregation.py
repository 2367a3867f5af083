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
  of the panel; per round, ICC(1,k) and Krippendorff's alpha (``agreement``) say how far the
  averaged scores can be relied on.

Callers pass only submitted sheets of members without a conflict: filtering is theirs, so that
these functions stay about arithmetic. Spread is measured with the *sample* standard deviation
(divisor n - 1) everywhere, since a panel is a sample of the scorers who might have been asked.
Floats are averaged with ``math.fsum`` rather than ``statistics.mean``, whose exact fractions are
too slow for a round of hundreds of applications.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import correlation, fmean, median

from grants.panels.agreement import (
    icc_1k,
    icc_problem,
    krippendorff_alpha_interval,
    negligible,
)
from grants.panels.models import RankingMethod
from grants.panels.normalising import by_scorer as scores_by_scorer
from grants.panels.normalising import normalising, sample_sd


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
    icc_problem: str | None = None  # why icc_1k is None, in words


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
        icc_problem=icc_problem(rows),
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


def _aggregate(
    by_application: Mapping[int, Mapping[int, float]],
    *,
    sd_threshold: float,
    range_threshold: float,
    min_for_normalising: int,
) -> dict[int, ApplicationAggregate]:
    mean_z, rescale, problem = normalising(by_application, min_for_normalising)
    aggregates = {}
    for application_id, by_scorer in by_application.items():
        scores = tuple(by_scorer.values())
        ordered = sorted(scores)
        sd = sample_sd(scores)
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


def _calibrate(by_application: Mapping[int, Mapping[int, float]]) -> dict[int, ScorerCalibration]:
    all_scores = [score for scores in by_application.values() for score in scores.values()]
    panel_mean = fmean(all_scores) if all_scores else 0.0
    result = {}
    for scorer_id, own_scores in scores_by_scorer(by_application).items():
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
    if len(xs) < 3 or any(
        negligible(max(side) - min(side), max(abs(value) for value in side)) for side in (xs, ys)
    ):
        return None
    return correlation(xs, ys)
