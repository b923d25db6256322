"""The synthetic demo data makes a valid SSDA903 return: every looked-after child has episodes of care
that cover their missing episodes, and Homeward's checks find nothing to fix."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from access.models import Agency, AgencyKind
from children.codes import LegalStatus
from children.models import Child
from returns.codes import PLACEMENTS_WITHOUT_PROVIDER
from returns.models import CareEpisode
from returns.periods import periods_by_child
from returns.ssda903 import build_return
from returns.validation import validate_return
from synthetic.generator import generate

# A "now" after the 2025/26 year has closed, so the whole year has happened in the generated history.
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = generate(300, seed=7, now=NOW)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def councils(generated, db):
    return list(Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("code"))


def test_every_looked_after_child_has_an_open_period_of_care_covering_their_missing_episodes(generated, db):
    assert generated.rows["care episodes"] == CareEpisode.objects.count() > 0
    looked_after = Child.objects.filter(legal_status=LegalStatus.LOOKED_AFTER)
    assert looked_after.exists()
    assert not looked_after.exclude(care_episodes__dec__isnull=True).exists()
    periods = periods_by_child(CareEpisode.objects.all())
    for child in looked_after.prefetch_related("episodes"):
        (period,) = periods[child.pk]
        assert period.is_open
        for episode in child.episodes.all():
            assert period.start <= episode.last_seen_at.date()


def test_episodes_of_care_look_real(generated, db):
    episodes = list(CareEpisode.objects.all())
    legal = Counter(e.legal_status for e in episodes)
    assert legal.most_common(1)[0][0] == "C2"
    assert Counter(e.rec for e in episodes)["X1"] > 0  # placement and legal status changes
    assert any(e.rec.startswith("E") for e in episodes)  # care leavers' care ended
    assert {e.rne for e in episodes} >= {"S", "P"}
    for episode in episodes:
        episode.full_clean()
        assert (episode.place_provider == "") == (episode.place in PLACEMENTS_WITHOUT_PROVIDER)


def test_each_councils_2025_return_passes_every_check(councils):
    totals = Counter()
    for council in councils:
        ssda = build_return(council, 2025)
        failures = validate_return(ssda)
        assert failures == [], [str(f) for f in failures[:10]]
        totals.update({name: len(rows) for name, rows in ssda.tables().items()})
    assert totals["Header"] > 20 and totals["Episodes"] > totals["Header"] and totals["Missing"] > 20


def test_export_command_writes_the_demo_return_without_failures(councils, tmp_path, capsys):
    call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(tmp_path))
    assert "check(s) failed" not in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Episodes.csv", "Header.csv", "Missing.csv"]


def test_the_periods_of_care_the_return_makes_when_asked_are_each_childs_care_up_to_the_end_of_the_year(councils):
    """`Ssda903Return.periods` makes a child's periods from the build's rows when first asked: the same periods
    as grouping the child's episodes that started by 31 March, an episode that ended after it as still open."""
    end = dt.date(2026, 3, 31)
    checked = 0
    for council in councils:
        ssda = build_return(council, 2025)
        assert list(ssda.periods) == [row["CHILD"] for row in ssda.header]
        episodes = CareEpisode.objects.filter(child__responsible_council=council, decom__lte=end).select_related(
            "child"
        )
        expected = periods_by_child(episodes)
        for child_pk, child_periods in zip(ssda.header_child_pks, ssda.periods.values(), strict=True):
            made = [(p.start, p.end, p.reason_ended, [e.pk for e in p.episodes]) for p in child_periods]
            wanted = []
            for period in expected[child_pk]:
                ended = period.end is not None and period.end <= end
                wanted.append(
                    (
                        period.start,
                        period.end if ended else None,
                        period.reason_ended if ended else "",
                        [e.pk for e in period.episodes],
                    )
                )
            assert made == wanted
            checked += 1
    assert checked > 0
