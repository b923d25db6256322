"""A small hand-checked data set for the dashboard: 6 children, 15 episodes, 9 return interviews.

Every time is explicit (UTC; January to March 2025 is GMT, so local time is the same, except episode A5 in
July 2024, which is in British Summer Time). The period the tests look at is January to March 2025; the
previous period of the same length is October to December 2024.

Northmoor is responsible for A (Jordan), B, C and D; C is placed out of area in Southvale. E (Riley) is
Southvale's child placed in Northmoor; F (Casey) is Southvale's child living in Southvale.

    child  born        sex eth   legal         lives           episodes (last seen, local)           force
    A      2011-03-04  F   WBRI  looked after  foster care     A0 Sun 1 Dec 2024 20:00, 5h            north
                                                               A1 Mon 6 Jan 22:30, 4h                 north
                                                               A2 Sat 18 Jan 15:00, 18h, high         north
                                                               A3 Mon 10 Feb 23:15, 35h, high         north
                                                               A4 Thu 20 Mar 19:00, 8 days            north
                                                               A5 Tue 2 Jul 2024 00:30 BST, 2.5h      north
    B      2014-06-01  M   BAFR  child in need at home         B1 Sat 25 Jan 21:00, 4h, low           north
                                                               B2 Mon 3 Mar 16:00, 76h                south
    C      2008-02-10  M   MWBC  looked after  children's home C1 Sat 1 Feb 02:00, 1h, low           north
                                 (placed in Southvale)         C2 Fri 14 Feb 22:00, 10h               north
                                                               C3 Sat 29 Mar 23:30, still open, high  north
    D      2016-05-05  F   AIND  not known     at home         D0 Fri 15 Nov 2024 17:00, 5h, low      north
                                                               D1 Fri 10 Jan 08:00, 12h, no risk      north
    E      2010-09-01  F   WBRI  looked after  foster care     E1 Thu 20 Feb 13:00, 5h                north
    F      2012-01-20  F   WBRI  looked after  foster care     F1 Wed 15 Jan 10:00, 2h, low           south

Grades not given are medium.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from analytics.filters import Filters, Scope
from analytics.rollups import rebuild
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from episodes.codes import FoundBy, RiskGrade
from interviews.codes import ConsentToShare, Outcome
from interviews.models import InterviewFactor
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory

PERIOD = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1))


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def analytics_settings(settings):
    """Pin every threshold the figures use to its documented default, whatever the environment says."""
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 3
    settings.HOMEWARD_RHI_DUE_HOURS = 72
    settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = 0
    settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN = 2
    settings.HOMEWARD_DASHBOARD_TOP_PLACES = 10
    settings.HOMEWARD_DASHBOARD_REFERRAL_DAYS = 28
    settings.HOMEWARD_DATA_QUALITY_OPEN_DAYS = 7
    settings.HOMEWARD_DATA_QUALITY_ACCEPTED_DAYS = 14
    settings.TIME_ZONE = "Europe/London"
    return settings


def _episode(child, force, created_by, last_seen: str, hours: float | None, grade=RiskGrade.MEDIUM, **extra):
    seen = utc(last_seen)
    fields = {"last_seen_at": seen, "reported_at": seen + dt.timedelta(minutes=30), "risk_grade": grade}
    if hours is not None:
        fields.update(
            returned_at=seen + dt.timedelta(hours=hours),
            found_by=FoundBy.POLICE,
            found_place=extra.pop("found_place", "Returned home"),
        )
    return EpisodeFactory(child=child, police_force=force, created_by=created_by, **fields, **extra)


def _interview(child, provider, episodes, *, offered=None, outcome="", completed=None, factors=(), reason=""):
    first_return = min(e.returned_at for e in episodes)
    interview = InterviewFactory(
        child=child,
        provider=provider,
        due_by=first_return + dt.timedelta(hours=72),
        offered_at=utc(offered) if offered else None,
        offered_by="Sam Practitioner" if offered else "",
        outcome=outcome,
        not_offered_reason=reason,
        completed_at=utc(completed) if completed else None,
        consent_to_share=ConsentToShare.YES if completed else "",
        covering=list(episodes),
    )
    InterviewFactor.objects.bulk_create(InterviewFactor(interview=interview, kind=k, code=c) for k, c in factors)
    return interview


@pytest.fixture
def dataset(world):
    north, south = world.north, world.south
    pn, ps = world.police_north, world.police_south
    police = world.users.police
    a = world.child  # Jordan: born 2011-03-04, F, WBRI, looked after, foster care, Northmoor
    b = ChildFactory(
        first_name="Bailey",
        last_name="Handcheck",
        responsible_council=north,
        date_of_birth=dt.date(2014, 6, 1),
        sex=Sex.MALE,
        ethnicity=Ethnicity.BAFR,
        legal_status=LegalStatus.CHILD_IN_NEED,
        living_arrangement=LivingArrangement.HOME,
    )
    c = ChildFactory(
        first_name="Cameron",
        last_name="Handcheck",
        responsible_council=north,
        placement_council=south,
        date_of_birth=dt.date(2008, 2, 10),
        sex=Sex.MALE,
        ethnicity=Ethnicity.MWBC,
        legal_status=LegalStatus.LOOKED_AFTER,
        living_arrangement=LivingArrangement.CHILDRENS_HOME,
    )
    d = ChildFactory(
        first_name="Dana",
        last_name="Handcheck",
        responsible_council=north,
        date_of_birth=dt.date(2016, 5, 5),
        sex=Sex.FEMALE,
        ethnicity=Ethnicity.AIND,
        legal_status=LegalStatus.NOT_KNOWN,
        living_arrangement=LivingArrangement.HOME,
    )
    e, f = world.placed_child, world.south_child  # Riley (Southvale's, placed in Northmoor), Casey
    eps = SimpleNamespace(
        a0=_episode(a, pn, police, "2024-12-01T20:00", 5),
        a1=_episode(a, pn, police, "2025-01-06T22:30", 4, last_seen_place="Northtown Bus Station"),
        a2=_episode(
            a,
            pn,
            police,
            "2025-01-18T15:00",
            18,
            RiskGrade.HIGH,
            last_seen_place="northtown bus station.",
            found_place="Flat on Mill Lane, Northtown NM5 3AB",
        ),
        a3=_episode(
            a,
            pn,
            police,
            "2025-02-10T23:15",
            35,
            RiskGrade.HIGH,
            last_seen_place="Retail park, Northtown",
            found_place="Flat on Mill Lane, Northtown NM5 3AB",
        ),
        a4=_episode(
            a,
            pn,
            police,
            "2025-03-20T19:00",
            8 * 24,
            last_seen_place="Northtown bus station",
            found_place="Northtown town centre",
        ),
        a5=_episode(a, pn, police, "2024-07-01T23:30", 2.5),
        b1=_episode(
            b,
            pn,
            police,
            "2025-01-25T21:00",
            4,
            RiskGrade.LOW,
            last_seen_place="Skate park, Northtown",
            found_place="Skate park Northtown",
        ),
        b2=_episode(
            b,
            ps,
            world.users.police_south,
            "2025-03-03T16:00",
            76,
            last_seen_place="Southvale railway station SV1 2XY",
            found_place="Northtown bus station",
        ),
        c1=_episode(
            c,
            pn,
            police,
            "2025-02-01T02:00",
            1,
            RiskGrade.LOW,
            last_seen_place="Northtown bus station",
            found_place="Returned to placement",
        ),
        c2=_episode(
            c,
            pn,
            police,
            "2025-02-14T22:00",
            10,
            last_seen_place="Retail park Northtown",
            found_place="Returned to placement",
        ),
        c3=_episode(c, pn, police, "2025-03-29T23:30", None, RiskGrade.HIGH, last_seen_place="Northtown bus station"),
        d0=_episode(d, pn, police, "2024-11-15T17:00", 5, RiskGrade.LOW),
        d1=_episode(
            d,
            pn,
            police,
            "2025-01-10T08:00",
            12,
            RiskGrade.NO_APPARENT_RISK,
            last_seen_place="Northmoor Primary School",
        ),
        e1=_episode(
            e, pn, police, "2025-02-20T13:00", 5, last_seen_place="Northtown bus station", found_place="Bus station"
        ),
        f1=_episode(
            f, ps, world.users.police_south, "2025-01-15T10:00", 2, RiskGrade.LOW, last_seen_place="Southvale park"
        ),
    )
    provider = world.provider
    interviews = SimpleNamespace(
        a0=_interview(
            a,
            provider,
            [eps.a0],
            offered="2024-12-03T10:00",
            outcome=Outcome.ACCEPTED,
            completed="2024-12-04T10:00",
            factors=[("push", "conflict")],
        ),
        a1=_interview(
            a,
            provider,
            [eps.a1],
            offered="2025-01-08T10:00",
            outcome=Outcome.ACCEPTED,
            completed="2025-01-09T15:00",
            factors=[("push", "conflict"), ("pull", "friends")],
        ),
        a2=_interview(  # covers A2 and A3; offered after it was due
            a,
            provider,
            [eps.a2, eps.a3],
            offered="2025-01-25T09:00",
            outcome=Outcome.ACCEPTED,
            completed="2025-02-13T12:00",
            factors=[("push", "conflict"), ("pull", "adults_gifts"), ("disclosure", "cce")],
        ),
        b1=_interview(b, provider, [eps.b1], offered="2025-01-27T10:00", outcome=Outcome.DECLINED),
        c1=_interview(c, provider, [eps.c1], outcome=Outcome.NOT_OFFERED, reason="Moved placement that day"),
        d1=_interview(d, provider, [eps.d1], offered="2025-01-12T09:00"),
        a4=_interview(a, provider, [eps.a4]),
        c2=_interview(c, provider, [eps.c2], offered="2025-02-16T10:00", outcome=Outcome.NO_CONTACT),
        b2=_interview(
            b,
            provider,
            [eps.b2],
            offered="2025-03-07T10:00",
            outcome=Outcome.ACCEPTED,
            completed="2025-03-08T11:00",
            factors=[("push", "bullying"), ("pull", "friends"), ("disclosure", "cce"), ("disclosure", "online_harm")],
        ),
    )
    rebuild()
    return SimpleNamespace(
        world=world,
        children=SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f),
        episodes=eps,
        interviews=interviews,
        north=Scope("council", name=north.name, agency_id=north.pk),
        north_with_placed=Scope("council", name=north.name, agency_id=north.pk, include_placed=True),
        police_north=Scope("police", name=pn.name, agency_id=pn.pk),
        police_south=Scope("police", name=ps.name, agency_id=ps.pk),
        regional=Scope("regional", name="All councils"),
        period=PERIOD,
    )


CHILD_NAMES = ["Jordan", "Example", "Riley", "Sample", "Casey", "Outside", "Bailey", "Cameron", "Dana", "Handcheck"]
