"""Periods of care: runs of consecutive care episodes.

A child's period of care starts on the DECOM of an episode that does not follow straight on from an
earlier one, and runs through every episode whose DECOM equals the previous episode's DEC. It ends
on the DEC of its last episode (and the REC of that episode says why care ended), or is still open.
These are plain functions over anything with `decom`, `dec` and `rec` attributes (CareEpisode rows,
or light records built from `.values()`), so the exporter and the checks can share them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Protocol


class EpisodeLike(Protocol):
    @property
    def decom(self) -> dt.date: ...
    @property
    def dec(self) -> dt.date | None: ...
    @property
    def rec(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PeriodOfCare:
    """A run of episodes (slots: a large council's return makes thousands, each kept with the return)."""

    episodes: tuple[Any, ...]

    @property
    def start(self) -> dt.date:
        return self.episodes[0].decom

    @property
    def end(self) -> dt.date | None:
        """The day care ended, or None while the child is still looked after."""
        return self.episodes[-1].dec

    @property
    def reason_ended(self) -> str:
        return self.episodes[-1].rec if self.end is not None else ""

    @property
    def is_open(self) -> bool:
        return self.end is None

    def contains(self, day: dt.date) -> bool:
        """Whether the child was looked after on this day (the first and last days count)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def episode_on(self, day: dt.date) -> Any | None:
        """The episode in force on this day; on a changeover day, the one that starts then."""
        for episode in reversed(self.episodes):
            if episode.decom <= day and (episode.dec is None or day <= episode.dec):
                return episode
        return None


def periods_of_care(episodes: Iterable[EpisodeLike]) -> list[PeriodOfCare]:
    """One child's episodes, in any order, grouped into periods of care in date order."""
    ordered = list(episodes)
    # Most callers pass one child's episodes already in date order (the return's query does): sort only when the
    # starts are not strictly increasing, since the key function is most of the cost for a large council.
    if len(ordered) > 1 and any(earlier.decom >= later.decom for earlier, later in pairwise(ordered)):
        ordered.sort(key=lambda e: (e.decom, e.dec or dt.date.max))
    periods: list[list[Any]] = []
    for episode in ordered:
        if periods and periods[-1][-1].dec is not None and periods[-1][-1].dec == episode.decom:
            periods[-1].append(episode)
        else:
            periods.append([episode])
    return [PeriodOfCare(tuple(run)) for run in periods]


def periods_by_child(episodes: Iterable[Any], key: str = "child_id") -> dict[Any, list[PeriodOfCare]]:
    """Many children's episodes grouped by `key` (an attribute), each child's into periods of care."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for episode in episodes:
        grouped[getattr(episode, key)].append(episode)
    return {child: periods_of_care(run) for child, run in grouped.items()}


def period_containing(periods: Sequence[PeriodOfCare], day: dt.date) -> PeriodOfCare | None:
    for period in periods:
        if period.contains(day):
            return period
    return None
