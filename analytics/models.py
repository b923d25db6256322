"""The dashboard's roll-ups: small summary tables kept in step with the case records.

Two *fact* tables hold one row per episode and per return interview with every dimension already worked
out (local month, hour, weekday, age band, duration band, normalised place…). They are the ledger the
roll-ups are maintained from: when an action changes a child's records, `analytics.rollups.refresh_child`
recomputes that child's facts, and the difference between the old facts and the new is added to the
summary tables in the same transaction. So the summaries never drift, and `manage.py check_rollups`
can prove it by recounting everything from the case records.

Summary tables are keyed by the filter dimensions (the `Dimensions` columns), the period and what they
count. Distinct children are not additive across months or filters, so `ChildMonthRollup` keeps one row
per child, month and key, and distinct counts are taken from it.

Counts are plain (signed) integers: an additive upsert proposes a row holding the delta, which may be negative,
and a CHECK on it would refuse the row before the conflict turns it into an update.

Councils and forces are foreign keys without database constraints: these tables are derived data, rebuilt
at will, and must not take locks on the records they summarise.
"""

from typing import Any, ClassVar

from django.db import models

from access.models import Agency
from analytics.dimensions import DurationBand
from episodes.codes import RiskGrade

NO_CONSTRAINT: dict[str, Any] = {"on_delete": models.DO_NOTHING, "db_constraint": False, "related_name": "+"}


class SummaryTable(models.Model):
    """What every summary (roll-up) table declares: the columns of its key and the measures a roll-up sums."""

    KEY: ClassVar[list[str]]
    MEASURES: ClassVar[list[str]]

    class Meta:
        abstract = True


class Dimensions(models.Model):
    """The child and episode characteristics every dashboard filter works on."""

    council = models.ForeignKey(Agency, help_text="The council responsible for the child", **NO_CONSTRAINT)
    placement_council = models.ForeignKey(
        Agency, help_text="The council whose area the child lives in", **NO_CONSTRAINT
    )
    out_of_area = models.BooleanField()
    legal_status = models.CharField(max_length=20)
    age_band = models.CharField(max_length=10)
    sex = models.CharField(max_length=1)
    ethnicity_group = models.CharField(max_length=10)
    placement_type = models.CharField(max_length=20)
    risk_grade = models.CharField(max_length=20)

    class Meta:
        abstract = True


DIMENSION_FIELDS = [
    "council_id",
    "placement_council_id",
    "out_of_area",
    "legal_status",
    "age_band",
    "sex",
    "ethnicity_group",
    "placement_type",
    "risk_grade",
]


# --- Facts: one row per episode and per interview ---------------------------------------------------


class EpisodeFact(Dimensions):
    episode_id = models.BigIntegerField(primary_key=True)
    child_id = models.BigIntegerField()
    force = models.ForeignKey(Agency, **NO_CONSTRAINT)
    month = models.DateField(help_text="The first day of the local month the child was last seen in")
    weekday = models.PositiveSmallIntegerField(help_text="Monday 0 to Sunday 6, local time, last seen")
    hour = models.PositiveSmallIntegerField(help_text="0 to 23, local time, last seen")
    duration_band = models.CharField(max_length=10)
    last_seen_place = models.CharField(max_length=120, blank=True, help_text="Normalised: what places count under")
    last_seen_as_written = models.CharField(max_length=120, blank=True, help_text="As written, without a postcode")
    last_seen_district = models.CharField(max_length=4, blank=True)
    found_place = models.CharField(max_length=120, blank=True)
    found_as_written = models.CharField(max_length=120, blank=True)
    found_district = models.CharField(max_length=4, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["child_id"]),
            models.Index(fields=["council", "month"]),
            models.Index(fields=["placement_council", "month"]),
            models.Index(fields=["force", "month"]),
            # The regional view's places and postcode districts (which no roll-up can shrink): covering
            # indexes over the rows that have one, so PostgreSQL counts a period's from the index alone.
            *(
                models.Index(
                    fields=["month", column],
                    include=["child_id", "episode_id"],
                    condition=~models.Q(**{column: ""}),
                    name=name,
                )
                for column, name in (
                    ("last_seen_place", "fact_seen_place"),
                    ("found_place", "fact_found_place"),
                    ("last_seen_district", "fact_seen_district"),
                    ("found_district", "fact_found_district"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"Facts of episode {self.episode_id}"


class InterviewFact(Dimensions):
    """A return interview, filed under the month it was due. Its age band is the child's age when the first
    episode it covers began; its risk grade the highest grade of the episodes it covers."""

    interview_id = models.BigIntegerField(primary_key=True)
    child_id = models.BigIntegerField()
    month = models.DateField(help_text="The first day of the local month the interview was due in")
    offered = models.BooleanField()
    offered_in_time = models.BooleanField()
    outcome = models.CharField(max_length=20, blank=True)
    completed = models.BooleanField()
    completed_month = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list, help_text="[kind, code] pairs, sorted")

    class Meta:
        indexes = [models.Index(fields=["child_id"]), models.Index(fields=["council", "month"])]

    def __str__(self) -> str:
        return f"Facts of return interview {self.interview_id}"


# --- Summary tables -----------------------------------------------------------------------------------


class EpisodeMonthlyRollup(Dimensions, SummaryTable):
    """Episodes by month last seen, force, duration band and every filter dimension."""

    force = models.ForeignKey(Agency, **NO_CONSTRAINT)
    month = models.DateField()
    duration_band = models.CharField(max_length=10)
    episodes = models.IntegerField()

    KEY = ["month", "force_id", *DIMENSION_FIELDS, "duration_band"]
    MEASURES = ["episodes"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "council",
                    "month",
                    "force",
                    "placement_council",
                    "out_of_area",
                    "legal_status",
                    "age_band",
                    "sex",
                    "ethnicity_group",
                    "placement_type",
                    "risk_grade",
                    "duration_band",
                ],
                name="episode_monthly_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["force", "month"]), models.Index(fields=["placement_council", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, {self.duration_band}: {self.episodes} episodes"


class EpisodeHourRollup(Dimensions, SummaryTable):
    """Episodes by the local weekday and hour the child was last seen."""

    force = models.ForeignKey(Agency, **NO_CONSTRAINT)
    month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    episodes = models.IntegerField()

    KEY = ["month", "force_id", *DIMENSION_FIELDS, "weekday", "hour"]
    MEASURES = ["episodes"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "council",
                    "month",
                    "force",
                    "placement_council",
                    "out_of_area",
                    "legal_status",
                    "age_band",
                    "sex",
                    "ethnicity_group",
                    "placement_type",
                    "risk_grade",
                    "weekday",
                    "hour",
                ],
                name="episode_hour_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["force", "month"]), models.Index(fields=["placement_council", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, day {self.weekday} hour {self.hour}: {self.episodes} episodes"


class ChildMonthRollup(Dimensions, SummaryTable):
    """Each child's episodes in a month (under one set of keys): distinct children and repeat children."""

    child_id = models.BigIntegerField()
    force = models.ForeignKey(Agency, **NO_CONSTRAINT)
    month = models.DateField()
    episodes = models.IntegerField()

    KEY = ["month", "force_id", *DIMENSION_FIELDS, "child_id"]
    MEASURES = ["episodes"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "council",
                    "month",
                    "force",
                    "placement_council",
                    "out_of_area",
                    "legal_status",
                    "age_band",
                    "sex",
                    "ethnicity_group",
                    "placement_type",
                    "risk_grade",
                    "child_id",
                ],
                name="child_month_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["force", "month"]), models.Index(fields=["placement_council", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, child {self.child_id}: {self.episodes} episodes"


class InterviewMonthlyRollup(Dimensions, SummaryTable):
    """Return interviews by the month they were due: how many were offered (in time), and their outcomes."""

    month = models.DateField()
    interviews = models.IntegerField(help_text="Interviews due")
    offered = models.IntegerField()
    offered_in_time = models.IntegerField()
    accepted = models.IntegerField()
    completed = models.IntegerField()
    declined = models.IntegerField()
    no_contact = models.IntegerField()
    not_offered = models.IntegerField()
    awaiting = models.IntegerField(help_text="No outcome recorded yet")

    KEY = ["month", *DIMENSION_FIELDS]
    MEASURES = [
        "interviews",
        "offered",
        "offered_in_time",
        "accepted",
        "completed",
        "declined",
        "no_contact",
        "not_offered",
        "awaiting",
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "council",
                    "month",
                    "placement_council",
                    "out_of_area",
                    "legal_status",
                    "age_band",
                    "sex",
                    "ethnicity_group",
                    "placement_type",
                    "risk_grade",
                ],
                name="interview_monthly_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["placement_council", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}: {self.interviews} interviews due"


class FactorMonthlyRollup(Dimensions, SummaryTable):
    """Push factors, pull factors and disclosures, by the month the interview that recorded them was held."""

    month = models.DateField()
    kind = models.CharField(max_length=20)
    code = models.CharField(max_length=30)
    interviews = models.IntegerField()

    KEY = ["month", *DIMENSION_FIELDS, "kind", "code"]
    MEASURES = ["interviews"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "council",
                    "month",
                    "placement_council",
                    "out_of_area",
                    "legal_status",
                    "age_band",
                    "sex",
                    "ethnicity_group",
                    "placement_type",
                    "risk_grade",
                    "kind",
                    "code",
                ],
                name="factor_monthly_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["placement_council", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, {self.kind} {self.code}: {self.interviews}"


# --- The national roll-ups: no filter dimensions, so a national view reads a few thousand rows -------------
# A child has one responsible council (and their facts all move with it when it changes), so distinct
# children add up across councils; they do not add up across months, so the children of a period are
# counted from `NationalChildMonth` (one row per child and month).


class NationalMonthRollup(SummaryTable):
    """Each council's episodes in a month: how many, distinct children, and by duration band and risk grade."""

    council = models.ForeignKey(Agency, **NO_CONSTRAINT)
    month = models.DateField()
    episodes = models.IntegerField()
    children = models.IntegerField(help_text="Distinct children with an episode in the month")
    under_6h = models.IntegerField()
    hours_6_24 = models.IntegerField()
    days_1_3 = models.IntegerField()
    days_3_7 = models.IntegerField()
    over_7d = models.IntegerField()
    still_open = models.IntegerField()
    no_apparent_risk = models.IntegerField()
    low = models.IntegerField()
    medium = models.IntegerField()
    high = models.IntegerField()

    KEY = ["month", "council_id"]
    DURATION_MEASURES: dict[str, str] = {
        DurationBand.UNDER_6H: "under_6h",
        DurationBand.HOURS_6_24: "hours_6_24",
        DurationBand.DAYS_1_3: "days_1_3",
        DurationBand.DAYS_3_7: "days_3_7",
        DurationBand.OVER_7D: "over_7d",
        DurationBand.OPEN: "still_open",
    }
    RISK_MEASURES = {grade.value: grade.value for grade in RiskGrade}
    MEASURES = [
        "episodes",
        "children",
        "under_6h",
        "hours_6_24",
        "days_1_3",
        "days_3_7",
        "over_7d",
        "still_open",
        "no_apparent_risk",
        "low",
        "medium",
        "high",
    ]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "council"], name="national_month_rollup_key")]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}: {self.episodes} episodes"


class NationalChildMonth(SummaryTable):
    """Each child's episodes in a month (and age band), with the child's characteristics: the period's
    distinct and repeat children, and the breakdowns by characteristic, without the filter dimensions."""

    month = models.DateField()
    child_id = models.BigIntegerField()
    council = models.ForeignKey(Agency, **NO_CONSTRAINT)
    age_band = models.CharField(max_length=10)
    legal_status = models.CharField(max_length=20)
    sex = models.CharField(max_length=1)
    ethnicity_group = models.CharField(max_length=10)
    placement_type = models.CharField(max_length=20)
    out_of_area = models.BooleanField()
    episodes = models.IntegerField()

    KEY = [
        "month",
        "child_id",
        "council_id",
        "age_band",
        "legal_status",
        "sex",
        "ethnicity_group",
        "placement_type",
        "out_of_area",
    ]
    MEASURES = ["episodes"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "child_id",
                    "council",
                    "age_band",
                    "legal_status",
                    "sex",
                    "ethnicity_group",
                    "placement_type",
                    "out_of_area",
                ],
                name="national_child_month_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, child {self.child_id}: {self.episodes} episodes"


class NationalHourRollup(SummaryTable):
    """Episodes by the local weekday and hour the child was last seen, every council together."""

    month = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    episodes = models.IntegerField()

    KEY = ["month", "weekday", "hour"]
    MEASURES = ["episodes"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "weekday", "hour"], name="national_hour_rollup_key")]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, day {self.weekday} hour {self.hour}: {self.episodes} episodes"


class NationalInterviewRollup(SummaryTable):
    """Each council's return interviews by the month they were due, without the filter dimensions: the
    national view's interview figures (the same measures as `InterviewMonthlyRollup`)."""

    council = models.ForeignKey(Agency, **NO_CONSTRAINT)
    month = models.DateField()
    interviews = models.IntegerField(help_text="Interviews due")
    offered = models.IntegerField()
    offered_in_time = models.IntegerField()
    accepted = models.IntegerField()
    completed = models.IntegerField()
    declined = models.IntegerField()
    no_contact = models.IntegerField()
    not_offered = models.IntegerField()
    awaiting = models.IntegerField(help_text="No outcome recorded yet")

    KEY = ["month", "council_id"]
    MEASURES = InterviewMonthlyRollup.MEASURES

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "council"], name="national_interview_rollup_key")]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}: {self.interviews} interviews due"


class NationalFactorRollup(SummaryTable):
    """Push factors, pull factors and disclosures by the month the interview was held, every council
    together (as `NationalHourRollup`, it answers the national view when no council is chosen)."""

    month = models.DateField()
    kind = models.CharField(max_length=20)
    code = models.CharField(max_length=30)
    interviews = models.IntegerField()

    KEY = ["month", "kind", "code"]
    MEASURES = ["interviews"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "kind", "code"], name="national_factor_rollup_key")]

    def __str__(self) -> str:
        return f"{self.month:%b %Y}, {self.kind} {self.code}: {self.interviews}"


ROLLUP_MODELS: list[type[SummaryTable]] = [
    EpisodeMonthlyRollup,
    EpisodeHourRollup,
    ChildMonthRollup,
    InterviewMonthlyRollup,
    FactorMonthlyRollup,
    NationalMonthRollup,
    NationalChildMonth,
    NationalHourRollup,
    NationalInterviewRollup,
    NationalFactorRollup,
]


class DashboardAccess(models.Model):
    """No table: only the permission that opens the regional view (see analytics.scoping.can_view_dashboard).

    Regional access is a grant to a few named people (a regional analyst, a partnership's business manager),
    not a job role, so it is a per-user permission given with `manage.py regional_access grant USERNAME`.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_regional_dashboard", "Can view the regional dashboard across every council")]

    def __str__(self) -> str:
        return "Dashboard access"
