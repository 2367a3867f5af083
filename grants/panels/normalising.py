"""Per-scorer normalisation: each scorer's scores as z-scores against their own mean and
spread, so an application that drew harsh scorers is not penalised for it. All or nothing for
a round, so every application is ranked on the same basis. Pure functions, no database."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from statistics import fmean

from grants.panels.agreement import squared_deviations
from grants.panels.design import Links


def by_scorer(by_application: Mapping[int, Mapping[int, float]]) -> dict[int, dict[int, float]]:
    by_scorer: dict[int, dict[int, float]] = defaultdict(dict)
    for application_id, scores in by_application.items():
        for scorer_id, score in scores.items():
            by_scorer[scorer_id][application_id] = score
    return dict(sorted(by_scorer.items()))


def normalising(
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
    for scorer_id, scores in by_scorer(by_application).items():
        own = list(scores.values())
        all_scores.extend(own)
        if len(own) < min_for_normalising or max(own) == min(own):
            continue
        own_mean, own_sd = fmean(own), sample_sd(own)
        for application_id, score in scores.items():
            z_scores[application_id].append((score - own_mean) / own_sd)
            taking_part[application_id].append(scorer_id)
    panel_mean = fmean(all_scores) if all_scores else 0.0
    panel_sd = sample_sd(all_scores)

    def rescale(z: float) -> float:
        return min(100.0, max(0.0, panel_mean + panel_sd * z))

    problem = why_not_normalised(by_application, taking_part, min_for_normalising)
    if problem:
        return {}, rescale, problem
    mean_z = {application_id: fmean(zs) for application_id, zs in z_scores.items()}
    return mean_z, rescale, None


def why_not_normalised(
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


def sample_sd(values: Sequence[float]) -> float:
    """Sample standard deviation; 0 for fewer than two values or values all equal (exactly, so
    that rounding in the mean cannot invent a spread)."""
    if len(values) < 2 or max(values) == min(values):
        return 0.0
    return math.sqrt(squared_deviations(values, fmean(values)) / (len(values) - 1))
