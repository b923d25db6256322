"""The national loader (synthetic.national) and the national roll-ups it feeds, at a small size on either database."""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from access.models import Agency, AgencyKind
from analytics import figures, rollups
from analytics.filters import Filters, Scope
from analytics.models import (
    ChildMonthRollup,
    EpisodeFact,
    EpisodeMonthlyRollup,
    FactorMonthlyRollup,
    InterviewFact,
    InterviewMonthlyRollup,
    NationalFactorRollup,
    NationalInterviewRollup,
    NationalMonthRollup,
)
from analytics.tables import all_tables
from children.codes import Sex
from children.models import Child
from episodes.actions import change_risk_grade
from episodes.codes import RiskGrade
from episodes.models import MissingEpisode
from interviews.actions import record_interview, record_offer
from interviews.codes import ConsentToShare, FactorKind, Outcome, PushFactor
from interviews.models import ReturnInterview
from returns.models import CareEpisode
from synthetic.national import OPTIONAL_FREE_TEXT, generate_national, national_specs

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)
CHILDREN = 150


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """150 children over ten years for 6 invented councils and 2 forces; the loader writes their facts and
    regroups the roll-ups itself (no rebuild)."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = generate_national(CHILDREN, seed=5, councils=6, forces=2, now=NOW)
        yield report
        transaction.set_rollback(True)


def test_national_agencies_are_invented_and_in_england_and_wales_numbers():
    councils, forces = national_specs()
    assert (len(councils), len(forces)) == (175, 43)
    assert len({c.code for c in councils}) == 175 and all(int(c.code) < 201 for c in councils)  # no real LA code
    assert len({c.name for c in councils}) == 175 and len({f.name for f in forces}) == 43
    assert {c.force_code for c in councils} == {f.code for f in forces}
    assert all(not c.postcode_area.startswith("JE") for c in councils)
    assert national_specs() == (councils, forces)  # the same every time


@pytest.mark.django_db
def test_the_loader_writes_the_children_asked_for_over_the_years(loaded):
    assert loaded.children == CHILDREN
    assert Child.objects.count() == CHILDREN
    assert loaded.rows["missing episodes"] == MissingEpisode.objects.count() >= CHILDREN
    assert Agency.objects.filter(kind=AgencyKind.COUNCIL).count() == 6
    assert Agency.objects.filter(kind=AgencyKind.POLICE).count() == 2
    seen = MissingEpisode.objects.values_list("last_seen_at", flat=True)
    assert min(seen) < NOW - dt.timedelta(days=3 * 365)  # spread over the ten years, not the usual two
    assert max(seen) <= NOW
    assert EpisodeFact.objects.count() == MissingEpisode.objects.count()
    assert rollups.differences() == []  # the facts written from memory equal a recount from the tables
    assert set(loaded.phases) == {"agencies", "drawing", "rows", "facts", "networks", "summaries"}


@pytest.mark.django_db
def test_optional_free_text_is_left_empty_and_required_text_kept(loaded):
    # The planted exploitation clusters' few episodes and interviews keep what the network's patterns read.
    planted = [child for cluster in loaded.network.clusters for child in cluster.children]
    assert planted
    blank = dict.fromkeys(OPTIONAL_FREE_TEXT[ReturnInterview], "")
    assert not ReturnInterview.objects.exclude(child_id__in=planted).exclude(**blank).exists()
    episodes = MissingEpisode.objects.exclude(child_id__in=planted)
    assert not episodes.exclude(**dict.fromkeys(OPTIONAL_FREE_TEXT[MissingEpisode], "")).exists()
    not_offered = ReturnInterview.objects.filter(outcome=Outcome.NOT_OFFERED)
    assert not_offered.exists() and all(interview.not_offered_reason for interview in not_offered)
    disclosed = ReturnInterview.objects.filter(factors__kind=FactorKind.DISCLOSURE).distinct()
    assert disclosed.exists() and all(interview.disclosure_details for interview in disclosed)


@pytest.mark.django_db
def test_missing_periods_sit_inside_periods_of_care(loaded):
    zone = ZoneInfo(settings.TIME_ZONE)
    care: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for child_id, decom, dec in CareEpisode.objects.values_list("child_id", "decom", "dec"):
        care.setdefault(child_id, []).append((decom, dec))
    assert care, "some looked-after children have periods of care"
    checked = 0
    for child_id, last_seen, returned in MissingEpisode.objects.filter(child_id__in=care).values_list(
        "child_id", "last_seen_at", "returned_at"
    ):
        began = min(decom for decom, _ in care[child_id])
        ends = [dec for _, dec in care[child_id]]
        ended = None if None in ends else max(ends)
        assert began <= last_seen.astimezone(zone).date()
        if ended is not None:
            assert returned is not None and returned.astimezone(zone).date() <= ended
        checked += 1
    assert checked


@pytest.mark.django_db
def test_the_loader_is_deterministic_for_a_seed():
    def load() -> list[tuple]:
        with transaction.atomic():
            generate_national(40, seed=9, councils=3, forces=1, now=NOW)
            rows = list(
                MissingEpisode.objects.order_by("last_seen_at", "police_reference").values_list(
                    "child__la_child_id", "last_seen_at", "returned_at", "risk_grade", "police_reference"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = load()
    assert first and load() == first


@pytest.mark.django_db
def test_national_rollups_follow_an_action_and_equal_a_recount(loaded, world):
    episode = MissingEpisode.objects.filter(returned_at__isnull=True).order_by("pk").first()
    old_grade = episode.risk_grade
    new_grade = RiskGrade.LOW if old_grade == RiskGrade.HIGH else RiskGrade.HIGH
    fact = EpisodeFact.objects.get(pk=episode.pk)
    row = NationalMonthRollup.objects.get(month=fact.month, council_id=fact.council_id)
    change_risk_grade(
        episode,
        grade=new_grade,
        reason="New information",
        expected_version=episode.version,
        acting_user=world.users.police,
    )
    after = NationalMonthRollup.objects.get(pk=row.pk)
    assert getattr(after, old_grade) == getattr(row, old_grade) - 1
    assert getattr(after, new_grade) == getattr(row, new_grade) + 1
    assert (after.episodes, after.still_open) == (row.episodes, row.still_open)
    assert rollups.differences() == []


@pytest.mark.django_db
def test_the_national_view_reads_the_national_rollups_when_no_filter_is_set(loaded, monkeypatch):
    filters = Filters(start=dt.date(2016, 1, 1), end=dt.date(2026, 2, 1))
    scope = Scope("regional", name="All councils")
    assert figures.national(scope, filters)
    assert not figures.national(scope, Filters(start=filters.start, end=filters.end, sex=Sex.FEMALE))
    assert not figures.national(Scope("council", name="A council", agency_id=1), filters)
    national_tables = {slug: table.rows for slug, table in all_tables(scope, filters).items()}
    monkeypatch.setattr(figures, "national", lambda scope, filters: False)
    filtered_tables = {slug: table.rows for slug, table in all_tables(scope, filters).items()}
    assert national_tables == filtered_tables  # the same figures from either set of roll-ups
    monkeypatch.undo()
    EpisodeMonthlyRollup.objects.all().delete()
    ChildMonthRollup.objects.all().delete()
    by_month = figures.episodes_by_month(scope, filters)
    assert sum(row["episodes"] for row in by_month) == EpisodeFact.objects.filter(filters.q()).count() > 0


@pytest.mark.django_db
def test_national_interview_rollups_follow_an_offer_and_equal_a_recount(loaded, world):
    interview = ReturnInterview.objects.filter(outcome="", offered_at__isnull=True).order_by("pk").first()
    fact = InterviewFact.objects.get(pk=interview.pk)
    row = NationalInterviewRollup.objects.get(month=fact.month, council_id=fact.council_id)
    record_offer(
        interview,
        outcome=Outcome.DECLINED,
        offered_at=interview.due_by - dt.timedelta(hours=1),
        offered_by="Return interview worker",
        expected_version=interview.version,
        acting_user=world.users.admin,
    )
    after = NationalInterviewRollup.objects.get(pk=row.pk)
    assert (after.offered, after.offered_in_time, after.declined) == (
        row.offered + 1,
        row.offered_in_time + 1,
        row.declined + 1,
    )
    assert (after.awaiting, after.interviews) == (row.awaiting - 1, row.interviews)
    assert rollups.differences() == []


@pytest.mark.django_db
def test_national_factor_rollup_is_the_filtered_one_without_its_dimensions(loaded):
    national = Counter(
        {(m, k, c): n for m, k, c, n in NationalFactorRollup.objects.values_list("month", "kind", "code", "interviews")}
    )
    filtered: Counter = Counter()
    for month, kind, code, n in FactorMonthlyRollup.objects.values_list("month", "kind", "code", "interviews"):
        filtered[(month, kind, code)] += n
    assert national and national == filtered
    interviews: Counter = Counter()
    for row in InterviewMonthlyRollup.objects.values("month", "council_id", *InterviewMonthlyRollup.MEASURES):
        key = (row.pop("month"), row.pop("council_id"))
        interviews.update({(key, measure): n for measure, n in row.items()})
    stored = Counter()
    for row in NationalInterviewRollup.objects.values("month", "council_id", *NationalInterviewRollup.MEASURES):
        key = (row.pop("month"), row.pop("council_id"))
        stored.update({(key, measure): n for measure, n in row.items()})
    assert +stored == +interviews


@pytest.mark.django_db
def test_the_national_page_reads_interviews_and_factors_from_the_national_tables(loaded):
    filters = Filters(start=dt.date(2016, 1, 1), end=dt.date(2026, 2, 1))
    scope = Scope("regional", name="All councils")
    filtered_tables = {InterviewMonthlyRollup._meta.db_table, FactorMonthlyRollup._meta.db_table}
    with CaptureQueriesContext(connection) as queries:
        all_tables(scope, filters)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert not any(table in read for table in filtered_tables)
    assert NationalInterviewRollup._meta.db_table in read and NationalFactorRollup._meta.db_table in read


@pytest.mark.django_db
def test_national_factor_rollup_follows_a_recorded_interview_and_equals_a_recount(loaded, world):
    interview = (
        ReturnInterview.objects.filter(outcome=Outcome.ACCEPTED, completed_at__isnull=True).order_by("pk").first()
    )
    completed_at = max(interview.offered_at, interview.due_by) + dt.timedelta(hours=2)
    month = completed_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date().replace(day=1)

    def count(code: str) -> int:
        row = NationalFactorRollup.objects.filter(month=month, kind=FactorKind.PUSH, code=code).first()
        return row.interviews if row else 0

    code = PushFactor.CONFLICT
    before = count(code)
    record_interview(
        interview,
        completed_at=completed_at,
        episode_ids=interview.episodes.values_list("pk", flat=True),
        consent_to_share=ConsentToShare.YES,
        expected_version=interview.version,
        acting_user=world.users.admin,
        push_factors=[code],
    )
    assert count(code) == before + 1
    assert rollups.differences() == []
