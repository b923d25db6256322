"""A small hand-made world of looked-after children in Northmoor (LA code 901), for the 2025/26 return.

Every date is chosen to sit on or just beside a boundary the return cares about; the expected rows of
each table are written out in full in the tests.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from children.codes import Ethnicity, Sex
from episodes.codes import EpisodeType
from interviews.codes import Outcome
from returns.codes import CareLegalStatus as LS
from returns.codes import CategoryOfNeed as CIN
from returns.codes import Placement as PL
from returns.codes import PlacementProvider as PR
from returns.codes import ReasonEpisodeCeased as REC
from returns.codes import ReasonNewEpisode as RNE
from returns.codes import ReasonPlaceChange
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory
from tests.returns.factories import CareEpisodeFactory


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A local (Europe/London) time."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def missing(world, child, start: dt.datetime, end: dt.datetime | None = None, kind: str = EpisodeType.MISSING):
    return EpisodeFactory(
        child=child,
        episode_type=kind,
        last_seen_at=start,
        returned_at=end,
        police_force=world.police_north,
        created_by=world.users.police,
    )


@pytest.fixture
def care_world(world):
    north, south = world.north, world.south

    # Jordan (N000123, girl born 04/03/2011): in care since 2024, one placement change in the year.
    jordan = world.child
    jordan.mother = False
    jordan.save()
    CareEpisodeFactory(
        child=jordan,
        decom=dt.date(2024, 6, 1),
        rne=RNE.S,
        legal_status=LS.C2,
        cin=CIN.N1,
        place=PL.U6,
        place_provider=PR.PR1,
        dec=dt.date(2025, 9, 10),
        rec=REC.X1,
        reason_place_change=ReasonPlaceChange.CARPL,
        home_post="NM1 1AA",
        pl_post="NM2 2BB",
    )
    CareEpisodeFactory(
        child=jordan,
        decom=dt.date(2025, 9, 10),
        rne=RNE.P,
        legal_status=LS.C2,
        cin=CIN.N1,
        place=PL.K2,
        place_provider=PR.PR4,
        home_post="NM1 1AA",
        pl_post="NM3 3BB",
        urn="SC123456",
    )
    missing(world, jordan, at(2024, 12, 1, 20), at(2024, 12, 2, 9))  # last year: not in this return
    jordan_may = missing(world, jordan, at(2025, 5, 2, 21), at(2025, 5, 3, 10))
    jordan_march = missing(world, jordan, at(2026, 3, 30, 22), at(2026, 4, 2, 9), kind=EpisodeType.AWAY)

    # Sam (N000200, boy born 20/07/2009): went home in July 2025.
    sam = ChildFactory(
        la_child_id="N000200",
        sex=Sex.MALE,
        date_of_birth=dt.date(2009, 7, 20),
        ethnicity=Ethnicity.BCRB,
        upn="",
        responsible_council=north,
    )
    CareEpisodeFactory(
        child=sam,
        decom=dt.date(2023, 1, 15),
        rne=RNE.S,
        legal_status=LS.V2,
        cin=CIN.N4,
        place=PL.U4,
        place_provider=PR.PR1,
        dec=dt.date(2025, 7, 31),
        rec=REC.E4A,
        home_post="NM4 4DD",
        pl_post="NM5 5EE",
    )
    missing(world, sam, at(2025, 6, 14, 23), at(2025, 6, 15, 8), kind=EpisodeType.AWAY)

    # Left care on 31/03/2025, the last day of the year before: not in the 2025/26 return.
    left = ChildFactory(la_child_id="N000300", responsible_council=north)
    CareEpisodeFactory(child=left, decom=dt.date(2024, 1, 10), dec=dt.date(2025, 3, 31), rec=REC.E13)

    # Robin (N000400, girl born 02/02/2014): came into care on 31/03/2026, the last day of the year, and
    # went missing that night (23:30 British Summer Time, 22:30 UTC) until just after midnight.
    robin = ChildFactory(
        la_child_id="N000400", sex=Sex.FEMALE, date_of_birth=dt.date(2014, 2, 2), responsible_council=north
    )
    CareEpisodeFactory(
        child=robin,
        decom=dt.date(2026, 3, 31),
        rne=RNE.S,
        legal_status=LS.C1,
        cin=CIN.N1,
        place=PL.U6,
        place_provider=PR.PR1,
        home_post="NM6 6FF",
        pl_post="NM7 7GG",
    )
    missing(world, robin, at(2026, 3, 31, 23, 30), at(2026, 4, 1, 0, 10))
    missing(world, robin, at(2026, 4, 1, 0, 30), None)  # 00:30 on 1 April: next year's

    # Came into care on 01/04/2026, the first day of the next year: not in this return.
    future = ChildFactory(la_child_id="N000500", responsible_council=north)
    CareEpisodeFactory(child=future, decom=dt.date(2026, 4, 1))

    # Alex (N000600, boy born 12/12/2012): in care since January 2025, placed in Southvale, never missing.
    alex = ChildFactory(
        la_child_id="N000600",
        sex=Sex.MALE,
        date_of_birth=dt.date(2012, 12, 12),
        ethnicity=Ethnicity.MWBA,
        responsible_council=north,
        placement_council=south,
    )
    CareEpisodeFactory(
        child=alex,
        decom=dt.date(2025, 1, 1),
        rne=RNE.S,
        legal_status=LS.C2,
        cin=CIN.N1,
        place=PL.R1,
        place_provider=PR.PR4,
        home_post="NM8 8HH",
        pl_post="SV1 1JJ",
        urn="1234567",
    )

    # Southvale's child placed in Northmoor: in Southvale's return, never Northmoor's.
    CareEpisodeFactory(child=world.placed_child, decom=dt.date(2024, 9, 1))

    # Return interviews: Jordan accepted after May; was offered one after March's episode and declined.
    InterviewFactory(
        child=jordan,
        due_by=at(2025, 5, 6, 10),
        offered_at=at(2025, 5, 4, 10),
        outcome=Outcome.ACCEPTED,
        covering=[jordan_may],
    )
    InterviewFactory(
        child=jordan,
        due_by=at(2026, 4, 5, 9),
        offered_at=at(2026, 4, 3, 9),
        outcome=Outcome.DECLINED,
        covering=[jordan_march],
    )
    return SimpleNamespace(world=world, north=north, jordan=jordan, sam=sam, robin=robin, alex=alex, left=left)
