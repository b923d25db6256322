"""Planted exploitation clusters and background noise for the network app's pattern detection.

After the generator has written its children, `NetworkPlanter` adds, in bulk:
- a few planted clusters: 4 to 6 teenagers living in one or two council areas of one police force who share
  two named adults (one of them police-only intelligence in every other cluster), a takeaway where they are
  last seen and a flat where they are found, and who go missing together three times in the 90 days before
  `now` (overlapping episodes, found at the same flat within the hour, each with its return interview);
- background noise: persons of concern and places each linked to a single child.

It draws from its own `random.Random`, seeded from the generator's seed, so the generator's other rows are
exactly what they would be without it, and the same seed and `now` plant the same clusters. The planted
adults' ids come back in `PlantedNetwork`, so tests can check the detection ranks them first.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from children.codes import LegalStatus, LivingArrangement
from children.models import Child
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from episodes.models import EpisodeFoundWith, MissingEpisode, RiskGradeChange
from interviews.codes import ConsentToShare, Disclosure, FactorKind, Outcome, PullFactor
from interviews.models import InterviewFactor, ReturnInterview
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.identifiers import person_identifiers, place_identifiers
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place, RegisterIdentifier
from risk.triggers import evaluate_child
from synthetic import names

if TYPE_CHECKING:
    from synthetic.generator import ChildPlan, CouncilWorld, Generator

BATCH_SIZE = 2000
CLUSTER_SIZE = (4, 6)
EVENTS_PER_CLUSTER = 3
MAX_CLUSTERS = 6
CHILDREN_PER_CLUSTER_PLANTED = 150  # one cluster per this many children, between 1 and MAX_CLUSTERS
NOISE_PERSONS_PER_CHILD = 1 / 25
NOISE_PLACES_PER_CHILD = 1 / 30
NICKNAMES = (
    "Tiny", "Kez", "Bossman", "Uncle J", "Skinz", "Rico", "Flash", "Big T", "Ace", "Sly", "Moose", "Dex",
)  # fmt: skip
TAKEAWAYS = ("Chicken Palace", "Pizza Express Grill", "Kebab King", "Golden Fryer", "Peri Peri Hut", "Burger Barn")
CARS = ("grey Audi A3", "black BMW 1 Series", "white Ford Transit", "silver VW Golf", "blue Mercedes A-Class")
NOISE_PERSON_LABELS = (
    "{given} (peer)",
    "{given}, older friend",
    "Man in a {car}",
    "{given} from the skate park",
    "{given}'s cousin",
)
# Set on each of a cluster's links until its adults and places are saved: which of them the link points at.
TARGET_INDEX = "_target_index"

NOISE_PLACES = (
    (PlaceKind.SHOP, "Corner shop, {street}"),
    (PlaceKind.PARK, "Park off {street}"),
    (PlaceKind.TRANSPORT_HUB, "{town} bus station"),
    (PlaceKind.TAKEAWAY, "Fried chicken shop, {street}"),
    (PlaceKind.HOTEL, "{town} Travel Lodge"),
    (PlaceKind.OTHER, "Underpass by {street}"),
)
NOISE_PERSON_SOURCES = (LinkSource.SEEN_WITH, LinkSource.INTERVIEW, LinkSource.FOUND_WITH, LinkSource.POLICE_REPORT)
NOISE_PLACE_SOURCES = (LinkSource.LAST_SEEN_AT, LinkSource.FOUND_AT, LinkSource.INTERVIEW, LinkSource.OTHER)
CONFIDENCES = (Confidence.CONFIRMED, Confidence.PROBABLE, Confidence.POSSIBLE)


@dataclass
class PlantedCluster:
    force_id: int
    council_ids: list[int]
    children: list[int]
    adults: list[int]
    police_only_adults: list[int]
    places: list[int]
    episodes: list[int] = field(default_factory=list)


@dataclass
class PlantedNetwork:
    clusters: list[PlantedCluster]
    noise_persons: int = 0
    noise_places: int = 0

    @property
    def adults(self) -> set[int]:
        return {pk for cluster in self.clusters for pk in cluster.adults}


@dataclass
class _Candidate:
    pk: int
    placement_council_id: int
    responsible_council_id: int
    living: str
    born: date
    busy: list[tuple[datetime, datetime]]  # the child's episodes (last seen, returned)
    care_changes: list[date]  # the days a period of care starts or its placement or legal status changes


class NetworkPlanter:
    """Watches the generator's chunks go by, then plants clusters and noise (see the module doc)."""

    def __init__(self, generator: "Generator", seed: int) -> None:
        self.generator = generator
        self.rng = random.Random(f"network-{seed}")
        self.now = generator.now
        self.candidates: list[_Candidate] = []
        self.children: list[tuple[int, int, int, date]] = []  # pk, placement, responsible council, born

    def observe(self, plans: list["ChildPlan"]) -> None:
        """Note the children just written: every child for noise, teenagers with no open episode for clusters."""
        today = self.generator.today
        for plan in plans:
            child = plan.child
            self.children.append(
                (child.pk, child.placement_council_id, child.responsible_council_id, child.date_of_birth)
            )
            age = (today - child.date_of_birth).days / 365.25
            # Care leavers are left out: their period of care has ended, and a missing episode after it
            # would not sit inside one (the SSDA903 return's rule).
            leaver = child.legal_status == LegalStatus.CARE_LEAVER
            if 12.5 <= age < 17.5 and not leaver and all(e.returned_at for e in plan.episodes):
                busy = [(e.last_seen_at, e.returned_at) for e in plan.episodes if e.returned_at is not None]
                self.candidates.append(
                    _Candidate(
                        child.pk,
                        child.placement_council_id,
                        child.responsible_council_id,
                        child.living_arrangement,
                        child.date_of_birth,
                        busy,
                        sorted(care.decom for care in getattr(plan, "care", ())),
                    )
                )

    # Planting -----------------------------------------------------------------------------------

    def plant(self, rows: Counter) -> PlantedNetwork:
        generator = self.generator
        councils = {c.agency.pk: c for c in generator.world.councils}
        wanted = min(MAX_CLUSTERS, max(1, len(self.children) // CHILDREN_PER_CLUSTER_PLANTED))
        by_force: dict[int, list[CouncilWorld]] = {}
        for council in generator.world.councils:
            by_force.setdefault(council.force.pk, []).append(council)
        forces = sorted(by_force)
        taken: set[int] = set()
        result = PlantedNetwork(clusters=[])
        writes = _Writes()
        for number in range(wanted):
            force_id = forces[number % len(forces)]
            cluster = self._cluster(number, by_force[force_id], councils, taken, writes)
            if cluster is not None:
                result.clusters.append(cluster)
        result.noise_persons, result.noise_places = self._noise(councils, writes)
        writes.save(rows)
        for cluster, written in zip(result.clusters, writes.clusters, strict=True):
            cluster.episodes = [episode.pk for episode in written.episodes]
            cluster.adults = [person.pk for person in written.adults]
            cluster.police_only_adults = [person.pk for person in written.adults if person.police_only]
            cluster.places = [place.pk for place in written.places]
        return result

    def _events(self) -> list[datetime]:
        """Three evenings, 12 to 20 days apart, between about 85 and 20 days before now."""
        rng = self.rng
        zone = self.generator.zone
        first = self.now - timedelta(days=rng.uniform(62, 85))
        events = []
        moment = first
        for _ in range(EVENTS_PER_CLUSTER):
            local = moment.astimezone(zone)
            evening = local.replace(hour=rng.randint(18, 21), minute=rng.randrange(60), second=0, microsecond=0)
            events.append(evening.astimezone(first.tzinfo))
            moment += timedelta(days=rng.uniform(12, 20))
        return events

    def _free(self, candidate: _Candidate, events: list[datetime], span: timedelta) -> bool:
        """No episode of the child near any event: the planted episodes then never overlap the child's
        own, and each gets its own return interview (the nearest is more than the deadline away)."""
        margin = self.generator.due + timedelta(hours=6)
        zone = self.generator.zone
        for start in events:
            lo, hi = start - margin, start + span + margin
            if any(seen < hi and returned > lo for seen, returned in candidate.busy):
                return False
            # A child in care must be in care then, with no placement change while missing.
            first_day, last_day = (start - timedelta(days=1)).astimezone(zone).date(), hi.astimezone(zone).date()
            if candidate.care_changes and (
                first_day <= candidate.care_changes[0]
                or any(first_day <= d <= last_day for d in candidate.care_changes)
            ):
                return False
        return True

    def _cluster(
        self,
        number: int,
        force_councils: list["CouncilWorld"],
        councils: dict[int, "CouncilWorld"],
        taken: set[int],
        writes: "_Writes",
    ) -> PlantedCluster | None:
        rng = self.rng
        generator = self.generator
        events = self._events()
        durations = [timedelta(hours=rng.uniform(14, 30)) for _ in events]
        span = max(durations) + timedelta(hours=3)
        area_ids = {council.agency.pk for council in force_councils}
        pool = [
            c
            for c in self.candidates
            if c.placement_council_id in area_ids and c.pk not in taken and self._free(c, events, span)
        ]
        if len(pool) < CLUSTER_SIZE[0]:
            return None
        # One council area, and a second in the same force for every other cluster where there is one.
        home = Counter(c.placement_council_id for c in pool).most_common(1)[0][0]
        others = [c for c in pool if c.placement_council_id != home]
        size = rng.randint(*CLUSTER_SIZE)
        home_pool = [c for c in pool if c.placement_council_id == home]
        chosen = rng.sample(home_pool, min(size, len(home_pool)))
        if number % 2 and others and len(chosen) >= CLUSTER_SIZE[0]:
            chosen[-1] = rng.choice(others)
        if len(chosen) < CLUSTER_SIZE[0]:
            return None
        chosen.sort(key=lambda c: c.pk)
        taken.update(c.pk for c in chosen)
        council = councils[home]
        force = council.force
        loader = generator.world.loaders[force.pk]
        worker = council.social_workers[0] if council.social_workers else loader
        town = rng.choice(council.spec.towns)
        area = council.spec.postcode_area
        police_only_adult = number % 2 == 0
        nicknames = rng.sample(NICKNAMES, 2)
        adults = [
            PersonOfConcern(
                owning_agency_id=council.agency.pk,
                kind=PersonKind.ADULT,
                display_name=f"Adult known as '{nicknames[0]}'",
                aliases=f"{nicknames[0]}; {rng.choice(names.GIVEN_NAMES_MALE)}",
                description=f"Synthetic record. Man in his twenties seen with several children in {town}.",
                vehicles=f"{rng.choice(CARS)}, registration not known",
                phone_numbers=f"07700 900{rng.randrange(1000):03d}",
                born_about=generator.today.year - 24,
                created_by_id=worker.pk,
            ),
            PersonOfConcern(
                owning_agency_id=force.pk if police_only_adult else council.agency.pk,
                kind=PersonKind.ADULT,
                display_name=f"Adult known as '{nicknames[1]}'",
                description="Synthetic record. Older man named by children in return interviews.",
                phone_numbers=f"07700 900{rng.randrange(1000):03d}",
                police_only=police_only_adult,
                created_by_id=(loader if police_only_adult else worker).pk,
            ),
        ]
        takeaway_street, flat_street = generator_street(rng), generator_street(rng)
        flat_postcode = generator_postcode(rng, area)
        places = [
            Place(
                owning_agency_id=council.agency.pk,
                kind=PlaceKind.TAKEAWAY,
                name=f"{rng.choice(TAKEAWAYS)} takeaway, {town}",
                address=f"{rng.randint(2, 120)} {takeaway_street}, {town}",
                postcode=generator_postcode(rng, area),
                created_by_id=worker.pk,
            ),
            Place(
                owning_agency_id=force.pk if not police_only_adult else council.agency.pk,
                kind=PlaceKind.TRAP_HOUSE_SUSPECTED if not police_only_adult else PlaceKind.HOME_ADDRESS,
                name=f"Flat on {flat_street}, {town}",
                address=f"Flat {rng.randint(1, 12)}, {rng.randint(2, 90)} {flat_street}, {town}",
                postcode=flat_postcode,
                police_only=not police_only_adult,
                created_by_id=(loader if not police_only_adult else worker).pk,
            ),
        ]
        takeaway, flat = places
        last_seen_place = f"Outside {takeaway.name.split(',')[0]}, {takeaway_street}, {town}"
        found_place = f"{flat.address} {flat_postcode}"
        episodes: list[MissingEpisode] = []
        plan = _ClusterWrites(adults=adults, places=places)
        if number < DUPLICATE_CLUSTERS:
            writes.duplicate_persons.append(_person_twice(adults[0], force.pk, loader.pk, nicknames[0]))
            writes.duplicate_places.append(_place_twice(places[0], force.pk, loader.pk))
        for event, (start, duration) in enumerate(zip(events, durations, strict=True)):
            back = start + duration
            event_episodes: list[MissingEpisode] = []
            plan.events.append(event_episodes)
            for candidate in chosen:
                seen = start + timedelta(minutes=rng.randint(0, 90))
                returned = back + timedelta(minutes=rng.randint(0, 55))
                reported = seen + timedelta(minutes=rng.randint(30, 150))
                grade = RiskGrade.HIGH if event == EVENTS_PER_CLUSTER - 1 else RiskGrade.MEDIUM
                episode = MissingEpisode(
                    child_id=candidate.pk,
                    episode_type=EpisodeType.MISSING,
                    missing_from=MissingFrom.HOME
                    if candidate.living == LivingArrangement.HOME
                    else MissingFrom.PLACEMENT,
                    last_seen_at=seen,
                    last_seen_place=last_seen_place,
                    reported_at=reported,
                    reported_by=generator._reporter(candidate.living),
                    police_force_id=force.pk,
                    police_reference=generator._police_reference(force.pk, reported),
                    risk_grade=grade,
                    circumstances="Left with other young people after a phone call; believed to be with older males.",
                    returned_at=returned,
                    found_place=found_place,
                    found_by=FoundBy.POLICE,
                    found_with="Other missing children and an older adult",
                    harm_on_return="",
                    prevention_interview_done=True,
                    created_by_id=loader.pk,
                )
                episodes.append(episode)
                event_episodes.append(episode)
                plan.grade_changes.append(
                    RiskGradeChange(
                        episode=episode,
                        grade=grade,
                        reason="Grade at report",
                        changed_at=reported,
                        changed_by_id=loader.pk,
                    )
                )
                plan.interviews.append(self._interview(candidate, councils, episode, town))
                day = start.astimezone(generator.zone).date()
                plan.person_links.append(
                    _link(
                        ChildPersonLink,
                        candidate.pk,
                        "person",
                        0,
                        LinkSource.FOUND_WITH,
                        day,
                        Confidence.CONFIRMED,
                        force.pk,
                        loader.pk,
                        episode=episode,
                    )
                )
                plan.place_links.append(
                    _link(
                        ChildPlaceLink,
                        candidate.pk,
                        "place",
                        0,
                        LinkSource.LAST_SEEN_AT,
                        day,
                        Confidence.CONFIRMED,
                        worker.agency_id,
                        worker.pk,
                        episode=episode,
                    )
                )
                plan.place_links.append(
                    _link(
                        ChildPlaceLink,
                        candidate.pk,
                        "place",
                        1,
                        LinkSource.FOUND_AT,
                        day,
                        Confidence.CONFIRMED,
                        force.pk,
                        loader.pk,
                        episode=episode,
                        police_only=flat.police_only,
                    )
                )
                if event == 0:
                    plan.person_links.append(
                        _link(
                            ChildPersonLink,
                            candidate.pk,
                            "person",
                            1,
                            LinkSource.INTERVIEW,
                            day + timedelta(days=4),
                            Confidence.PROBABLE,
                            force.pk if police_only_adult else worker.agency_id,
                            (loader if police_only_adult else worker).pk,
                            police_only=police_only_adult,
                            interview=plan.interviews[-1][0],
                        )
                    )
        # A cross-border group still live: a child of another council seen with the adult two days ago, so both
        # councils' coordinators get the cross-border alert (network.alerts) when the alerts are raised.
        outsiders = [c for c in chosen if c.responsible_council_id != chosen[0].responsible_council_id]
        if outsiders:
            plan.person_links.append(
                _link(
                    ChildPersonLink,
                    outsiders[-1].pk,
                    "person",
                    0,
                    LinkSource.SEEN_WITH,
                    generator.today - timedelta(days=2),
                    Confidence.PROBABLE,
                    force.pk,
                    loader.pk,
                )
            )
        plan.episodes = episodes
        writes.clusters.append(plan)
        return PlantedCluster(
            force_id=force.pk,
            council_ids=sorted({c.placement_council_id for c in chosen}),
            children=[c.pk for c in chosen],
            adults=[],  # filled in once written
            police_only_adults=[],
            places=[],
        )

    def _interview(
        self, candidate: _Candidate, councils: dict[int, "CouncilWorld"], episode: MissingEpisode, town: str
    ) -> tuple[ReturnInterview, list[tuple[str, str]]]:
        """An accepted, completed interview in which the child discloses exploitation."""
        rng = self.rng
        council = councils.get(candidate.responsible_council_id) or councils[candidate.placement_council_id]
        practitioner = council.practitioners[0]
        assert episode.returned_at is not None  # candidates' episodes have all ended
        offered = episode.returned_at + timedelta(hours=rng.uniform(4, 40))
        completed = offered + timedelta(hours=rng.uniform(20, 60))
        interview = ReturnInterview(
            child_id=candidate.pk,
            due_by=episode.returned_at + self.generator.due,
            provider_id=council.provider.pk,
            assigned_to_id=practitioner.pk,
            offered_at=offered,
            offered_by=rng.choice(names.OFFERED_BY),
            outcome=Outcome.ACCEPTED,
            completed_at=completed,
            completed_by_id=practitioner.pk,
            where_stayed=f"A flat in {town} where older males gave the children food, cannabis and lifts",
            who_with="Other young people and two older men known by nicknames",
            disclosure_details=(
                "Synthetic record: the child described being given gifts and asked to carry packages; details "
                "shared with the social worker and police under the agreed lawful basis."
            ),
            childs_wishes=rng.choice(names.CHILDS_WISHES),
            actions_agreed="Referral to the exploitation team; strategy discussion requested.",
            consent_to_share=ConsentToShare.YES,
            narrative="Synthetic record. The interview covered 1 episode. The child talked about the older men.",
        )
        factors: list[tuple[str, str]] = [
            (FactorKind.PULL, PullFactor.ADULTS_GIFTS),
            (FactorKind.PULL, PullFactor.DRUGS_ALCOHOL),
            (FactorKind.DISCLOSURE, rng.choice((Disclosure.CCE, Disclosure.CSE))),
        ]
        return interview, factors

    def _noise(self, councils: dict[int, "CouncilWorld"], writes: "_Writes") -> tuple[int, int]:
        """Persons and places each linked to one child: what every real system also holds."""
        rng = self.rng
        generator = self.generator
        today = generator.today
        count_persons = max(2, round(len(self.children) * NOISE_PERSONS_PER_CHILD))
        count_places = max(2, round(len(self.children) * NOISE_PLACES_PER_CHILD))
        for index in range(count_persons + count_places):
            pk, placement, responsible, born = rng.choice(self.children)
            placed = councils[placement]
            owner = councils.get(responsible) or placed
            police_only = rng.random() < 0.15
            loader = generator.world.loaders[placed.force.pk]
            worker = owner.social_workers[0] if owner.social_workers else loader
            agency_id, user_id = (placed.force.pk, loader.pk) if police_only else (owner.agency.pk, worker.pk)
            earliest = max(born + timedelta(days=7 * 366), today - timedelta(days=700))
            day = today - timedelta(days=rng.randint(1, max(1, (today - earliest).days)))
            town = rng.choice(placed.spec.towns)
            confidence = rng.choice(CONFIDENCES)
            if index < count_persons:
                label = rng.choice(NOISE_PERSON_LABELS).format(
                    given=rng.choice(names.GIVEN_NAMES_ANY), car=rng.choice(CARS)
                )
                person_kind = PersonKind.PEER if "(peer)" in label or rng.random() < 0.5 else PersonKind.ADULT
                # A cousin who is an adult is family the child visits, not of concern: ranked at nothing.
                relationship = (
                    Relationship.PEER
                    if person_kind == PersonKind.PEER
                    else Relationship.FAMILY_CARER
                    if "cousin" in label
                    else Relationship.ADULT_OF_CONCERN
                )
                person = PersonOfConcern(
                    owning_agency_id=agency_id,
                    kind=person_kind,
                    display_name=label,
                    description="Synthetic record.",
                    police_only=police_only,
                    created_by_id=user_id,
                )
                writes.noise_persons.append(person)
                writes.noise_person_links.append(
                    ChildPersonLink(
                        child_id=pk,
                        relationship=relationship,
                        source=rng.choice(NOISE_PERSON_SOURCES),
                        linked_on=day,
                        confidence=confidence,
                        police_only=police_only,
                        owning_agency_id=agency_id,
                        recorded_by_id=user_id,
                    )
                )
            else:
                kind, pattern = rng.choice(NOISE_PLACES)
                place = Place(
                    owning_agency_id=agency_id,
                    kind=kind,
                    name=pattern.format(street=generator_street(rng), town=town),
                    postcode=generator_postcode(rng, placed.spec.postcode_area) if rng.random() < 0.7 else "",
                    police_only=police_only,
                    created_by_id=user_id,
                )
                writes.noise_places.append(place)
                writes.noise_place_links.append(
                    ChildPlaceLink(
                        child_id=pk,
                        source=rng.choice(NOISE_PLACE_SOURCES),
                        linked_on=day,
                        confidence=confidence,
                        police_only=police_only,
                        owning_agency_id=agency_id,
                        recorded_by_id=user_id,
                    )
                )
        return count_persons, count_places


def _link(model, child_id, target_field, target_index, source, day, confidence, agency_id, user_id, **extra):
    """A link to the cluster's target number `target_index`; the target's pk is filled in once it is written."""
    link = model(
        child_id=child_id,
        source=source,
        linked_on=day,
        confidence=confidence,
        owning_agency_id=agency_id,
        recorded_by_id=user_id,
        **extra,
    )
    setattr(link, TARGET_INDEX, target_index)
    return link


def generator_street(rng: random.Random) -> str:
    from synthetic.generator import street

    return street(rng)


def generator_postcode(rng: random.Random, area: str) -> str:
    from synthetic.generator import make_postcode

    return make_postcode(rng, area)


@dataclass
class _ClusterWrites:
    adults: list[PersonOfConcern]
    places: list[Place]
    episodes: list[MissingEpisode] = field(default_factory=list)
    grade_changes: list[RiskGradeChange] = field(default_factory=list)
    interviews: list[tuple[ReturnInterview, list[tuple[str, str]]]] = field(default_factory=list)
    person_links: list[ChildPersonLink] = field(default_factory=list)
    place_links: list[ChildPlaceLink] = field(default_factory=list)
    events: list[list[MissingEpisode]] = field(default_factory=list)  # the episodes of each time they went together


# The first planted clusters' main adult and takeaway are recorded a second time by the force, as happens when two
# agencies record the same man (the demo's "Possible duplicates": network.duplicates proposes each pair).
DUPLICATE_CLUSTERS = 1


def _person_twice(person: PersonOfConcern, agency_id: int, user_id: int, nickname: str) -> PersonOfConcern:
    """The same man as the force records him: his nickname, the same phone number written another way, an age
    two years off."""
    return PersonOfConcern(
        owning_agency_id=agency_id,
        kind=person.kind,
        display_name=nickname,
        phone_numbers="+44 " + person.phone_numbers[1:],
        description="Synthetic record. Recorded by the police from a stop check; the council recorded him too.",
        born_about=(person.born_about or 2000) + 2,
        created_by_id=user_id,
    )


def _place_twice(place: Place, agency_id: int, user_id: int) -> Place:
    """The same takeaway as the force records it: the same postcode, the street abbreviated."""
    return Place(
        owning_agency_id=agency_id,
        kind=place.kind,
        name=place.name.split(",")[0],
        address=place.address.replace(" Street", " St").replace(" Road", " Rd"),
        postcode=place.postcode,
        created_by_id=user_id,
    )


@dataclass
class _Writes:
    clusters: list[_ClusterWrites] = field(default_factory=list)
    duplicate_persons: list[PersonOfConcern] = field(default_factory=list)
    duplicate_places: list[Place] = field(default_factory=list)
    noise_persons: list[PersonOfConcern] = field(default_factory=list)
    noise_places: list[Place] = field(default_factory=list)
    noise_person_links: list[ChildPersonLink] = field(default_factory=list)
    noise_place_links: list[ChildPlaceLink] = field(default_factory=list)

    def save(self, rows: Counter) -> None:
        """Everything in bulk, parents first (bulk_create fills in their pks)."""
        through = ReturnInterview.episodes.through
        persons = [p for c in self.clusters for p in c.adults] + self.noise_persons + self.duplicate_persons
        places = [p for c in self.clusters for p in c.places] + self.noise_places + self.duplicate_places
        PersonOfConcern.objects.bulk_create(persons, batch_size=BATCH_SIZE)
        Place.objects.bulk_create(places, batch_size=BATCH_SIZE)
        # The partnership register's blind index, so a user can find these by phone number, name or address.
        register = [
            RegisterIdentifier(person_id=person.pk, kind=kind, digest=digest)
            for person in persons
            for kind, digest in person_identifiers(
                person.display_name, person.aliases, person.vehicles, person.phone_numbers
            )
        ] + [
            RegisterIdentifier(place_id=place.pk, kind=kind, digest=digest)
            for place in places
            for kind, digest in place_identifiers(place.address)
        ]
        RegisterIdentifier.objects.bulk_create(register, batch_size=BATCH_SIZE)
        rows[RegisterIdentifier] += len(register)
        episodes = [e for c in self.clusters for e in c.episodes]
        MissingEpisode.objects.bulk_create(episodes, batch_size=BATCH_SIZE)
        # Who each child was found with (issue 14): the other children of the group missing that time.
        found_with = [
            EpisodeFoundWith(
                episode_id=episode.pk,
                other_child_id=other.child_id,
                recorded_by_id=episode.created_by_id,
                recorded_at=episode.returned_at or episode.last_seen_at,
            )
            for c in self.clusters
            for event in c.events
            for episode in event
            for other in event
            if other.child_id != episode.child_id
        ]
        EpisodeFoundWith.objects.bulk_create(found_with, batch_size=BATCH_SIZE)
        rows[EpisodeFoundWith] += len(found_with)
        changes = [g for c in self.clusters for g in c.grade_changes]
        for change in changes:
            change.episode_id = change.episode.pk
        RiskGradeChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
        interviews = [item for c in self.clusters for item in c.interviews]
        ReturnInterview.objects.bulk_create([interview for interview, _ in interviews], batch_size=BATCH_SIZE)
        covered = [
            through(returninterview_id=interview.pk, missingepisode_id=episode.pk)
            for cluster in self.clusters
            for (interview, _), episode in zip(cluster.interviews, cluster.episodes, strict=True)
        ]
        through.objects.bulk_create(covered, batch_size=BATCH_SIZE)
        factors = [
            InterviewFactor(interview_id=interview.pk, kind=kind, code=code)
            for interview, codes in interviews
            for kind, code in codes
        ]
        InterviewFactor.objects.bulk_create(factors, batch_size=BATCH_SIZE)
        person_links: list[ChildPersonLink] = []
        place_links: list[ChildPlaceLink] = []
        for cluster in self.clusters:
            for person_link in cluster.person_links:
                person_link.person_id = cluster.adults[getattr(person_link, TARGET_INDEX)].pk
                person_links.append(person_link)
            for place_link in cluster.place_links:
                place_link.place_id = cluster.places[getattr(place_link, TARGET_INDEX)].pk
                place_links.append(place_link)
        for person, person_link in zip(self.noise_persons, self.noise_person_links, strict=True):
            person_link.person_id = person.pk
        for place, place_link in zip(self.noise_places, self.noise_place_links, strict=True):
            place_link.place_id = place.pk
        person_links += self.noise_person_links
        place_links += self.noise_place_links
        ChildPersonLink.objects.bulk_create(person_links, batch_size=BATCH_SIZE)
        ChildPlaceLink.objects.bulk_create(place_links, batch_size=BATCH_SIZE)
        rows[PersonOfConcern] += len(persons)
        rows[Place] += len(places)
        rows[MissingEpisode] += len(episodes)
        rows[RiskGradeChange] += len(changes)
        rows[ReturnInterview] += len(interviews)
        rows[through] += len(covered)
        rows[InterviewFactor] += len(factors)
        rows[ChildPersonLink] += len(person_links)
        rows[ChildPlaceLink] += len(place_links)


def raise_cross_border_alerts(now: datetime | None = None) -> int:
    """Evaluate the risk triggers of every child with a person or place link dated within the alert look-back:
    bulk writes skip the link action that would have asked, so this raises the cross-border alerts
    (network.alerts) for the planted groups still live. Returns how many alerts were raised."""
    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    linked = {
        *ChildPersonLink.objects.filter(linked_on__gte=since).values_list("child_id", flat=True),
        *ChildPlaceLink.objects.filter(linked_on__gte=since).values_list("child_id", flat=True),
    }
    children = Child.objects.filter(pk__in=sorted(linked)).order_by("pk")
    return sum(1 for child in children for alert in evaluate_child(child, now=now) if alert.kind == "cross_border_link")
