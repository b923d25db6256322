"""Values a figure can hold besides a plain count: a rate (kept as its two counts, so small-number suppression
can see them) and a change from the previous period."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        """Rounded to one decimal place; None when there is nothing to divide by."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True)
class Change:
    """This period against the previous one: a difference in count, or in percentage points for a rate."""

    current: int | Rate
    previous: int | Rate

    @property
    def amount(self) -> int | float | None:
        if isinstance(self.current, Rate) and isinstance(self.previous, Rate):
            now, before = self.current.percent, self.previous.percent
            return None if now is None or before is None else round(now - before, 1)
        assert not isinstance(self.current, Rate) and not isinstance(self.previous, Rate)  # both counts
        return self.current - self.previous

    @property
    def in_points(self) -> bool:
        return isinstance(self.current, Rate)
