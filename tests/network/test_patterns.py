"""Each pattern detector on a small hand-built data set, with exact expected results."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from episodes.codes import RiskGrade
from episodes.models import MissingEpisode
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from network.patterns import (
    FOUND,
    PERSON,
    PLACE,
    PLACEMENT,
    SEEN,
    build_network,
    child_weights,
    children_missing_together,
    explain_child_weights,
    hotspots,
    is_shared_place,
    normalise_place,
    postcode_district,
)
from tests.factories import ChildFactory, EpisodeFactory

H = dt.timedelta(hours=1)


@pytest.fixture
def data(world):
    now = timezone.now().replace(microsecond=0)
    start = (now - dt.timedelta(days=20)).replace(minute=0, second=0)
    police, force = world.users.police, world.police_north

    def child(name, postcode=""):
        return ChildFactory(first_name=name, responsible_council=world.north, placement_postcode=postcode)

    def episode(who, begin, end, seen, found, grade=RiskGrade.MEDIUM):
        return EpisodeFactory(
            child=who,
            police_force=force,
            created_by=police,
            last_seen_at=begin,
            reported_at=begin + dt.timedelta(minutes=30),
            returned_at=end,
            last_seen_place=seen,
            found_place=found,
            risk_grade=grade,
        )

    c = SimpleNamespace()
    for name, postcode in [("a", ""), ("b", ""), ("c", "NM1 1AA"), ("d", "nm11aa"), ("e", ""), ("f", "")]:
        setattr(c, name, child(name, postcode))
    c.g, c.h, c.x, c.y = child("g"), child("h"), child("x"), child("y")
    e = SimpleNamespace(
        a=episode(c.a, start, start + 10 * H, "Northtown bus station", "Northtown bus station"),
        b=episode(c.b, start + 2 * H, start + 11 * H, "Northtown Bus Station.", "northtown  Bus-Station!"),
        # Returned 2 h 01 min after b: not found together unless the window is widened.
        f=episode(
            c.f,
            start + 9 * H,
            start + 13 * H + dt.timedelta(minutes=1),
            "Northtown bus station",
            "Northtown bus station",
        ),
        c=episode(c.c, start + 1 * H, start + 30 * H, "Home address, Northtown", "Returned home"),
        d=episode(c.d, start + 20 * H, start + 40 * H, "Skate park, Northtown", "Returned to where they live"),
        g=episode(
            c.g, start + 25 * H, start + 50 * H, "Skate park, Northtown", "Skate park, Northtown", RiskGrade.HIGH
        ),
        e=episode(
            c.e,
            start + dt.timedelta(days=10),
            start + dt.timedelta(days=10, hours=5),
            "Corner shop, NM4 7AB",
            "Hospital",
        ),
        h=episode(c.h, start + 26 * H, start + 28 * H, "Outside Chicken Palace, nm4 9zz", "Flat, Westerleigh"),
        c_old=episode(c.c, now - dt.timedelta(days=100), now - dt.timedelta(days=99), "Old place", "Old place"),
    )
    person = PersonOfConcern.objects.create(
        owning_agency=world.north, kind=PersonKind.ADULT, display_name="P", created_by=police
    )
    ended_person = PersonOfConcern.objects.create(
        owning_agency=world.north, kind=PersonKind.ADULT, display_name="R", created_by=police
    )
    place = Place.objects.create(
        owning_agency=world.north, kind=PlaceKind.TAKEAWAY, name="Q", postcode="NM4 7AB", created_by=police
    )
    other_place = Place.objects.create(owning_agency=world.north, kind=PlaceKind.PARK, name="S", created_by=police)

    def link(model, target_field, target, who, day, confidence=Confidence.CONFIRMED, **extra):
        return model.objects.create(
            child=who,
            source=extra.pop("source", LinkSource.SEEN_WITH),
            linked_on=day,
            confidence=confidence,
            owning_agency=world.north,
            recorded_by=police,
            **{target_field: target},
            **extra,
        )

    day = timezone.localdate(start)
    link(ChildPersonLink, "person", person, c.c, day)
    link(ChildPersonLink, "person", person, c.g, day + dt.timedelta(days=1), Confidence.PROBABLE)
    link(ChildPersonLink, "person", person, c.e, timezone.localdate(e.e.last_seen_at))
    link(
        ChildPersonLink, "person", person, c.h, timezone.localdate(e.h.last_seen_at) - dt.timedelta(days=31), "possible"
    )
    link(ChildPersonLink, "person", ended_person, c.b, day, ended_at=now)
    link(ChildPlaceLink, "place", place, c.a, day, Confidence.POSSIBLE)
    link(ChildPlaceLink, "place", place, c.g, day, episode=e.g, source=LinkSource.FOUND_AT)
    link(ChildPlaceLink, "place", other_place, c.x, day)
    link(ChildPlaceLink, "place", other_place, c.y, day)
    return SimpleNamespace(
        now=now, start=start, c=c, e=e, person=person, ended_person=ended_person, place=place, other_place=other_place
    )


def _detect(data, **kwargs):
    return children_missing_together(
        MissingEpisode.objects.all(),
        ChildPersonLink.objects.all(),
        ChildPlaceLink.objects.all(),
        now=data.now,
        **kwargs,
    )


def _pairs(result):
    return {(p.child_a, p.child_b): p.reasons for p in result.pairs}


def test_normalising_place_text():
    assert normalise_place(" The Bus-Station,  Northtown! ") == "the bus station northtown"
    assert normalise_place("Fish & Chips") == "fish and chips"
    assert not is_shared_place(normalise_place("Returned home"))
    assert not is_shared_place(normalise_place("Home address, Northtown"))
    assert not is_shared_place("")
    assert is_shared_place("northtown bus station")
    assert postcode_district("Outside, nm4 9zz") == "NM4"
    assert postcode_district("NM47AB") == "NM4"
    assert postcode_district("Flat 12") == ""


def test_children_missing_together_exact(data):
    c = data.c
    result = _detect(data)
    assert _pairs(result) == {
        # Last seen at the bus station two hours apart (inclusive), and found there.
        (c.a.pk, c.b.pk): {FOUND, SEEN},
        (c.c.pk, c.d.pk): {PLACEMENT},
        (c.c.pk, c.g.pk): {PERSON},
    }
    assert [group.children for group in result.groups] == [
        sorted([c.c.pk, c.d.pk, c.g.pk]),
        sorted([c.a.pk, c.b.pk]),
    ]
    big, small = result.groups
    assert big.reasons == {PLACEMENT, PERSON} and big.persons == {data.person.pk} and big.places == set()
    assert big.episodes == sorted([data.e.c.pk, data.e.d.pk, data.e.g.pk])
    assert big.first == data.e.c.last_seen_at and big.last == data.e.g.returned_at
    assert small.reason_labels == ["Last seen together", "Found together"]


def test_found_together_window_is_inclusive_and_a_setting(data, settings):
    c = data.c
    assert (c.b.pk, c.f.pk) not in _pairs(_detect(data))
    settings.HOMEWARD_FOUND_TOGETHER_HOURS = 3
    pairs = _pairs(_detect(data))
    assert pairs[(c.b.pk, c.f.pk)] == {FOUND}
    assert (c.a.pk, c.f.pk) not in pairs  # returned 3 h 01 min apart


def test_link_window_is_a_setting(data, settings):
    c = data.c
    assert not any(c.h.pk in pair for pair in _pairs(_detect(data)))
    settings.HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS = 31
    pairs = _pairs(_detect(data))
    assert pairs[(c.c.pk, c.h.pk)] == {PERSON}
    assert pairs[(c.g.pk, c.h.pk)] == {PERSON}
    assert _detect(data, window_days=30).pairs == _detect(data, window_days=30).pairs  # deterministic
    assert not any(c.h.pk in pair for pair in _pairs(_detect(data, window_days=30)))


def test_a_shared_place_without_overlapping_episodes_is_no_pair(data):
    c = data.c
    assert not any({c.a.pk, c.g.pk} == set(pair) for pair in _pairs(_detect(data)))


def test_since_limits_the_episodes(data):
    result = _detect(data, since=data.start + 15 * H)
    # Only d, g, h and e's episodes start after it: d and g overlap but share nothing.
    assert result.pairs == []


def test_detection_is_scoped_by_the_querysets_given(data, world):
    from network.scoping import child_links_for, network_episodes_for

    south = world.users.coordinator_south
    links = child_links_for(south)
    assert children_missing_together(network_episodes_for(south), links.persons, links.places).pairs == []


def test_hotspots_exact(data):
    result = hotspots(
        MissingEpisode.objects.all(), ChildPlaceLink.objects.all(), since=data.start - dt.timedelta(days=1)
    )
    assert [(h.kind, h.key, h.label, h.children, h.episodes) for h in result.places] == [
        ("last_seen", "northtown bus station", "Northtown bus station", 3, 3),
        ("found", "northtown bus station", "Northtown bus station", 3, 3),
        ("last_seen", "skate park northtown", "Skate park, Northtown", 2, 2),
    ]
    assert [(h.key, h.children, h.episodes) for h in result.districts] == [("NM4", 3, 3)]
    bus = result.places[0]
    assert bus.first == data.e.a.last_seen_at and bus.last == data.e.f.last_seen_at
    # NM4 counts e and h (a postcode in the text) and g (found at a place in NM4 linked to the episode).
    text_only = hotspots(MissingEpisode.objects.all(), since=data.start - dt.timedelta(days=1))
    assert [(h.key, h.children) for h in text_only.districts] == [("NM4", 2)]
    # `until` and `min_children`
    later = hotspots(
        MissingEpisode.objects.all(), since=data.start + 15 * H, until=data.start + 2 * dt.timedelta(days=1)
    )
    assert [(h.kind, h.key, h.children) for h in later.places] == [("last_seen", "skate park northtown", 2)]
    everything = hotspots(MissingEpisode.objects.all(), min_children=1)
    assert ("found", "old place") in {(h.kind, h.key) for h in everything.places}


def test_network_ranking_and_clusters_exact(data):
    c = data.c
    together = _detect(data).pairs
    network = build_network(
        ChildPersonLink.objects.all(),
        ChildPlaceLink.objects.all(),
        MissingEpisode.objects.all(),
        together=together,
        now=data.now,
        half_life_days=10**9,  # no decay to speak of: every episode counts 1
    )
    # Weights: one episode each, c two (one 100 days old) → 3; g's was high risk → 5; and 1 more for each episode
    # last seen or found with another child (a, b), or missing from the same placement (c, d) at the same time.
    assert network.child_weights == {
        c.a.pk: 3,
        c.b.pk: 3,
        c.c.pk: 4,
        c.d.pk: 3,
        c.e.pk: 2,
        c.f.pk: 2,
        c.g.pk: 5,
        c.h.pk: 2,
    }
    ranking = [(r.kind, r.pk, r.score, r.children) for r in network.ranking]
    assert ranking == [
        # P: c 4*1 + g 5*0.7 + e 2*1 + h 2*0.4
        (PERSON, data.person.pk, 10.3, [c.g.pk, c.c.pk, c.e.pk, c.h.pk]),
        # Q: a 3*0.4 + g 5*1
        (PLACE, data.place.pk, 6.2, [c.g.pk, c.a.pk]),
        # S: x and y have no episodes, so weigh 1 each
        (PLACE, data.other_place.pk, 2.0, [c.x.pk, c.y.pk]),
    ]
    assert data.ended_person.pk not in {r.pk for r in network.ranked(PERSON)}
    assert [(cl.children, cl.persons, cl.places, cl.weight) for cl in network.clusters] == [
        (
            [c.g.pk, c.c.pk, c.a.pk, c.b.pk, c.d.pk, c.e.pk, c.h.pk],
            [data.person.pk],
            [data.place.pk],
            22.0,
        ),
        ([c.x.pk, c.y.pk], [], [data.other_place.pk], 2.0),
    ]
    assert [r.cluster for r in network.ranking] == [0, 0, 1]
    assert network.graph.has_edge(f"child:{c.a.pk}", f"child:{c.b.pk}")
    assert network.weight_of(c.a.pk).explained == (
        "1 + 1 from 1 episode + 1 for going missing with other children (last seen together, found together) = 3"
    )
    assert network.weight_of(c.d.pk).together_labels == ("Missing from the same placement",)
    assert network.weight_of(c.g.pk).together == 0  # linked to the same person as c: scored by the link already


def test_weights_decay_over_the_whole_history_and_are_capped(world):
    child = ChildFactory(responsible_council=world.north)
    now = timezone.now()
    for days in range(1, 8):
        EpisodeFactory(
            child=child,
            police_force=world.police_north,
            created_by=world.users.police,
            last_seen_at=now - dt.timedelta(days=days * 10),
            returned_at=now - dt.timedelta(days=days * 10 - 1),
            risk_grade=RiskGrade.HIGH if days == 1 else RiskGrade.LOW,
        )
    # Without decay: seven episodes capped at 5, and the full high-risk bonus.
    assert child_weights(MissingEpisode.objects.all(), now=now, half_life_days=10**9) == {child.pk: 1 + 5 + 3}
    # A ten-day half-life: 1/2 + 1/4 + ... + 1/128 = 0.99, and the high-risk episode 10 days ago counts 3 * 1/2.
    assert child_weights(MissingEpisode.objects.all(), now=now, half_life_days=10) == {child.pk: 3.49}
    # Nothing is cut off (a 70-day-old episode still counts), and the terms are kept for the page.
    explained = explain_child_weights(MissingEpisode.objects.all(), now=now, half_life_days=10)[child.pk]
    assert (explained.episodes, explained.decayed, explained.high_risk) == (7, 0.99, 1.5)
    assert explained.explained == "1 + 0.99 from 7 episodes + 1.5 for high risk = 3.49"


def test_the_default_half_life_is_a_setting(world, settings):
    child = ChildFactory(responsible_council=world.north)
    now = timezone.now()
    EpisodeFactory(
        child=child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=now - dt.timedelta(days=90),
        returned_at=now - dt.timedelta(days=89),
    )
    settings.HOMEWARD_NETWORK_HALF_LIFE_DAYS = 90
    assert child_weights(MissingEpisode.objects.all(), now=now) == {child.pk: 1.5}
    settings.HOMEWARD_NETWORK_HALF_LIFE_DAYS = 180
    assert child_weights(MissingEpisode.objects.all(), now=now) == {child.pk: 1.71}


def test_a_child_visiting_a_relative_is_not_ranked_and_a_planted_adult_ranks_first(world):
    """The relative is linked to a child who goes missing often, every time to the aunt's; the planted adult
    to three children who each went missing twice, four and five months ago. The adult ranks first and the relative not
    at all; a peer counts half of an adult of concern."""
    police, now = world.users.police, timezone.now()
    often = ChildFactory(responsible_council=world.north)
    group = [ChildFactory(responsible_council=world.north) for _ in range(3)]
    for days in range(1, 11):
        EpisodeFactory(
            child=often,
            police_force=world.police_north,
            created_by=police,
            last_seen_at=now - dt.timedelta(days=days * 3),
            returned_at=now - dt.timedelta(days=days * 3 - 1),
            risk_grade=RiskGrade.HIGH,
        )
    for child in group:
        for days in (120, 150):
            EpisodeFactory(
                child=child,
                police_force=world.police_north,
                created_by=police,
                last_seen_at=now - dt.timedelta(days=days),
                returned_at=now - dt.timedelta(days=days - 1),
            )

    def person(name, kind=PersonKind.ADULT):
        return PersonOfConcern.objects.create(
            owning_agency=world.north, kind=kind, display_name=name, created_by=police
        )

    aunt, adult, peer = person("Aunt"), person("Planted adult"), person("Peer", PersonKind.PEER)

    def link(child, target, relationship, day):
        ChildPersonLink.objects.create(
            child=child,
            person=target,
            relationship=relationship,
            source=LinkSource.FOUND_WITH,
            linked_on=timezone.localdate(now) - dt.timedelta(days=day),
            confidence=Confidence.CONFIRMED,
            owning_agency=world.north,
            recorded_by=police,
        )

    for days in range(1, 11):
        link(often, aunt, Relationship.FAMILY_CARER, days * 3)
    for child in group:
        link(child, adult, Relationship.ADULT_OF_CONCERN, 120)
    link(often, peer, Relationship.PEER, 3)
    link(group[0], peer, Relationship.PEER, 120)

    network = build_network(
        ChildPersonLink.objects.all(), ChildPlaceLink.objects.none(), MissingEpisode.objects.all(), now=now
    )
    ranked = network.ranked(PERSON)
    assert ranked[0].pk == adult.pk
    assert aunt.pk not in {entry.pk for entry in ranked}
    assert not network.graph.has_node(f"person:{aunt.pk}")
    # The peer links the heavy child, at half weight: below the adult of three lighter children.
    peer_entry = next(entry for entry in ranked if entry.pk == peer.pk)
    often_weight = network.child_weights[often.pk]
    assert peer_entry.score == round(0.5 * often_weight + 0.5 * network.child_weights[group[0].pk], 2)
    # Each score is explained by its terms.
    top = ranked[0]
    assert [term.child for term in top.terms] == top.children
    assert round(sum(term.contribution for term in top.terms), 2) == top.score
    assert top.terms[0].explained.endswith(f"x confirmed 1 x adult of concern 1 = {top.terms[0].contribution:g}")
    # Missing together: the aunt ties no children together (the group, last seen at the same corner shop at the
    # same moment, is together by that alone).
    pairs = children_missing_together(
        MissingEpisode.objects.all(), ChildPersonLink.objects.filter(person=aunt), now=now
    ).pairs
    assert pairs and all(pair.reasons == {SEEN} and often.pk not in (pair.child_a, pair.child_b) for pair in pairs)
