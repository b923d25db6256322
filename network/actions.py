"""Recording persons of concern and places, and linking children to them.

Each action is one transaction with its audit event inside it. Names, aliases, descriptions, vehicles,
phone numbers, addresses, postcodes, coordinates and notes are never written into the audit trail, only that
they were given: the models list them (encrypted fields and AUDIT_MASKED_FIELDS) and `record_event` masks them.
A link is never deleted: `end_person_link` / `end_place_link` record when, by whom and why it ended.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from access.audit import diff, record_event
from access.models import AuditEvent, User
from children.changes import child_changed
from children.models import Child
from children.scoping import caseload_children_for
from core.concurrency import versioned_update
from core.errors import Errors
from core.validation import check_choice, check_required
from episodes.models import MissingEpisode
from episodes.scoping import episodes_for
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for
from network import identifiers
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.models import ChildLink, ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place, RegisterIdentifier
from network.scoping import (
    can_record_police_intelligence,
    can_use_network,
    child_links_for,
    partnership_persons_for,
    partnership_places_for,
)

MIN_AGE, MAX_AGE = 10, 100
# A name matches a person only if the ages given agree to within this many years.
AGE_TOLERANCE_YEARS = 3
MAX_FOUND = 20
PERSON_FIELDS = [
    "kind",
    "display_name",
    "aliases",
    "description",
    "vehicles",
    "phone_numbers",
    "approximate_age",
    "police_only",
]
PLACE_FIELDS = ["kind", "name", "address", "postcode", "latitude", "longitude", "police_only"]

# A UK postcode: outward code (area letters, district digits, optional letter) and inward code.
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")
NOT_ALLOWED = "You do not have a role that can record persons of concern and places"
POLICE_ONLY_REFUSED = "Only police can record police-only intelligence"


def _check_allowed(errors: Errors, acting_user: User, police_only: bool) -> None:
    if not can_use_network(acting_user):
        errors.add("__all__", NOT_ALLOWED)
    elif police_only and not can_record_police_intelligence(acting_user):
        errors.add("police_only", POLICE_ONLY_REFUSED)


def _check_length(errors: Errors, field: str, value: str, limit: int, label: str) -> None:
    if len(value) > limit:
        errors.add(field, f"{label} must be {limit} characters or fewer")


NewRecord = TypeVar("NewRecord", PersonOfConcern, Place)
Link = TypeVar("Link", ChildPersonLink, ChildPlaceLink)


def _save_new(record: NewRecord, fields: dict, *, acting_user: User, what: str) -> NewRecord:
    """Save a new person or place and audit it, in one transaction."""
    with transaction.atomic():
        record.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=record,
            summary=f"{what} recorded" + (" (police only)" if record.police_only else ""),
            changes=diff({}, fields),
        )
    return record


def normalise_postcode(value: str) -> str:
    """'nm4 7ab' and 'NM47AB' both become 'NM4 7AB'; anything else is returned upper-cased as typed."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    match = POSTCODE.fullmatch(compact)
    return f"{match.group(1)} {match.group(2)}" if match else compact


def _coordinate(errors: Errors, field: str, value: object, limit: int, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.add(field, f"Enter the {label} as a number, such as 53.480759")
        return None
    if not -limit <= number <= limit:
        errors.add(field, f"The {label} must be between -{limit} and {limit}")
        return None
    return number


def index_person(person: PersonOfConcern) -> None:
    """Rebuild the person's rows in the partnership register's blind index (`network.identifiers`)."""
    RegisterIdentifier.objects.filter(person=person).delete()
    RegisterIdentifier.objects.bulk_create(
        RegisterIdentifier(person=person, kind=kind, digest=digest)
        for kind, digest in identifiers.person_identifiers(
            person.display_name, person.aliases, person.vehicles, person.phone_numbers
        )
    )


def index_place(place: Place) -> None:
    RegisterIdentifier.objects.filter(place=place).delete()
    RegisterIdentifier.objects.bulk_create(
        RegisterIdentifier(place=place, kind=kind, digest=digest)
        for kind, digest in identifiers.place_identifiers(place.address)
    )


def _born_about(errors: Errors, age: object) -> int | None:
    if age is None or age == "":
        return None
    try:
        years = int(str(age).strip())
    except ValueError:
        errors.add("approximate_age", "Enter the approximate age as a number of years, such as 25")
        return None
    if not MIN_AGE <= years <= MAX_AGE:
        errors.add("approximate_age", f"The approximate age must be between {MIN_AGE} and {MAX_AGE}")
        return None
    return timezone.localdate().year - years


def add_person(
    *,
    acting_user: User,
    kind: str,
    display_name: str,
    aliases: str = "",
    description: str = "",
    vehicles: str = "",
    phone_numbers: str = "",
    approximate_age: int | str | None = None,
    police_only: bool = False,
) -> PersonOfConcern:
    """Record an adult or peer of concern, owned by the acting user's agency, in the partnership register (its
    phone numbers, registrations, name and aliases indexed so that other agencies can find it exactly)."""
    errors = Errors()
    fields: dict[str, Any] = {
        "kind": kind,
        "display_name": (display_name or "").strip(),
        "aliases": (aliases or "").strip(),
        "description": (description or "").strip(),
        "vehicles": (vehicles or "").strip(),
        "phone_numbers": (phone_numbers or "").strip(),
        "born_about": _born_about(errors, approximate_age),
        "police_only": bool(police_only),
    }
    _check_allowed(errors, acting_user, fields["police_only"])
    check_choice(errors, "kind", kind, PersonKind, "Kind of person")
    check_required(errors, "display_name", fields["display_name"], "a name or label for the person")
    _check_length(errors, "display_name", fields["display_name"], 200, "The name or label")
    errors.raise_if_any()
    assert acting_user.agency_id is not None  # _check_allowed: only a user at an agency records people
    person = PersonOfConcern(owning_agency_id=acting_user.agency_id, created_by=acting_user, **fields)
    with transaction.atomic():
        _save_new(person, fields, acting_user=acting_user, what="Person of concern")
        index_person(person)
    return person


def add_place(
    *,
    acting_user: User,
    kind: str,
    name: str,
    address: str = "",
    postcode: str = "",
    latitude: object = None,
    longitude: object = None,
    police_only: bool = False,
) -> Place:
    """Record a place children are linked to, owned by the acting user's agency."""
    errors = Errors()
    fields: dict[str, Any] = {
        "kind": kind,
        "name": (name or "").strip(),
        "address": (address or "").strip(),
        "postcode": normalise_postcode(postcode),
        "latitude": _coordinate(errors, "latitude", latitude, 90, "latitude"),
        "longitude": _coordinate(errors, "longitude", longitude, 180, "longitude"),
        "police_only": bool(police_only),
    }
    _check_allowed(errors, acting_user, fields["police_only"])
    check_choice(errors, "kind", kind, PlaceKind, "Kind of place")
    check_required(errors, "name", fields["name"], "a name for the place")
    _check_length(errors, "name", fields["name"], 200, "The name")
    if fields["postcode"] and not POSTCODE.fullmatch(fields["postcode"]):
        errors.add("postcode", "Enter a real postcode, such as NM4 7AB")
    if (fields["latitude"] is None) != (fields["longitude"] is None) and not errors.keys() & {"latitude", "longitude"}:
        missing = "longitude" if fields["longitude"] is None else "latitude"
        errors.add(missing, "Enter both the latitude and the longitude, or neither")
    errors.raise_if_any()
    assert acting_user.agency_id is not None  # _check_allowed: only a user at an agency records places
    place = Place(owning_agency_id=acting_user.agency_id, created_by=acting_user, **fields)
    with transaction.atomic():
        _save_new(place, fields, acting_user=acting_user, what="Place")
        index_place(place)
    return place


def _link(
    model: type[Link],
    target_field: str,
    target: PersonOfConcern | Place | None,
    target_visible: bool,
    *,
    acting_user: User,
    child: Child,
    source: str,
    linked_on: dt.date | None,
    confidence: str,
    episode: MissingEpisode | None,
    interview: ReturnInterview | None,
    police_only: bool,
    notes: str,
    extra: dict[str, Any] | None = None,
) -> Link:
    police_only = bool(police_only) or bool(getattr(target, "police_only", False))
    errors = Errors()
    _check_allowed(errors, acting_user, bool(police_only and not getattr(target, "police_only", False)))
    if not caseload_children_for(acting_user).filter(pk=child.pk).exists():
        errors.add("child", "You can link only children in your own caseload")
    if target is None or not target_visible:
        errors.add(target_field, f"Choose a {target_field} from the list")
    check_choice(errors, "source", source, LinkSource, "Source")
    check_choice(errors, "confidence", confidence, Confidence, "Confidence")
    check_required(errors, "linked_on", linked_on, "the date of the link")
    if linked_on is not None:
        if linked_on > timezone.localdate():
            errors.add("linked_on", "The date must be today or in the past")
        elif linked_on < child.date_of_birth:
            errors.add("linked_on", "The date is before the child's date of birth")
    if episode is not None and (
        episode.child_id != child.pk or not episodes_for(acting_user).filter(pk=episode.pk).exists()
    ):
        errors.add("episode", "Choose one of this child's missing episodes")
    if interview is not None and (
        interview.child_id != child.pk or not interviews_for(acting_user).filter(pk=interview.pk).exists()
    ):
        errors.add("interview", "Choose one of this child's return interviews")
    errors.raise_if_any()
    assert target is not None  # refused above otherwise
    fields: dict[str, Any] = {
        "source": source,
        "linked_on": linked_on,
        "confidence": confidence,
        "episode_id": episode.pk if episode else None,
        "interview_id": interview.pk if interview else None,
        "police_only": police_only,
        "notes": (notes or "").strip(),
        **(extra or {}),
    }
    assert acting_user.agency_id is not None  # caseload_children_for: only a user at an agency has a caseload
    link = model(
        child=child,
        owning_agency_id=acting_user.agency_id,
        recorded_by=acting_user,
        **{target_field: target},
        **fields,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as exc:
            raise ValidationError(
                {target_field: f"This child is already linked to this {target_field} by the same source on that date"}
            ) from exc
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=link,
            child_id=child.pk,
            summary=f"Child linked to a {'person of concern' if target_field == 'person' else 'place'}",
            changes=diff({}, {f"{target_field}_id": target.pk, **fields}),
        )
        # The risk triggers look again at this child, and at the children of other councils already linked to
        # the same person or place (network.alerts: the cross-border alert), once this commits.
        for linked in {child.pk, *_other_councils_children(model, target_field, target, child)}:
            child_changed(linked)
    return link


@dataclass(frozen=True)
class Found:
    """A person or place found in the partnership register, and which identifiers matched. Never the children
    linked to it: those stay behind `child_links_for`."""

    record: PersonOfConcern | Place
    matched: list[str]  # labels of the identifier kinds that matched, such as "Phone number"


def _found(records: dict[int, Any], matches: dict[int, set[str]]) -> list[Found]:
    ordered = sorted(matches, key=lambda pk: (-len(matches[pk]), str(records[pk]), pk))
    return [Found(records[pk], sorted(matches[pk])) for pk in ordered[:MAX_FOUND]]


def _audit_search(acting_user: User, what: str, used: list[str], found: list[Found]) -> None:
    """The kinds of identifier searched with and the records found: never the identifiers typed."""
    with transaction.atomic():
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.SEARCH,
            summary=f"Partnership register searched for a {what}",
            changes={"searched_by": [None, used], "found": [None, [f.record.pk for f in found]]},
        )


def find_persons(
    *,
    acting_user: User,
    phone: str = "",
    vehicle: str = "",
    name: str = "",
    approximate_age: int | str | None = None,
) -> list[Found]:
    """Persons anywhere in the partnership register with an identifier exactly as given (normalised: see
    `network.identifiers`): a phone number, a vehicle registration, or a name or alias together with an
    approximate age (within AGE_TOLERANCE_YEARS). Returns the records only, never the children linked to them."""
    errors = Errors()
    if not can_use_network(acting_user):
        errors.add("__all__", NOT_ALLOWED)
    wanted: list[tuple[str, str]] = []
    number = identifiers.normalise_phone(phone)
    if (phone or "").strip() and not number:
        errors.add("phone", "Enter a phone number of at least 7 digits")
    elif number:
        wanted.append((identifiers.PHONE, number))
    registration = identifiers.normalise_registration(vehicle)
    if registration:
        wanted.append((identifiers.VEHICLE, registration))
    born = _born_about(errors, approximate_age)
    words = identifiers.normalise_words(name)
    if words and born is None and "approximate_age" not in errors:
        errors.add("approximate_age", "Enter the approximate age with the name")
    elif words and born is not None:
        wanted.append((identifiers.NAME, words))
    if not wanted and not errors:
        errors.add("__all__", "Enter a phone number, a vehicle registration, or a name with an approximate age")
    errors.raise_if_any()
    kind_labels = dict(RegisterIdentifier.Kind.choices)
    matches: dict[int, set[str]] = {}
    visible = partnership_persons_for(acting_user)
    for kind, value in wanted:
        rows = RegisterIdentifier.objects.filter(
            kind=kind, digest=identifiers.digest(kind, value), person__in=visible.values("pk")
        )
        if kind == identifiers.NAME:
            assert born is not None  # a name is searched only with an age
            rows = rows.filter(
                person__born_about__gte=born - AGE_TOLERANCE_YEARS, person__born_about__lte=born + AGE_TOLERANCE_YEARS
            )
        for pk in rows.values_list("person_id", flat=True):
            matches.setdefault(pk, set()).add(kind_labels[kind])
    records = {p.pk: p for p in visible.filter(pk__in=list(matches)).select_related("owning_agency")}
    found = _found(records, {pk: kinds for pk, kinds in matches.items() if pk in records})
    _audit_search(acting_user, "person", [kind for kind, _ in wanted], found)
    return found


def find_places(*, acting_user: User, postcode: str = "", address: str = "") -> list[Found]:
    """Places anywhere in the partnership register at exactly this postcode, or with exactly this address
    (normalised). Returns the records only, never the children linked to them."""
    errors = Errors()
    if not can_use_network(acting_user):
        errors.add("__all__", NOT_ALLOWED)
    code = normalise_postcode(postcode)
    if code and not POSTCODE.fullmatch(code):
        errors.add("postcode", "Enter a real postcode, such as NM4 7AB")
    words = identifiers.normalise_words(address)
    if not code and not words and not errors:
        errors.add("__all__", "Enter a postcode or an address")
    errors.raise_if_any()
    visible = partnership_places_for(acting_user)
    matches: dict[int, set[str]] = {}
    if code:
        for pk in visible.filter(postcode=code).values_list("pk", flat=True):
            matches.setdefault(pk, set()).add("Postcode")
    if words:
        rows = RegisterIdentifier.objects.filter(
            kind=identifiers.ADDRESS,
            digest=identifiers.digest(identifiers.ADDRESS, words),
            place__in=visible.values("pk"),
        )
        for pk in rows.values_list("place_id", flat=True):
            matches.setdefault(pk, set()).add("Address")
    records = {p.pk: p for p in visible.filter(pk__in=list(matches)).select_related("owning_agency")}
    found = _found(records, matches)
    _audit_search(acting_user, "place", [k for k, v in (("postcode", code), ("address", words)) if v], found)
    return found


MAX_CHILDREN_TOLD = 500


def _other_councils_children(model: type[Link], target_field: str, target: Any, child: Child) -> list[int]:
    links = model.objects.filter(ended_at__isnull=True, **{target_field: target}).exclude(
        child__responsible_council_id=child.responsible_council_id
    )
    return list(links.values_list("child_id", flat=True).distinct().order_by("child_id")[:MAX_CHILDREN_TOLD])


def link_child_to_person(
    *,
    acting_user: User,
    child: Child,
    person: PersonOfConcern | None,
    source: str,
    linked_on: dt.date | None,
    confidence: str,
    episode: MissingEpisode | None = None,
    interview: ReturnInterview | None = None,
    police_only: bool = False,
    notes: str = "",
    relationship: str = "",
) -> ChildPersonLink:
    """Link a child the user can see to a person the user can see. A link to a police-only person is
    police-only; police may also mark a link police-only themselves.

    `relationship` says what the person is to the child (`Relationship`); left blank it follows the person's
    kind: a peer is a peer, an adult an adult of concern. A family member or carer not of concern is recorded
    so that the link is known, and adds nothing to the network's ranking."""
    visible = person is not None and partnership_persons_for(acting_user).filter(pk=person.pk).exists()
    if not relationship and person is not None:
        relationship = Relationship.PEER if person.kind == PersonKind.PEER else Relationship.ADULT_OF_CONCERN
    if relationship not in Relationship.values:
        raise ValidationError({"relationship": "Select what the person is to the child"})
    return _link(
        ChildPersonLink,
        "person",
        person,
        visible,
        acting_user=acting_user,
        child=child,
        source=source,
        linked_on=linked_on,
        confidence=confidence,
        episode=episode,
        interview=interview,
        police_only=police_only,
        notes=notes,
        extra={"relationship": relationship},
    )


def link_child_to_place(
    *,
    acting_user: User,
    child: Child,
    place: Place | None,
    source: str,
    linked_on: dt.date | None,
    confidence: str,
    episode: MissingEpisode | None = None,
    interview: ReturnInterview | None = None,
    police_only: bool = False,
    notes: str = "",
) -> ChildPlaceLink:
    """Link a child the user can see to a place the user can see (police-only as for persons)."""
    visible = place is not None and partnership_places_for(acting_user).filter(pk=place.pk).exists()
    return _link(
        ChildPlaceLink,
        "place",
        place,
        visible,
        acting_user=acting_user,
        child=child,
        source=source,
        linked_on=linked_on,
        confidence=confidence,
        episode=episode,
        interview=interview,
        police_only=police_only,
        notes=notes,
    )


def _end_link(
    link: ChildLink, visible_links: models.QuerySet, *, acting_user: User, expected_version: int, reason: str
):
    reason = (reason or "").strip()
    errors = Errors()
    if not can_use_network(acting_user) or not visible_links.filter(pk=link.pk).exists():
        errors.add("__all__", "You cannot end this link")
    check_required(errors, "reason", reason, "why the link is ended")
    errors.raise_if_any()
    with transaction.atomic():
        edit = versioned_update(type(link), link.pk, expected_version)
        current = edit.record
        if current.ended_at is not None:
            raise ValidationError({"__all__": "This link has already been ended"})
        current.ended_at = timezone.now()
        current.ended_by = acting_user
        current.end_reason = reason
        edit.save(update_fields=["ended_at", "ended_by", "end_reason", "version"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Link ended",
            changes=diff({"ended_at": None, "end_reason": ""}, {"ended_at": current.ended_at, "end_reason": reason}),
        )
    return current


def end_person_link(link: ChildPersonLink, *, acting_user: User, expected_version: int, reason: str) -> ChildPersonLink:
    """End (never delete) a child's link to a person: it stays in the history, marked ended."""
    return _end_link(
        link,
        child_links_for(acting_user).persons,
        acting_user=acting_user,
        expected_version=expected_version,
        reason=reason,
    )


def end_place_link(link: ChildPlaceLink, *, acting_user: User, expected_version: int, reason: str) -> ChildPlaceLink:
    """End (never delete) a child's link to a place."""
    return _end_link(
        link,
        child_links_for(acting_user).places,
        acting_user=acting_user,
        expected_version=expected_version,
        reason=reason,
    )


def move_child_records(merged_id: int, survivor_id: int, acting_user: User) -> dict[str, int]:
    """Move the merged child's links to persons and places to the survivor (children.actions.merge_children).

    A link the survivor already has (same person or place, source and date, both active) is ended on the merged
    record first, as a duplicate, so the survivor keeps one active link and the history keeps both."""
    now = timezone.now()
    moved = {}
    for model, target, what in (
        (ChildPersonLink, "person_id", "links to persons"),
        (ChildPlaceLink, "place_id", "links to places"),
    ):
        active = model.objects.filter(ended_at__isnull=True)
        held = set(active.filter(child_id=survivor_id).values_list(target, "source", "linked_on"))
        for link in active.filter(child_id=merged_id):
            if (getattr(link, target), link.source, link.linked_on) in held:
                link.ended_at, link.ended_by = now, acting_user
                link.end_reason = "The same link is on the record this one was merged into"
                link.version += 1
                link.save(update_fields=["ended_at", "ended_by", "end_reason", "version"])
        moved[what] = model.objects.filter(child_id=merged_id).update(child_id=survivor_id)
    return moved
