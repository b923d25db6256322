"""The synthetic generator plants exploitation clusters; the pattern detection finds them and ranks the
planted adults first, scoped as a police user or a council user would see them."""

import datetime as dt

import pytest
from django.db import transaction

from access.models import Agency, Role
from episodes.models import EpisodeFoundWith, MissingEpisode
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern
from network.patterns import PERSON, build_network, children_missing_together, hotspots
from network.scoping import child_links_for, network_episodes_for
from synthetic.generator import generate
from synthetic.network import DUPLICATE_CLUSTERS
from tests.factories import UserFactory

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def planted(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = generate(500, seed=4242, now=NOW)
        yield report
        transaction.set_rollback(True)


def _all():
    return MissingEpisode.objects.all(), ChildPersonLink.objects.all(), ChildPlaceLink.objects.all()


def test_the_generator_plants_clusters_and_noise(planted):
    network = planted.network
    assert len(network.clusters) >= 3
    for cluster in network.clusters:
        assert 4 <= len(cluster.children) <= 6
        assert len(cluster.adults) == 2 and len(cluster.places) == 2
        assert len(cluster.episodes) == 3 * len(cluster.children)
        assert len(cluster.council_ids) in (1, 2)
        names = PersonOfConcern.objects.filter(pk__in=cluster.adults).values_list("display_name", flat=True)
        assert all(name.startswith("Adult known as '") for name in names)
    assert any(cluster.police_only_adults for cluster in network.clusters)
    assert network.noise_persons == 20 and network.noise_places == 17
    expected = 20 + 2 * len(network.clusters) + DUPLICATE_CLUSTERS  # the first cluster's adult recorded twice
    assert planted.rows["persons of concern"] == PersonOfConcern.objects.count() == expected


def test_the_first_clusters_adult_and_takeaway_are_proposed_as_duplicates_to_the_force(planted):
    from network.duplicates import SAME_NAME, SAME_PHONE, SIMILAR_AT_POSTCODE, person_proposals, place_proposals

    cluster = planted.network.clusters[0]
    officer = UserFactory(agency=Agency.objects.get(pk=cluster.force_id), roles=[Role.POLICE])
    persons = {p.first.pk: p for p in person_proposals(officer)} | {p.second.pk: p for p in person_proposals(officer)}
    adult = persons[cluster.adults[0]]
    assert {SAME_NAME, SAME_PHONE} <= adult.reasons
    assert adult.first.owning_agency_id != adult.second.owning_agency_id
    places = [p for p in place_proposals(officer) if cluster.places[0] in (p.first.pk, p.second.pk)]
    assert len(places) == 1 and SIMILAR_AT_POSTCODE in places[0].reasons


def test_missing_together_finds_every_planted_cluster(planted):
    result = children_missing_together(*_all(), now=NOW)
    groups = [set(group.children) for group in result.groups]
    for cluster in planted.network.clusters:
        assert any(set(cluster.children) <= group for group in groups), cluster.children
        pairs = [p for p in result.pairs if {p.child_a, p.child_b} <= set(cluster.children)]
        reasons = set().union(*(p.reasons for p in pairs))
        assert {"found", "person", "place"} <= reasons


def test_the_network_ranks_the_planted_adults_first(planted):
    episodes, person_links, place_links = _all()
    together = children_missing_together(episodes, person_links, place_links, now=NOW).pairs
    network = build_network(person_links, place_links, episodes, together=together, now=NOW)
    adults = planted.network.adults
    top = [entry.pk for entry in network.ranked(PERSON)[: len(adults)]]
    assert set(top) == adults
    top_places = {entry.pk for entry in network.ranked("place")[: 2 * len(planted.network.clusters)]}
    assert top_places == {pk for cluster in planted.network.clusters for pk in cluster.places}
    clusters = [set(cluster.children) for cluster in network.clusters]
    for cluster in planted.network.clusters:
        assert any(set(cluster.children) <= found for found in clusters)


def test_hotspots_show_the_planted_flats(planted):
    found = hotspots(MissingEpisode.objects.all(), ChildPlaceLink.objects.all(), since=NOW - dt.timedelta(days=120))
    found_places = {(spot.kind, spot.children) for spot in found.places[:20]}
    for cluster in planted.network.clusters:
        assert ("found", len(cluster.children)) in found_places


def test_scoped_detection_for_the_force_and_a_council(planted):
    cluster = next(c for c in planted.network.clusters if c.police_only_adults)
    force = Agency.objects.get(pk=cluster.force_id)
    officer = UserFactory(agency=force, roles=[Role.POLICE])
    links = child_links_for(officer)
    episodes = network_episodes_for(officer)
    together = children_missing_together(episodes, links.persons, links.places, now=NOW).pairs
    network = build_network(links.persons, links.places, episodes, together=together, now=NOW)
    ranked = [entry.pk for entry in network.ranked(PERSON)]
    force_adults = {pk for c in planted.network.clusters if c.force_id == force.pk for pk in c.adults}
    assert set(ranked[: len(force_adults)]) == force_adults
    council = Agency.objects.get(pk=cluster.council_ids[0])
    coordinator = UserFactory(agency=council, roles=[Role.COORDINATOR])
    links = child_links_for(coordinator)
    network = build_network(links.persons, links.places, network_episodes_for(coordinator), now=NOW)
    seen = {entry.pk for entry in network.ranked(PERSON)}
    assert not seen & set(cluster.police_only_adults)
    assert set(cluster.adults) - set(cluster.police_only_adults) <= seen


def test_the_planted_cross_border_groups_raise_their_alert_naming_no_child(planted):
    from children.models import Child
    from risk.models import Alert
    from synthetic.network import raise_cross_border_alerts

    assert raise_cross_border_alerts(NOW) >= 1
    alerts = list(Alert.objects.filter(kind="cross_border_link").select_related("child"))
    assert alerts and all(alert.for_role == "coordinator" for alert in alerts)
    names = set(Child.objects.values_list("first_name", flat=True)) | set(
        Child.objects.values_list("last_name", flat=True)
    )
    for alert in alerts:
        assert "of another council. Contact " in alert.detail
        assert not any(f" {name} " in f" {alert.detail} " for name in names if len(name) > 2)
    assert raise_cross_border_alerts(NOW) == 0  # once per child and person


def test_the_force_picture_finds_each_planted_group_whole_and_ranks_its_adults_first(planted):
    from network.partnership import partnership_picture

    for force_id in sorted({c.force_id for c in planted.network.clusters}):
        officer = UserFactory(agency=Agency.objects.get(pk=force_id), roles=[Role.POLICE])
        picture = partnership_picture(officer, rows=200)
        clusters = [c for c in planted.network.clusters if c.force_id == force_id]
        shown = {row.record.pk for row in picture.persons if row.record is not None}
        # The force's own groups are in its picture; a group planted in another force's area may be too, when
        # some of its children are this force's (placed out of area): every planted adult shown ranks above
        # every other person.
        planted_adults = {pk for c in planted.network.clusters for pk in c.adults}
        assert {pk for c in clusters for pk in c.adults} <= shown
        adults = planted_adults & shown
        top = {row.record.pk for row in picture.persons[: len(adults)] if row.record is not None}
        assert top == adults
        for cluster in clusters:
            # The group's adults sit in one group of the picture holding every one of its children, named or counted.
            assert any(
                set(cluster.adults) <= {p.pk for p in group["persons"]} and group["count"] >= len(cluster.children)
                for group in picture.clusters
            ), cluster


def test_planted_clusters_record_who_each_child_was_found_with(planted):
    for cluster in planted.network.clusters:
        members = set(cluster.children)
        links = EpisodeFoundWith.objects.filter(episode__child_id__in=members)
        assert links.exists()
        assert set(links.values_list("other_child_id", flat=True)) <= members


def test_children_in_homes_are_placed_at_invented_homes_with_history_and_grouped_by_urn(planted):
    """Children whose care is in a children's home live at invented homes (URNs SC990000 to SC999999 only),
    several a home, with the history, the care episode and the child agreeing; the pattern groups them by URN."""
    from collections import Counter

    from children.models import Child, PlacementHistory
    from network.patterns import PLACEMENT
    from returns.models import CareEpisode

    placed = Child.objects.exclude(placement_urn="")
    urns = Counter(placed.values_list("placement_urn", flat=True))
    assert placed.count() >= 20 and all(990000 <= int(urn[2:]) <= 999999 for urn in urns)
    assert max(urns.values()) >= 3  # several children a home
    assert planted.rows["placement history rows"] == PlacementHistory.objects.count() > placed.count()
    for child in placed:
        current = PlacementHistory.objects.get(child=child, ended_on__isnull=True)
        assert (current.urn, current.postcode, current.provider) == (
            child.placement_urn,
            child.placement_postcode,
            child.placement_provider,
        )
        assert child.placement_provider.endswith("(synthetic)")
        assert CareEpisode.objects.get(child=child, dec__isnull=True).urn == child.placement_urn
    moved = PlacementHistory.objects.filter(ended_on__isnull=False)
    assert moved.exists() and all(990000 <= int(row.urn[2:]) <= 999999 for row in moved)
    pairs = [p for p in children_missing_together(MissingEpisode.objects.all()).pairs if PLACEMENT in p.reasons]
    assert pairs
    children = Child.objects.in_bulk({c for p in pairs for c in (p.child_a, p.child_b)})
    history = list(PlacementHistory.objects.filter(child__in=children.values()))

    def home_on(pk, day):
        rows = [r.urn for r in history if r.child_id == pk and r.started_on <= day and (r.ended_on or day) >= day]
        return rows[0] if rows else children[pk].placement_urn

    by_urn = [p for p in pairs if home_on(p.child_a, p.seen_a.date()) == home_on(p.child_b, p.seen_b.date()) != ""]
    assert by_urn  # children at the same invented home at the time, missing together
