"""Who the figures are about (the scope) and which of them (the period and the filters).

The filters arrive as GET parameters: they hold no personal data, and a bookmarked or shared link shows the
same figures to anyone allowed the same dashboard.
"""

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from access.models import Agency, AgencyKind
from analytics.dimensions import DIMENSION_LABELS, Area
from core.forms import GovukForm
from episodes.models import MissingEpisode

MONTHS_BACK = 120  # the earliest month a period may start: ten years ago
DEFAULT_MONTHS = 12
DIMENSION_FILTERS = ["legal_status", "age_band", "sex", "ethnicity_group", "placement_type", "area", "risk_grade"]
FILTER_LABELS = {
    "legal_status": "Legal status",
    "age_band": "Age when last seen",
    "sex": "Sex",
    "ethnicity_group": "Ethnicity",
    "placement_type": "Where the child lives (placement type)",
    "area": "In or out of area",
    "risk_grade": "Risk grade",
}


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


def last_complete_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return add_months(today.replace(day=1), -1)


@dataclass(frozen=True)
class Filters:
    """A period of whole months (start and end are first days of months; both included) and the filters."""

    start: dt.date
    end: dt.date
    legal_status: str = ""
    age_band: str = ""
    sex: str = ""
    ethnicity_group: str = ""
    placement_type: str = ""
    area: str = ""
    risk_grade: str = ""

    @classmethod
    def default(cls, today: dt.date | None = None) -> "Filters":
        """The last twelve complete months, no other filter."""
        end = last_complete_month(today)
        return cls(start=add_months(end, 1 - DEFAULT_MONTHS), end=end)

    @property
    def length(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def months(self) -> list[dt.date]:
        return [add_months(self.start, index) for index in range(self.length)]

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same filters."""
        return replace(self, start=add_months(self.start, -self.length), end=add_months(self.start, -1))

    @property
    def label(self) -> str:
        if self.start == self.end:
            return month_label(self.start)
        return f"{month_label(self.start)} to {month_label(self.end)}"

    def dimensions(self, *, risk: bool = True) -> Q:
        """The filters as a condition on a roll-up or fact table (every one has the Dimensions columns)."""
        condition = Q()
        for name in DIMENSION_FILTERS:
            value = getattr(self, name)
            if not value or (name == "risk_grade" and not risk):
                continue
            if name == "area":
                condition &= Q(out_of_area=value == Area.OUT_OF_AREA)
            else:
                condition &= Q(**{name: value})
        return condition

    def q(self, *, month: str = "month", risk: bool = True) -> Q:
        return Q(**{f"{month}__gte": self.start, f"{month}__lte": self.end}) & self.dimensions(risk=risk)

    def described(self) -> list[tuple[str, str]]:
        """The filters in force, as (filter, value) labels, for captions and the workbook's first sheet."""
        chosen = []
        for name in DIMENSION_FILTERS:
            value = getattr(self, name)
            if value:
                chosen.append((FILTER_LABELS[name], DIMENSION_LABELS[name].get(value, value)))
        return chosen

    def params(self) -> dict[str, str]:
        values = {"start": f"{self.start:%Y-%m}", "end": f"{self.end:%Y-%m}"}
        values.update({f.name: getattr(self, f.name) for f in fields(self) if f.name in DIMENSION_FILTERS})
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class Scope:
    """Whose figures: a council's (optionally with the children placed in its area), a force's, or the region's
    (every council, or one)."""

    kind: str  # "council", "police" or "regional"
    name: str
    agency_id: int | None = None
    include_placed: bool = False
    council_id: int | None = None  # the regional view narrowed to one council

    @property
    def shows_interviews(self) -> bool:
        """Return interviews are social care's: the police dashboard does not count them (as in scoping)."""
        return self.kind != "police"

    def q(self) -> Q:
        """The scope as a condition on a table with council, placement_council and (episodes) force columns."""
        if self.kind == "council":
            mine = Q(council_id=self.agency_id)
            return mine | Q(placement_council_id=self.agency_id) if self.include_placed else mine
        if self.kind == "police":
            return Q(force_id=self.agency_id)
        return Q(council_id=self.council_id) if self.council_id else Q()

    def children(self, prefix: str = "") -> Q:
        """The scope as a condition on children (for the figures read straight from the case records)."""
        if self.kind == "council":
            mine = Q(**{f"{prefix}responsible_council_id": self.agency_id})
            if self.include_placed:
                mine |= Q(**{f"{prefix}placement_council_id": self.agency_id})
            return mine
        if self.kind == "police":
            held = MissingEpisode.objects.filter(child=OuterRef(f"{prefix}pk"), police_force_id=self.agency_id)
            return Q(Exists(held))
        return Q(**{f"{prefix}responsible_council_id": self.council_id}) if self.council_id else Q()

    @property
    def params(self) -> dict[str, str]:
        values = {}
        if self.include_placed:
            values["placed"] = "1"
        if self.council_id:
            values["council"] = str(self.council_id)
        return values


def query_string(scope: Scope, filters: Filters) -> str:
    return urlencode({**filters.params(), **scope.params})


# --- The form ------------------------------------------------------------------------------------------


def _month_choices(today: dt.date) -> list[tuple[str, str]]:
    latest = today.replace(day=1)
    return [
        (f"{month:%Y-%m}", month_label(month)) for month in (add_months(latest, -back) for back in range(MONTHS_BACK))
    ]


def _select(name: str) -> forms.ChoiceField:
    choices = [("", "All"), *DIMENSION_LABELS[name].items()]
    return forms.ChoiceField(
        label=FILTER_LABELS[name],
        choices=choices,
        required=False,
        error_messages={"invalid_choice": f"Choose a {FILTER_LABELS[name].lower()} from the list"},
    )


class FilterForm(GovukForm):
    start = forms.ChoiceField(label="From", error_messages={"invalid_choice": "Choose the first month from the list"})
    end = forms.ChoiceField(label="To", error_messages={"invalid_choice": "Choose the last month from the list"})
    legal_status = _select("legal_status")
    age_band = _select("age_band")
    sex = _select("sex")
    ethnicity_group = _select("ethnicity_group")
    placement_type = _select("placement_type")
    area = _select("area")
    risk_grade = _select("risk_grade")
    placed = forms.BooleanField(label="Include children other councils have placed in our area", required=False)
    council = forms.ChoiceField(label="Council", required=False)

    def __init__(self, data, *, scope_kind: str, today: dt.date | None = None) -> None:
        today = today or timezone.localdate()
        defaults = Filters.default(today)
        merged = {"start": f"{defaults.start:%Y-%m}", "end": f"{defaults.end:%Y-%m}"}
        merged.update({key: value for key, value in data.items() if value != ""})
        super().__init__(merged)
        months = _month_choices(today)
        cast(forms.ChoiceField, self.fields["start"]).choices = months
        cast(forms.ChoiceField, self.fields["end"]).choices = months
        self.scope_kind = scope_kind
        if scope_kind != "council":
            del self.fields["placed"]
        if scope_kind == "regional":
            councils = Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name").values_list("pk", "name")
            cast(forms.ChoiceField, self.fields["council"]).choices = [
                ("", "All councils"),
                *((str(pk), name) for pk, name in councils),
            ]
            self.fields["council"].error_messages["invalid_choice"] = "Choose a council from the list"
        else:
            del self.fields["council"]

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The last month must be the same as or after the first month")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        start = dt.date.fromisoformat(f"{data['start']}-01")
        end = dt.date.fromisoformat(f"{data['end']}-01")
        return Filters(start=start, end=end, **{name: data.get(name) or "" for name in DIMENSION_FILTERS})

    def scope_options(self) -> dict:
        data = self.cleaned_data
        options: dict = {}
        if "placed" in self.fields:
            options["include_placed"] = bool(data.get("placed"))
        if data.get("council"):
            options["council_id"] = int(data["council"])
        return options
