"""The choice of report on the reports page: one form for a monthly report and one for an annual report.

Both are sent with GET (they hold no personal data: a council, a kind and a period). Each has its own ids
(`auto_id`), so the two can sit on one page."""

from typing import cast

from django import forms
from django.db.models import QuerySet

from core.forms import GovukForm
from reports.periods import Period, ReportKind, parse, recent_months, recent_years

PERIOD_LABELS: dict[str, str] = {ReportKind.MONTHLY: "Month", ReportKind.ANNUAL: "Year ending 31 March"}


class ReportForm(GovukForm):
    kind = forms.CharField(widget=forms.HiddenInput)
    period = forms.ChoiceField()
    council = forms.ChoiceField(label="Council", error_messages={"invalid_choice": "Choose a council from the list"})

    def __init__(self, data, *, kind: str, councils: QuerySet) -> None:
        super().__init__(data, auto_id=f"{kind}-%s", initial={"kind": kind})
        self.report_kind = kind
        periods = recent_months() if kind == ReportKind.MONTHLY else recent_years()
        self.fields["period"].label = PERIOD_LABELS[kind]
        cast(forms.ChoiceField, self.fields["period"]).choices = [(period.code, period.label) for period in periods]
        self.fields["period"].error_messages["invalid_choice"] = (
            f"Choose a {'month' if kind == ReportKind.MONTHLY else 'year'} from the list"
        )
        self.fields["period"].error_messages["required"] = self.fields["period"].error_messages["invalid_choice"]
        self.councils = {str(council.pk): council for council in councils}
        if len(self.councils) > 1:
            cast(forms.ChoiceField, self.fields["council"]).choices = [
                (pk, council.name) for pk, council in self.councils.items()
            ]
        else:
            del self.fields["council"]

    def chosen(self) -> tuple:
        """The council and the period (after is_valid)."""
        data = self.cleaned_data
        council = self.councils[data["council"]] if "council" in self.fields else next(iter(self.councils.values()))
        period: Period = parse(self.report_kind, data["period"])
        return council, period
