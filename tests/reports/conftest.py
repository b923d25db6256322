"""A small hand-checked data set for the partnership reports: Northmoor's children in January 2025 (a monthly
report) and in the reporting year April 2024 to March 2025 (an annual report). Times are UTC; January,
February and December are GMT, so local time is the same (June 2024 is BST, 13:00 local).

    child                  episodes (last seen)                    how long  grade   last seen / found
    A Jordan (Northmoor)   AP Sat 10 Feb 2024 12:00                 3h       medium  (previous year)
                           A0 Thu 5 Dec 2024 20:00                  5h       medium  (previous month)
                           A1 Mon 6 Jan 2025 22:30                  4h       medium  NM5 / -
                           A2 Sat 18 Jan 2025 15:00                 30h      high    NM5 / SV1
                           A3 Sat 25 Jan 2025 10:00                 2h       low
    B Bailey (Northmoor)   B0 Mon 10 Jun 2024 12:00 (13:00 BST)     1h       medium
                           B1 Mon 20 Jan 2025 21:00                 10h      medium  NM6 / -
    Casey (Southvale)      F1 Wed 15 Jan 2025 10:00                 2h       low     (another council's child)

Return interviews (by the month due): I0 for A0 (December: offered in time, accepted, completed; push
conflict); I1 for A1 (January: offered in time, accepted, completed on 9 January; push conflict, pull friends,
disclosure CCE); I2 for A2 (January: offered in time, declined); I3 for B1 (January: not offered).

January 2025 against December 2024: 4 episodes (1), 2 children (1), 1 repeat child (0) with 75.0% of episodes
(0.0%), 1 over a day (0), 1 high (0), 0 open (0); 3 interviews due (1), 66.7% offered within 72 hours (100.0%),
1 completed (1). The year to March 2025 against the year to March 2024: 6 episodes (1), 2 children (1),
1 repeat child (0) with 66.7% of episodes (0.0%); 4 interviews due (0), 75.0% offered in time, 2 completed.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from analytics.rollups import rebuild
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from episodes.codes import RiskGrade
from interviews.codes import Outcome
from reports.periods import annual, monthly
from tests.analytics.conftest import _episode, _interview
from tests.factories import ChildFactory


@pytest.fixture(autouse=True)
def report_settings(settings):
    """Pin every threshold the figures use to its documented default, whatever the environment says."""
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 3
    settings.HOMEWARD_RHI_DUE_HOURS = 72
    settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = 0
    settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN = 2
    settings.HOMEWARD_DASHBOARD_TOP_PLACES = 10
    settings.HOMEWARD_DASHBOARD_REFERRAL_DAYS = 28
    settings.HOMEWARD_REPORTS_DAY = 1
    settings.TIME_ZONE = "Europe/London"
    return settings


@pytest.fixture
def report_data(world):
    pn, ps = world.police_north, world.police_south
    police = world.users.police
    a = world.child
    b = ChildFactory(
        first_name="Bailey",
        last_name="Reportcheck",
        responsible_council=world.north,
        date_of_birth=dt.date(2014, 6, 1),
        sex=Sex.MALE,
        ethnicity=Ethnicity.BAFR,
        legal_status=LegalStatus.CHILD_IN_NEED,
        living_arrangement=LivingArrangement.HOME,
    )
    eps = SimpleNamespace(
        ap=_episode(a, pn, police, "2024-02-10T12:00", 3),
        a0=_episode(a, pn, police, "2024-12-05T20:00", 5),
        a1=_episode(a, pn, police, "2025-01-06T22:30", 4, last_seen_place="Northtown bus station NM5 3AB"),
        a2=_episode(
            a,
            pn,
            police,
            "2025-01-18T15:00",
            30,
            RiskGrade.HIGH,
            last_seen_place="Mill Lane, Northtown NM5 3AB",
            found_place="Flat in Southtown SV1 2XY",
        ),
        a3=_episode(a, pn, police, "2025-01-25T10:00", 2, RiskGrade.LOW),
        b0=_episode(b, pn, police, "2024-06-10T12:00", 1),
        b1=_episode(b, pn, police, "2025-01-20T21:00", 10, last_seen_place="Skate park NM6 1AA"),
        f1=_episode(world.south_child, ps, world.users.police_south, "2025-01-15T10:00", 2, RiskGrade.LOW),
    )
    provider = world.provider
    _interview(
        a,
        provider,
        [eps.a0],
        offered="2024-12-06T10:00",
        outcome=Outcome.ACCEPTED,
        completed="2024-12-07T10:00",
        factors=[("push", "conflict")],
    )
    _interview(
        a,
        provider,
        [eps.a1],
        offered="2025-01-08T10:00",
        outcome=Outcome.ACCEPTED,
        completed="2025-01-09T15:00",
        factors=[("push", "conflict"), ("pull", "friends"), ("disclosure", "cce")],
    )
    _interview(a, provider, [eps.a2], offered="2025-01-20T10:00", outcome=Outcome.DECLINED)
    _interview(b, provider, [eps.b1], outcome=Outcome.NOT_OFFERED, reason="REPORT-SECRET-REASON")
    rebuild()
    return SimpleNamespace(
        world=world,
        council=world.north,
        january=monthly(dt.date(2025, 1, 1)),
        year=annual(2025),
        episodes=eps,
    )
