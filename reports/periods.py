"""The periods a partnership report covers: a calendar month, or the council's reporting year.

The reporting year runs from 1 April to 31 March (the financial year councils report to the partnership, the
DfE and their members in); it is named by the calendar year it ends in, so "2025" is April 2024 to March
2025. Each period becomes the dashboard's own `Filters` (whole months, no other filter), so a report holds
exactly the figures the dashboard shows for the same months.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from analytics.filters import Filters, add_months, last_complete_month, month_label

YEAR_END_MONTH = 3  # the reporting year ends on 31 March


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    ANNUAL = "annual", "Annual"


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # the first day of the first month

    @property
    def end(self) -> dt.date:
        """The first day of the last month."""
        return self.start if self.kind == ReportKind.MONTHLY else add_months(self.start, 11)

    @property
    def filters(self) -> Filters:
        return Filters(start=self.start, end=self.end)

    @property
    def code(self) -> str:
        """How the period is written on the command line and in file names: 2025-01, or 2025 (a year)."""
        return f"{self.start:%Y-%m}" if self.kind == ReportKind.MONTHLY else f"{self.end.year}"

    @property
    def label(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return month_label(self.start)
        return f"April {self.start.year} to March {self.end.year}"

    @property
    def title(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return f"Monthly report: {self.label}"
        return f"Annual report: the year to 31 March {self.end.year}"

    @property
    def previous_label(self) -> str:
        previous = self.filters.previous()
        if self.kind == ReportKind.MONTHLY:
            return month_label(previous.start)
        return f"April {previous.start.year} to March {previous.end.year}"


def monthly(month: dt.date) -> Period:
    return Period(ReportKind.MONTHLY, month.replace(day=1))


def annual(year_ending: int) -> Period:
    """The reporting year ending 31 March `year_ending`."""
    return Period(ReportKind.ANNUAL, dt.date(year_ending - 1, YEAR_END_MONTH + 1, 1))


def parse(kind: str, text: str) -> Period:
    """A period from its code (yyyy-mm for a month, yyyy for a reporting year); ValueError says what is wrong."""
    text = (text or "").strip()
    if kind == ReportKind.MONTHLY:
        if not re.fullmatch(r"\d{4}-\d{2}", text):
            raise ValueError("A monthly report's period is a month written as YYYY-MM, such as 2025-01")
        try:
            return monthly(dt.date(int(text[:4]), int(text[5:]), 1))
        except ValueError:
            raise ValueError(f"{text} is not a month: write it as YYYY-MM, such as 2025-01") from None
    if kind == ReportKind.ANNUAL:
        if not re.fullmatch(r"\d{4}", text) or int(text) < 2:
            raise ValueError("An annual report's period is the year it ends in (31 March), written as YYYY")
        return annual(int(text))
    raise ValueError("The kind of report is monthly or annual")


def is_complete(period: Period, today: dt.date | None = None) -> bool:
    """Whether every month of the period has ended (a report is only made of finished months)."""
    return period.end <= last_complete_month(today or timezone.localdate())


def due_periods(today: dt.date | None = None) -> list[Period]:
    """The reports the scheduler keeps stored for every council: the last complete month, and the last complete
    reporting year. A month's report waits until day settings.HOMEWARD_REPORTS_DAY of the next month, so returns
    and interviews recorded late can count (until then the month before stays the latest)."""
    today = today or timezone.localdate()
    month = last_complete_month(today)
    if today.day < settings.HOMEWARD_REPORTS_DAY:
        month = add_months(month, -1)
    year_ending = month.year if month.month >= YEAR_END_MONTH else month.year - 1
    return [monthly(month), annual(year_ending)]


def recent_months(today: dt.date | None = None, count: int = 36) -> list[Period]:
    """Complete months, latest first, for the page's list."""
    latest = last_complete_month(today or timezone.localdate())
    return [monthly(add_months(latest, -back)) for back in range(count)]


def recent_years(today: dt.date | None = None, count: int = 6) -> list[Period]:
    """Complete reporting years, latest first, for the page's list."""
    latest = last_complete_month(today or timezone.localdate())
    year_ending = latest.year if latest.month >= YEAR_END_MONTH else latest.year - 1
    return [annual(year_ending - back) for back in range(count)]
