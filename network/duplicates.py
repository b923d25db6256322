"""Likely duplicates in the partnership register: pairs of persons or of places that may be one record twice,
each with the reasons it was proposed. An authorised user (`network.scoping.can_merge_register`) compares a pair
and merges it (`network.actions.merge_persons`, `merge_places`) or says it is not a duplicate
(`network.actions.dismiss_duplicate`, never proposed again).

Only records the user may merge are looked at (`mergeable_persons_for`, `mergeable_places_for`: the unmerged
records of the register they may find), and a police-only record is never paired with one every agency may see.
The work is grouped by key, never every record against every other:

- persons: the same phone number or vehicle registration (the blind index, `RegisterIdentifier`: rows sharing a
  digest, found by the database), or the same name or alias (also a digest) with approximate birth years within
  `AGE_TOLERANCE_YEARS` of each other (a name shared by more than `MAX_GROUP` records is too common to propose on);
- places: the same address (the address digest), or the same postcode and a similar address or name (the
  addresses are encrypted, so only the places sharing a postcode are decrypted and compared).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from django.db.models import Count, QuerySet

from access.models import User
from network import identifiers
from network.actions import AGE_TOLERANCE_YEARS
from network.models import NotDuplicate, PersonOfConcern, Place, RegisterIdentifier
from network.scoping import mergeable_persons_for, mergeable_places_for

PERSON = "person"
PLACE = "place"
# A key (a name, a postcode) shared by more records than this proposes nothing: it is too common to mean much,
# and pairing every record with every other would grow with its square.
MAX_GROUP = 25
# How alike two addresses (or names) at one postcode must be, 0 to 1 (difflib's ratio of the normalised words).
SIMILAR_ADDRESS = 0.8

SAME_PHONE = "Same phone number"
SAME_VEHICLE = "Same vehicle registration"
SAME_NAME = f"Same name or alias, born within {AGE_TOLERANCE_YEARS} years"
SAME_ADDRESS = "Same address"
SIMILAR_AT_POSTCODE = "Same postcode and a similar address or name"


@dataclass
class Proposal:
    """Two records that may be one, lowest id first, and why they were proposed."""

    kind: str
    first: Any
    second: Any
    reasons: set[str] = field(default_factory=set)

    @property
    def reason_list(self) -> list[str]:
        return sorted(self.reasons)


def _pairs(ids: Iterable[int]) -> Iterable[tuple[int, int]]:
    return combinations(sorted(set(ids)), 2)


def _shared_digests(rows: QuerySet[RegisterIdentifier], target: str, kinds: list[str]) -> dict[tuple, list[int]]:
    """(kind, digest) -> the records holding it, for the digests at least two records hold."""
    shared = (
        rows.filter(kind__in=kinds)
        .values("kind", "digest")
        .annotate(records=Count(target, distinct=True))
        .filter(records__gt=1, records__lte=MAX_GROUP)
        .values_list("kind", "digest")
    )
    wanted = {(kind, digest) for kind, digest in shared}
    groups: dict[tuple, list[int]] = {}
    if not wanted:
        return groups
    for kind, digest, pk in rows.filter(digest__in={d for _, d in wanted}).values_list("kind", "digest", target):
        if (kind, digest) in wanted:
            groups.setdefault((kind, digest), []).append(pk)
    return groups


def _dismissed(kind: str) -> set[tuple[int, int]]:
    first, second = f"first_{kind}_id", f"second_{kind}_id"
    return set(NotDuplicate.objects.filter(**{f"{first}__isnull": False}).values_list(first, second))


def _proposals(kind: str, found: dict[tuple[int, int], set[str]], records: QuerySet) -> list[Proposal]:
    dismissed = _dismissed(kind)
    wanted = {pair: reasons for pair, reasons in found.items() if pair not in dismissed}
    loaded = {
        r.pk: r for r in records.filter(pk__in={pk for pair in wanted for pk in pair}).select_related("owning_agency")
    }
    proposals = [
        Proposal(kind, loaded[a], loaded[b], reasons)
        for (a, b), reasons in wanted.items()
        if a in loaded and b in loaded and loaded[a].police_only == loaded[b].police_only
    ]
    return sorted(proposals, key=lambda p: (-len(p.reasons), str(p.first).lower(), p.first.pk, p.second.pk))


def _born_close(first: int | None, second: int | None) -> bool:
    """Both approximate birth years known, and within AGE_TOLERANCE_YEARS: a name alone proposes nothing."""
    return first is not None and second is not None and abs(first - second) <= AGE_TOLERANCE_YEARS


def person_proposals(user: User) -> list[Proposal]:
    """Likely duplicate persons among those the user may merge (none for anyone else)."""
    persons = mergeable_persons_for(user)
    rows = RegisterIdentifier.objects.filter(person__in=persons.values("pk"))
    found: dict[tuple[int, int], set[str]] = {}
    groups = _shared_digests(rows, "person_id", [identifiers.PHONE, identifiers.VEHICLE, identifiers.NAME])
    born = dict(
        persons.filter(
            pk__in={pk for (kind, _), pks in groups.items() if kind == identifiers.NAME for pk in pks}
        ).values_list("pk", "born_about")
    )
    for (kind, _), pks in groups.items():
        for a, b in _pairs(pks):
            if kind == identifiers.PHONE:
                found.setdefault((a, b), set()).add(SAME_PHONE)
            elif kind == identifiers.VEHICLE:
                found.setdefault((a, b), set()).add(SAME_VEHICLE)
            elif _born_close(born.get(a), born.get(b)):
                found.setdefault((a, b), set()).add(SAME_NAME)
    return _proposals(PERSON, found, persons)


def _similar(first: str, second: str) -> bool:
    a, b = identifiers.normalise_words(first), identifiers.normalise_words(second)
    return bool(a and b) and SequenceMatcher(None, a, b).ratio() >= SIMILAR_ADDRESS


def place_proposals(user: User) -> list[Proposal]:
    """Likely duplicate places among those the user may merge (none for anyone else)."""
    places = mergeable_places_for(user)
    found: dict[tuple[int, int], set[str]] = {}
    rows = RegisterIdentifier.objects.filter(place__in=places.values("pk"))
    for pks in _shared_digests(rows, "place_id", [identifiers.ADDRESS]).values():
        for pair in _pairs(pks):
            found.setdefault(pair, set()).add(SAME_ADDRESS)
    postcodes = (
        places.exclude(postcode="")
        .values("postcode")
        .annotate(records=Count("pk"))
        .filter(records__gt=1, records__lte=MAX_GROUP)
        .values_list("postcode", flat=True)
    )
    by_postcode: dict[str, list[Place]] = {}
    for place in places.filter(postcode__in=list(postcodes)).only("pk", "postcode", "name", "address"):
        by_postcode.setdefault(place.postcode, []).append(place)
    for group in by_postcode.values():
        for a, b in combinations(sorted(group, key=lambda p: p.pk), 2):
            if _similar(a.address, b.address) or _similar(a.name, b.name):
                found.setdefault((a.pk, b.pk), set()).add(SIMILAR_AT_POSTCODE)
    return _proposals(PLACE, found, places)


def reasons_for(first: PersonOfConcern | Place, second: PersonOfConcern | Place) -> list[str]:
    """Why two records look alike (the reasons a proposal of the pair gives), for the compare page."""
    target = "person" if isinstance(first, PersonOfConcern) else "place"
    held = [
        set(RegisterIdentifier.objects.filter(**{target: record}).values_list("kind", "digest"))
        for record in (first, second)
    ]
    kinds = {kind for kind, _ in held[0] & held[1]}
    reasons = set()
    if isinstance(first, PersonOfConcern) and isinstance(second, PersonOfConcern):
        reasons |= {
            label
            for kind, label in ((identifiers.PHONE, SAME_PHONE), (identifiers.VEHICLE, SAME_VEHICLE))
            if kind in kinds
        }
        if identifiers.NAME in kinds and _born_close(first.born_about, second.born_about):
            reasons.add(SAME_NAME)
    elif isinstance(first, Place) and isinstance(second, Place):
        if identifiers.ADDRESS in kinds:
            reasons.add(SAME_ADDRESS)
        if (
            first.postcode
            and first.postcode == second.postcode
            and (_similar(first.address, second.address) or _similar(first.name, second.name))
        ):
            reasons.add(SIMILAR_AT_POSTCODE)
    return sorted(reasons)
