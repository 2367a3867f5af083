"""Which members score which application in a balanced assignment, and whether the result lets
scores be compared across the whole panel: pure functions, no database.

Normalising per scorer compares scorers only through the applications they share, so the graph
of members and applications (an edge where a member scores an application) must be connected.
A design that hands odd applications to members 1-3 and even ones to 4-6 splits the panel in
two, and z-scores then rank one half against the other on no common ground.

Connection needs at least ⌈(n - 1) / (k - 1)⌉ applications (n members, k scorers each), and that
many suffice when each new application shares exactly one member with those before it and
brings k - 1 members not yet linked: a chain of windows stepping by k - 1. So the plan first
links the panel that way, then gives every later application the least-loaded members, choosing
among equally loaded ones those who have scored least often alongside the members already
chosen, so that overlap spreads evenly rather than repeating the same groups. When the
applications are too few to link everyone, loads are kept level instead and the officer is told
that scores cannot be compared across the whole panel.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import permutations

Pair = tuple[int, int]  # (application id, member id)
Together = defaultdict[int, Counter[int]]  # member -> member -> applications scored together


class Links:
    """Union-find over members: which of them are linked through shared applications."""

    def __init__(self, members: Iterable[int]) -> None:
        self._parent = {member: member for member in members}
        self._size = dict.fromkeys(self._parent, 1)
        self.count = len(self._parent)

    def root(self, member: int) -> int:
        parent = self._parent
        while parent[member] != member:
            parent[member] = parent[parent[member]]
            member = parent[member]
        return member

    def size(self, member: int) -> int:
        return self._size[self.root(member)]

    def join(self, members: Iterable[int]) -> None:
        members = [m for m in members if m in self._parent]
        for other in members[1:]:
            a, b = self.root(members[0]), self.root(other)
            if a != b:
                if self._size[a] < self._size[b]:
                    a, b = b, a
                self._parent[b] = a
                self._size[a] += self._size[b]
                self.count -= 1


def applications_to_connect(members: int, scorers: int) -> int | None:
    """The fewest applications that can link ``members`` when each has ``scorers`` of them:
    ⌈(n - 1) / (k - 1)⌉, 0 for a panel of one, and None when it cannot be done (one scorer each
    never links two members)."""
    if members <= 1:
        return 0
    if scorers <= 1:
        return None
    return -(-(members - 1) // (min(scorers, members) - 1))


def plan_balanced(
    application_ids: Iterable[int],
    member_ids: Iterable[int],
    *,
    min_scorers: int,
    active: Mapping[int, set[int]],
    excluded: set[Pair],
    load: Mapping[int, int],
) -> list[Pair]:
    """The new assignments that bring every application up to ``min_scorers`` active scorers.

    ``active`` maps an application to its active scorers (assignments already standing are kept:
    running again only adds), ``excluded`` holds the pairs that may not be (re)assigned
    (conflicts, group members, declines) and ``load`` each member's active assignments.
    Deterministic: applications in id order, remaining ties to the lower member id.
    """
    members = sorted(set(member_ids))
    load = {member: load.get(member, 0) for member in members}
    links = Links(members)
    together: Together = defaultdict(Counter)
    for scorers in active.values():
        _record(links, together, scorers)
    applications = sorted(set(application_ids))
    needs = []
    for application_id in applications:
        scorers = active.get(application_id, set())
        allowed = [m for m in members if m not in scorers and (application_id, m) not in excluded]
        needs.append((application_id, scorers, allowed, max(0, min_scorers - len(scorers))))
    # How many linked groups the applications still to plan could merge, at most: each new
    # member of an application can bring in one group, less one for the member it starts from.
    capacity = [
        max(0, min(need, len(allowed)) - (0 if scorers else 1))
        for _, scorers, allowed, need in needs
    ]
    merges_left = sum(capacity)
    plan: list[Pair] = []
    for (application_id, scorers, allowed, need), merges in zip(needs, capacity, strict=True):
        linking = 1 < links.count <= merges_left + 1
        merges_left -= merges
        if need == 0:
            continue
        chosen = list(scorers)
        roots = {m: links.root(m) for m in allowed}  # fixed until this application is planned
        touched = {links.root(m) for m in chosen if m in load}
        shared = {m: sum(together[m][other] for other in chosen) for m in allowed}
        for _ in range(min(need, len(allowed))):
            if not linking:
                # Least loaded; then one from a group not yet reached; then least overlap.
                pick = min(shared, key=lambda m: (load[m], roots[m] in touched, shared[m], m))
            elif chosen:
                # Linking the panel: reach a group the application does not reach yet.
                pick = min(shared, key=lambda m: (roots[m] in touched, load[m], shared[m], m))
            else:
                # Linking the panel: start from the largest linked group, to hang on to it.
                pick = min(shared, key=lambda m: (-links.size(m), load[m], m))
            del shared[pick]
            for member in shared:
                shared[member] += together[member][pick]
            chosen.append(pick)
            touched.add(roots[pick])
            load[pick] += 1
            plan.append((application_id, pick))
        _record(links, together, chosen)
    return sorted(plan)


def _record(links: Links, together: Together, scorers: Iterable[int]) -> None:
    """Link an application's scorers and count each pair of them as having met once more."""
    scorers = list(scorers)
    links.join(scorers)
    for a, b in permutations(scorers, 2):
        together[a][b] += 1


@dataclass(frozen=True)
class Coverage:
    """How far an assignment lets scores be compared across the panel: whether its members form
    one linked group through the applications they share, and how evenly the work is spread."""

    members: int
    applications: int
    groups: int  # linked groups among members with at least one application
    unassigned: int  # members with no application
    fewest: int  # applications of the least-loaded member
    most: int
    one_scorer_each: bool

    @property
    def connected(self) -> bool:
        """Every member is linked to every other through shared applications, so per-scorer
        normalisation can compare any two of them."""
        return self.members <= 1 or (
            self.groups == 1 and self.unassigned == 0 and not self.one_scorer_each
        )

    @property
    def spread(self) -> int:
        return self.most - self.fewest

    @property
    def problem(self) -> str | None:
        """Why scores cannot be compared across the whole panel, in words; None when they can."""
        if self.connected or not self.applications:
            return None
        if self.one_scorer_each:
            return (
                "Each application has one scorer, so scorers cannot be compared with each other "
                "and scores cannot be normalised: the ranking uses the mean."
            )
        if self.groups > 1:
            return (
                f"The members fall into {self.groups} groups that share no application, so "
                "scores cannot be normalised across the whole panel: the ranking uses the mean. "
                "Assign more applications, or ask members to score applications of another "
                "group."
            )
        return (
            f"{self.unassigned} of the {self.members} members have no application to score yet. "
            "Assign again to share the work with them."
        )


def coverage(member_ids: Iterable[int], active: Mapping[int, Iterable[int]]) -> Coverage:
    """The linked groups and load spread of ``active`` (application -> its active scorers)."""
    members = sorted(set(member_ids))
    links = Links(members)
    load = dict.fromkeys(members, 0)
    largest = 0
    applications = 0
    for scorers in active.values():
        scorers = [m for m in scorers if m in load]
        if not scorers:
            continue
        applications += 1
        links.join(scorers)
        largest = max(largest, len(scorers))
        for member in scorers:
            load[member] += 1
    used = [m for m in members if load[m]]
    loads = list(load.values()) or [0]
    return Coverage(
        members=len(members),
        applications=applications,
        groups=len({links.root(m) for m in used}),
        unassigned=len(members) - len(used),
        fewest=min(loads),
        most=max(loads),
        one_scorer_each=len(members) > 1 and largest == 1,
    )
