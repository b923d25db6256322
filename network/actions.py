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

from access.audit import SENSITIVE_MARK, diff, record_event
from access.models import AuditEvent, User
from children.changes import child_changed
from children.models import Child
from children.scoping import caseload_children_for
from core.concurrency import lock_at_version, versioned_update
from core.errors import Errors
from core.validation import check_choice, check_required
from episodes.models import MissingEpisode
from episodes.scoping import episodes_for
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for
from network import identifiers
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind, Relationship
from network.models import (
    ChildLink,
    ChildPersonLink,
    ChildPlaceLink,
    NotDuplicate,
    PersonOfConcern,
    Place,
    RegisterIdentifier,
)
from network.scoping import (
    can_merge_register,
    can_record_police_intelligence,
    can_search_register,
    can_use_network,
    child_links_for,
    mergeable_persons_for,
    mergeable_places_for,
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
    if not can_search_register(acting_user):
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
    if not can_search_register(acting_user):
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


def _move_links(
    model: type[ChildPersonLink] | type[ChildPlaceLink],
    moving: str,
    kept: str,
    merged_id: int,
    survivor_id: int,
    acting_user: User,
) -> int:
    """Move every link (active and ended) from the merged record to the survivor, along `moving` (child_id,
    person_id or place_id). A link the survivor already has (same `kept` end, source and date, both active) is
    ended on the merged record first, as a duplicate, so the survivor keeps one active link and the history keeps
    both. Returns how many links moved."""
    now = timezone.now()
    active = model.objects.filter(ended_at__isnull=True)
    held = set(active.filter(**{moving: survivor_id}).values_list(kept, "source", "linked_on"))
    for link in active.filter(**{moving: merged_id}):
        if (getattr(link, kept), link.source, link.linked_on) in held:
            link.ended_at, link.ended_by = now, acting_user
            link.end_reason = "The same link is on the record this one was merged into"
            link.version += 1
            link.save(update_fields=["ended_at", "ended_by", "end_reason", "version"])
    return model.objects.filter(**{moving: merged_id}).update(**{moving: survivor_id})


def move_child_records(merged_id: int, survivor_id: int, acting_user: User) -> dict[str, int]:
    """Move the merged child's links to persons and places to the survivor (children.actions.merge_children)."""
    return {
        "links to persons": _move_links(ChildPersonLink, "child_id", "person_id", merged_id, survivor_id, acting_user),
        "links to places": _move_links(ChildPlaceLink, "child_id", "place_id", merged_id, survivor_id, acting_user),
    }


# --- Merging likely duplicates of the partnership register (network.duplicates proposes them) ---------------

MAX_MERGE_REASON = 2000
MERGE_NOT_ALLOWED = "You do not have a role that can merge records of the partnership register"


def _check_merge(errors: Errors, acting_user: User, first: Any, second: Any, reason: str, field: str) -> None:
    if not can_merge_register(acting_user):
        errors.add("__all__", MERGE_NOT_ALLOWED)
    if first.pk == second.pk:
        errors.add(field, "Choose two different records")
    if not reason:
        errors.add("reason", "Enter the reason")
    elif len(reason) > MAX_MERGE_REASON:
        errors.add("reason", f"The reason must be {MAX_MERGE_REASON} characters or fewer")


def _lock_pair(model: Any, visible: models.QuerySet, versions: dict[int, int]) -> dict[int, Any]:
    """Lock both records at the versions the user reviewed (in id order, so two merges of overlapping pairs wait
    rather than deadlock); refuse records the user may not merge, or already merged."""
    locked = {pk: lock_at_version(model, pk, versions[pk]) for pk in sorted(versions)}
    if set(visible.filter(pk__in=list(versions)).values_list("pk", flat=True)) != set(versions):
        raise ValidationError({"__all__": "One of these records has been merged already, or you cannot merge it"})
    if len({record.police_only for record in locked.values()}) > 1:
        raise ValidationError({"__all__": "Police-only intelligence is not merged with a record every agency may see"})
    return locked


def _joined(*texts: str) -> str:
    """Entries one a line, each once (compared normalised), in the order first given."""
    seen: set[str] = set()
    kept = []
    for text in texts:
        for entry in identifiers.split(text):
            key = identifiers.normalise_words(entry)
            if key and key not in seen:
                seen.add(key)
                kept.append(entry)
    return "\n".join(kept)


def _record_merge(acting_user: User, keep: Any, gone: Any, what: str, counts: dict[str, int]) -> None:
    """Both records' audit trails: the two ids, that a reason was given (never what it says), what moved."""
    moved = {name: [None, count] for name, count in sorted(counts.items())}
    record_event(
        actor=acting_user,
        action=AuditEvent.Action.MERGE,
        obj=gone,
        summary=f"{what} {gone.pk} merged into {what.lower()} {keep.pk} as a duplicate",
        changes={"merged_into": [None, keep.pk], "reason": [None, SENSITIVE_MARK], **moved},
    )
    record_event(
        actor=acting_user,
        action=AuditEvent.Action.MERGE,
        obj=keep,
        summary=f"Duplicate {what.lower()} {gone.pk} merged into this one",
        changes={"merged_from": [None, gone.pk], "reason": [None, SENSITIVE_MARK], **moved},
    )


def _retire(gone: Any, keep: Any, acting_user: User, reason: str, fields: list[str]) -> int:
    """Mark the merged record merged into the survivor; records merged into it earlier now point at the survivor
    (no chains to follow). Returns how many earlier records were repointed."""
    earlier = type(gone).objects.filter(merged_into_id=gone.pk).update(merged_into_id=keep.pk)
    gone.merged_into, gone.merged_at, gone.merged_by, gone.merge_reason = keep, timezone.now(), acting_user, reason
    gone.version += 1
    gone.save(update_fields=["merged_into", "merged_at", "merged_by", "merge_reason", "version", "updated_at"])
    RegisterIdentifier.objects.filter(**{fields[0]: gone}).delete()
    return earlier


def _children_changed(model: Any, target: str, pk: int) -> None:
    for child_id in model.objects.filter(**{target: pk}).values_list("child_id", flat=True).distinct():
        child_changed(child_id)


def merge_persons(
    *,
    survivor: PersonOfConcern,
    merged: PersonOfConcern,
    survivor_version: int,
    merged_version: int,
    reason: str,
    acting_user: User,
) -> PersonOfConcern:
    """Merge a duplicate person of concern (`merged`) into the surviving record, in one transaction.

    Every link of a child to the merged person moves to the survivor (a child linked to both by the same source on
    the same date keeps one active link; the other is ended, and the history keeps both). The merged person's name,
    aliases, phone numbers and vehicles join the survivor's (its name becomes an alias), its description is added
    below the survivor's, the survivor's approximate birth year is filled in if it had none, and the survivor's
    blind index is rebuilt. The merged record is kept, marked merged into the survivor: it is no longer listed or
    found, and its page redirects to the survivor. Both audit trails get a MERGE event with both ids (the reason is
    recorded as given, never what it says). Refused (ValidationError, nothing written) unless the acting user may
    merge the register (`can_merge_register`) and may find both records, they are two different unmerged records,
    both police-only or neither, and a reason is given; ConflictError if either changed since the user loaded it.
    """
    reason = (reason or "").strip()
    errors = Errors()
    _check_merge(errors, acting_user, survivor, merged, reason, "survivor")
    errors.raise_if_any()
    with transaction.atomic():
        versions = {survivor.pk: survivor_version, merged.pk: merged_version}
        locked = _lock_pair(PersonOfConcern, mergeable_persons_for(acting_user), versions)
        keep, gone = locked[survivor.pk], locked[merged.pk]
        before = {"aliases": keep.aliases, "phone_numbers": keep.phone_numbers, "vehicles": keep.vehicles}
        names = {identifiers.normalise_words(keep.display_name)}
        alias_text = "\n".join(
            [keep.aliases, *([] if identifiers.normalise_words(gone.display_name) in names else [gone.display_name])]
        )
        keep.aliases = _joined(alias_text, gone.aliases)
        keep.phone_numbers = _joined(keep.phone_numbers, gone.phone_numbers)
        keep.vehicles = _joined(keep.vehicles, gone.vehicles)
        if gone.description and gone.description not in keep.description:
            keep.description = "\n\n".join(part for part in (keep.description, gone.description) if part)
        if keep.born_about is None:
            keep.born_about = gone.born_about
        counts = {
            "links to children": _move_links(ChildPersonLink, "person_id", "child_id", gone.pk, keep.pk, acting_user)
        }
        counts["records merged earlier"] = _retire(gone, keep, acting_user, reason, ["person"])
        keep.version += 1
        keep.save()
        index_person(keep)
        after = {"aliases": keep.aliases, "phone_numbers": keep.phone_numbers, "vehicles": keep.vehicles}
        counts["identifiers merged"] = sum(1 for name in after if after[name] != before[name])
        _record_merge(acting_user, keep, gone, "Person", {k: v for k, v in counts.items() if v})
        _children_changed(ChildPersonLink, "person_id", keep.pk)
    return keep


def merge_places(
    *,
    survivor: Place,
    merged: Place,
    survivor_version: int,
    merged_version: int,
    reason: str,
    acting_user: User,
) -> Place:
    """Merge a duplicate place into the surviving record, as `merge_persons` does for persons: links move (one
    active link a child, the history keeps both), the survivor's address, postcode and coordinates are filled in
    from the merged place where it had none, its blind index is rebuilt, and the merged place is kept, marked
    merged into the survivor."""
    reason = (reason or "").strip()
    errors = Errors()
    _check_merge(errors, acting_user, survivor, merged, reason, "survivor")
    errors.raise_if_any()
    with transaction.atomic():
        versions = {survivor.pk: survivor_version, merged.pk: merged_version}
        locked = _lock_pair(Place, mergeable_places_for(acting_user), versions)
        keep, gone = locked[survivor.pk], locked[merged.pk]
        filled = 0
        for name in ("address", "postcode"):
            if not getattr(keep, name) and getattr(gone, name):
                setattr(keep, name, getattr(gone, name))
                filled += 1
        if keep.latitude is None and gone.latitude is not None:
            keep.latitude, keep.longitude = gone.latitude, gone.longitude
            filled += 1
        counts = {
            "links to children": _move_links(ChildPlaceLink, "place_id", "child_id", gone.pk, keep.pk, acting_user)
        }
        counts["records merged earlier"] = _retire(gone, keep, acting_user, reason, ["place"])
        counts["details filled in"] = filled
        keep.version += 1
        keep.save()
        index_place(keep)
        _record_merge(acting_user, keep, gone, "Place", {k: v for k, v in counts.items() if v})
        _children_changed(ChildPlaceLink, "place_id", keep.pk)
    return keep


def dismiss_duplicate(
    *, first: PersonOfConcern | Place, second: PersonOfConcern | Place, reason: str, acting_user: User
) -> NotDuplicate:
    """Record that two persons (or two places) proposed as duplicates are not the same: the pair is never proposed
    again. Audited on both records (the reason as given, never what it says)."""
    reason = (reason or "").strip()
    errors = Errors()
    _check_merge(errors, acting_user, first, second, reason, "__all__")
    if type(first) is not type(second):
        errors.add("__all__", "Choose two persons or two places")
    errors.raise_if_any()
    kind = "person" if isinstance(first, PersonOfConcern) else "place"
    visible = mergeable_persons_for(acting_user) if kind == "person" else mergeable_places_for(acting_user)
    low, high = sorted((first.pk, second.pk))
    if visible.filter(pk__in=[low, high]).count() != 2:
        raise ValidationError({"__all__": "One of these records has been merged already, or you cannot see it"})
    with transaction.atomic():
        decision, created = NotDuplicate.objects.get_or_create(
            **{f"first_{kind}_id": low, f"second_{kind}_id": high},
            defaults={"reason": reason, "decided_by": acting_user},
        )
        if created:
            what = "Person" if kind == "person" else "Place"
            for pk, other in ((low, high), (high, low)):
                record_event(
                    actor=acting_user,
                    action=AuditEvent.Action.UPDATE,
                    obj=(first if first.pk == pk else second),
                    summary=f"{what} {pk} marked not a duplicate of {what.lower()} {other}",
                    changes={"not_duplicate_of": [None, other], "reason": [None, SENSITIVE_MARK]},
                )
    return decision
