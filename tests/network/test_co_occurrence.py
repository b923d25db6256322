"""Issue 14: children last seen or found at the same place within hours of each other are together whether or not
their episodes overlap; the same placement is the same Ofsted URN (or postcode without one) at the time, from the
placement history; and co-occurrence weighs in the ranking, explained."""

import datetime as dt

import pytest

from children.models import PlacementHistory
from episodes.models import MissingEpisode
from network.models import ChildPersonLink, ChildPlaceLink
from network.patterns import (
    FOUND,
    PLACEMENT,
    SEEN,
    TOGETHER_CAP,
    build_network,
    children_missing_together,
    placement_setting,
)
from tests.factories import ChildFactory, EpisodeFactory

H = dt.timedelta(hours=1)
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def make(world):
    def child(**fields):
        return ChildFactory(responsible_council=world.north, **fields)

    def episode(who, seen_at, returned_at, seen="", found=""):
        return EpisodeFactory(
            child=who,
            police_force=world.police_north,
            created_by=world.users.police,
            last_seen_at=seen_at,
            reported_at=seen_at + dt.timedelta(minutes=30),
            returned_at=returned_at,
            last_seen_place=seen,
            found_place=found,
        )

    return child, episode


def _pairs(**kwargs):
    result = children_missing_together(MissingEpisode.objects.all(), now=NOW, **kwargs)
    return {(p.child_a, p.child_b): p.reasons for p in result.pairs}


def test_last_seen_at_the_same_place_within_hours_without_overlapping(make, settings):
    child, episode = make
    a, b, c, d = child(), child(), child(), child()
    start = NOW - dt.timedelta(days=3)
    episode(a, start, start + H, seen="The Arches, Northtown")  # back an hour later
    episode(b, start + 2 * H, start + 5 * H, seen="the arches northtown!")  # two hours later: together
    episode(c, start + 4 * H + dt.timedelta(minutes=1), start + 6 * H, seen="The Arches, Northtown")
    episode(d, start, start + H, seen="Home address, Northtown")  # generic: never a shared place
    episode(child(), start, start + H, seen="Home address, Northtown")
    assert _pairs() == {(a.pk, b.pk): {SEEN}}  # b and c were 2 h 01 min apart
    settings.HOMEWARD_SEEN_TOGETHER_HOURS = 3
    assert _pairs() == {(a.pk, b.pk): {SEEN}, (b.pk, c.pk): {SEEN}}
    assert _pairs(seen_within_hours=5) == {(a.pk, b.pk): {SEEN}, (a.pk, c.pk): {SEEN}, (b.pk, c.pk): {SEEN}}


def test_found_at_the_same_place_within_hours_without_overlapping(make):
    child, episode = make
    a, b = child(), child()
    start = NOW - dt.timedelta(days=3)
    episode(a, start, start + 2 * H, found="Flat 3, Mill Lane")
    episode(b, start + 3 * H, start + 4 * H, found="Flat 3 Mill Lane")  # went missing after a was found
    assert _pairs() == {(a.pk, b.pk): {FOUND}}


def test_same_placement_is_the_same_urn_or_postcode_without_one(make):
    child, episode = make
    start = NOW - dt.timedelta(days=3)
    same_urn = [child(placement_urn="SC900101", placement_postcode=code) for code in ("NM1 1AA", "NM9 9ZZ")]
    other_urn = child(placement_urn="SC900102", placement_postcode="NM1 1AA")  # another home at the same postcode
    no_urn = [child(placement_postcode="nm2 2bb"), child(placement_postcode="NM22BB")]
    for who in [*same_urn, other_urn, *no_urn]:
        episode(who, start, start + 5 * H)
    assert _pairs() == {
        (same_urn[0].pk, same_urn[1].pk): {PLACEMENT},
        (no_urn[0].pk, no_urn[1].pk): {PLACEMENT},
    }
    assert placement_setting(" sc900101", "NM1 1AA") == "urn:SC900101"
    assert placement_setting("", "nm1 1aa") == "postcode:NM11AA"
    assert placement_setting("", "") == ""


def test_same_placement_is_read_from_the_history_at_the_time(make, world):
    """a lived at the home until April, b has lived there since January: missing together in March they were
    both placed there; missing together in May they were not (a had moved)."""
    child, episode = make
    a = child(placement_urn="SC900202", placement_postcode="NM5 5EE")
    b = child(placement_urn="SC900101", placement_postcode="NM1 1AA")

    def placed(who, urn, postcode, started, ended=None):
        PlacementHistory.objects.create(
            child=who, urn=urn, postcode=postcode, council=world.north, started_on=started, ended_on=ended
        )

    placed(a, "SC900101", "NM1 1AA", dt.date(2025, 6, 1), dt.date(2026, 4, 1))
    placed(a, "SC900202", "NM5 5EE", dt.date(2026, 4, 1))
    placed(b, "SC900101", "NM1 1AA", dt.date(2026, 1, 10))
    march = dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC)
    may = dt.datetime(2026, 5, 10, 20, 0, tzinfo=dt.UTC)
    episode(a, march, march + 9 * H)
    episode(b, march + H, march + 8 * H)
    episode(a, may, may + 9 * H)
    episode(b, may + H, may + 8 * H)
    result = children_missing_together(MissingEpisode.objects.all(), now=NOW)
    assert [(p.reasons, p.seen_a) for p in result.pairs] == [({PLACEMENT}, march)]


def test_co_occurrence_weighs_in_the_ranking_decayed_and_capped(make, world):
    child, episode = make
    a, b, alone = child(), child(), child()
    for days in (10, 20, 30, 40):  # four times last seen together at the station
        seen = NOW - dt.timedelta(days=days)
        episode(a, seen, seen + H, seen="Northtown station")
        episode(b, seen + H, seen + 2 * H, seen="Northtown station")
    episode(alone, NOW - dt.timedelta(days=10), NOW - dt.timedelta(days=9), seen="Northtown station, platform 2")
    together = children_missing_together(MissingEpisode.objects.all(), now=NOW).pairs
    links = ChildPersonLink.objects.none(), ChildPlaceLink.objects.none()
    without = build_network(*links, MissingEpisode.objects.all(), now=NOW, half_life_days=10)
    network = build_network(*links, MissingEpisode.objects.all(), together=together, now=NOW, half_life_days=10)
    # 1/2 + 1/4 + 1/8 + 1/16 = 0.94 for a (b's were an hour later: just less)
    assert network.weight_of(a.pk).together == 0.94
    assert network.child_weights[a.pk] == round(without.child_weights[a.pk] + 0.94, 2)
    assert network.weight_of(alone.pk).together == 0
    assert "+ 0.94 for going missing with other children (last seen together)" in network.weight_of(a.pk).explained
    slow = build_network(*links, MissingEpisode.objects.all(), together=together, now=NOW, half_life_days=10**9)
    assert slow.weight_of(a.pk).together == TOGETHER_CAP  # four episodes, capped at 2
