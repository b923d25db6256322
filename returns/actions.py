"""Recording and ending episodes of care. Each action is one transaction with its audit event inside it."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import diff, record_event
from access.models import AgencyKind, AuditEvent, User
from access.scoping import COUNCIL_CASE_ROLES
from children.models import Child
from core.concurrency import snapshot, versioned_update
from core.errors import Errors
from core.validation import check_choice
from returns.codes import (
    EPISODE_CONTINUES,
    PLACEMENTS_WITHOUT_PROVIDER,
    CareLegalStatus,
    CategoryOfNeed,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from returns.formats import is_postcode, is_urn, normalise_postcode
from returns.models import CareEpisode

EPISODE_FIELDS = [
    "decom",
    "rne",
    "legal_status",
    "cin",
    "place",
    "place_provider",
    "dec",
    "rec",
    "reason_place_change",
    "home_post",
    "pl_post",
    "urn",
]
END_FIELDS = ["dec", "rec", "reason_place_change"]


def _real_date(errors: Errors, field: str, value: object, label: str, *, required: bool) -> dt.date | None:
    """A real calendar date (a date, or an ISO yyyy-mm-dd string), not in the future."""
    if value is None or value == "":
        if required:
            errors.add(field, f"Enter {label}")
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, f"{label[0].upper()}{label[1:]} must be a real date")
            return None
    if not isinstance(value, dt.date):
        errors.add(field, f"{label[0].upper()}{label[1:]} must be a real date")
        return None
    if value > timezone.localdate():
        errors.add(field, f"{label[0].upper()}{label[1:]} must be today or in the past")
    return value


def _check_provider(errors: Errors, place: str, provider: str) -> None:
    if place in PLACEMENTS_WITHOUT_PROVIDER:
        if provider:
            errors.add("place_provider", f"Leave the placement provider blank for placement type {place}")
    elif not provider:
        errors.add("place_provider", f"Choose the placement provider for placement type {place}")
    else:
        check_choice(errors, "place_provider", provider, PlacementProvider, "Placement provider")


def _check_optional_choice(errors: Errors, field: str, value: str, choices, label: str) -> None:
    if value:
        check_choice(errors, field, value, choices, label)


def _check_formats(errors: Errors, fields: dict) -> None:
    for name, label in (("home_post", "Home postcode"), ("pl_post", "Placement postcode")):
        if fields[name] and not is_postcode(fields[name]):
            errors.add(name, f"{label}: enter a UK postcode, such as SW1A 1AA")
    if fields["urn"] and not is_urn(fields["urn"]):
        errors.add("urn", "Ofsted URN: enter six or seven digits, or SC and six digits")


def _check_end(errors: Errors, decom: dt.date | None, dec: dt.date | None, rec: str, reason_place_change: str) -> None:
    """A closed episode says why it closed; the reason for a placement change goes on the episode that
    ended with the change (REC X1), never on an open one or one that ended care."""
    if reason_place_change and rec != EPISODE_CONTINUES:
        errors.add(
            "reason_place_change",
            "Give a reason for placement change only on an episode that ended with a new episode following (X1)",
        )
    if dec is not None:
        if decom is not None and dec < decom:
            errors.add("dec", f"The date the episode ended must be on or after it started ({decom:%d/%m/%Y})")
        if not rec:
            errors.add("rec", "Choose why the episode ended")
        else:
            check_choice(errors, "rec", rec, ReasonEpisodeCeased, "Reason the episode ended")
    elif rec:
        errors.add("rec", "Give the reason the episode ended only with the date it ended")


def _check_overlap(
    errors: Errors, child: Child, decom: dt.date, dec: dt.date | None, exclude_pk: int | None = None
) -> None:
    """Episodes may touch (one ends the day the next starts) but never overlap."""
    end = dec or dt.date.max
    others = CareEpisode.objects.filter(child=child).order_by("decom")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        other_end = other.dec or dt.date.max
        if other.decom == decom or (other.decom < end and decom < other_end):
            shown_end = f"{other.dec:%d/%m/%Y}" if other.dec else "still open"
            field = "decom" if other.decom <= decom else "dec"
            errors.add(
                field,
                f"This overlaps the child's care episode from {other.decom:%d/%m/%Y} ({shown_end}); "
                "episodes may meet on a day but not overlap",
            )
            return


def _check_acting_user(errors: Errors, acting_user: User, child: Child) -> None:
    """Only the council responsible for a looked-after child records its episodes of care."""
    agency = acting_user.agency
    if (
        agency is None
        or agency.kind != AgencyKind.COUNCIL
        or agency.pk != child.responsible_council_id
        or not acting_user.has_role(*COUNCIL_CASE_ROLES)
    ):
        errors.add("child", "Only the council responsible for this child can record its episodes of care")


def record_care_episode(
    *,
    acting_user: User,
    child: Child,
    decom: dt.date,
    rne: str,
    legal_status: str,
    cin: str,
    place: str,
    place_provider: str = "",
    home_post: str = "",
    pl_post: str = "",
    urn: str = "",
    reason_place_change: str = "",
    dec: dt.date | None = None,
    rec: str = "",
) -> CareEpisode:
    """Record one episode of care, open (no `dec`) or, for history, already ended."""
    fields: dict[str, Any] = {
        "rne": (rne or "").strip().upper(),
        "legal_status": (legal_status or "").strip().upper(),
        "cin": (cin or "").strip().upper(),
        "place": (place or "").strip().upper(),
        "place_provider": (place_provider or "").strip().upper(),
        "rec": (rec or "").strip().upper(),
        "reason_place_change": (reason_place_change or "").strip().upper(),
        "home_post": normalise_postcode(home_post),
        "pl_post": normalise_postcode(pl_post),
        "urn": (urn or "").strip().upper(),
    }
    errors = Errors()
    _check_acting_user(errors, acting_user, child)
    fields["decom"] = _real_date(errors, "decom", decom, "the date the episode started", required=True)
    fields["dec"] = _real_date(errors, "dec", dec, "the date the episode ended", required=False)
    if fields["decom"] and fields["decom"] < child.date_of_birth:
        errors.add("decom", "The date the episode started is before the child's date of birth")
    check_choice(errors, "rne", fields["rne"], ReasonNewEpisode, "Reason for new episode")
    check_choice(errors, "legal_status", fields["legal_status"], CareLegalStatus, "Legal status")
    check_choice(errors, "cin", fields["cin"], CategoryOfNeed, "Category of need")
    check_choice(errors, "place", fields["place"], Placement, "Placement type")
    if fields["place"] in Placement.values:
        _check_provider(errors, fields["place"], fields["place_provider"])
    _check_optional_choice(
        errors, "reason_place_change", fields["reason_place_change"], ReasonPlaceChange, "Reason for placement change"
    )
    _check_formats(errors, fields)
    _check_end(errors, fields["decom"], fields["dec"], fields["rec"], fields["reason_place_change"])
    with transaction.atomic():
        if fields["decom"] and "dec" not in errors:
            _check_overlap(errors, child, fields["decom"], fields["dec"])
        errors.raise_if_any()
        episode = CareEpisode(child=child, **fields)
        try:
            with transaction.atomic():
                episode.save()
        except IntegrityError as exc:  # a concurrent open episode won the race past the checks above
            raise ValidationError(
                {"child": "Another care episode was recorded for this child at the same moment. Reload and check."}
            ) from exc
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=episode,
            child_id=child.pk,
            summary="Care episode recorded",
            changes=diff({}, snapshot(episode, EPISODE_FIELDS)),
        )
    return episode


def end_care_episode(
    episode: CareEpisode,
    *,
    acting_user: User,
    expected_version: int,
    dec: dt.date,
    rec: str,
    reason_place_change: str = "",
) -> CareEpisode:
    """End an open episode: X1 when a new episode follows the same day, an E code when care ends."""
    rec = (rec or "").strip().upper()
    reason_place_change = (reason_place_change or "").strip().upper()
    errors = Errors()
    _check_acting_user(errors, acting_user, episode.child)
    day = _real_date(errors, "dec", dec, "the date the episode ended", required=True)
    if not rec:
        errors.add("rec", "Choose why the episode ended")
    else:
        check_choice(errors, "rec", rec, ReasonEpisodeCeased, "Reason the episode ended")
    _check_optional_choice(
        errors, "reason_place_change", reason_place_change, ReasonPlaceChange, "Reason for placement change"
    )
    if reason_place_change and rec and rec != EPISODE_CONTINUES:
        errors.add(
            "reason_place_change",
            "Give a reason for placement change only when a new episode follows (X1), not when care ends",
        )
    with transaction.atomic():
        edit = versioned_update(CareEpisode, episode.pk, expected_version, END_FIELDS)
        current = edit.record
        if not current.is_open:
            errors.add("dec", f"This episode already ended on {current.dec:%d/%m/%Y}")
        elif day is not None:
            if day < current.decom:
                errors.add(
                    "dec",
                    f"The date the episode ended must be on or after it started ({current.decom:%d/%m/%Y})",
                )
            else:
                _check_overlap(errors, current.child, current.decom, day, exclude_pk=current.pk)
        errors.raise_if_any()
        current.dec = day
        current.rec = rec
        current.reason_place_change = reason_place_change
        changed = edit.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Care episode ended" if rec != EPISODE_CONTINUES else "Care episode ended (new episode follows)",
            changes=changed,
        )
    return current


def child_merge_problems(merged_id: int, survivor_id: int) -> list[str]:
    """Why two records cannot be merged, as far as periods of care go: one open period of care at a time."""
    open_care = CareEpisode.objects.open().filter(child_id__in=(merged_id, survivor_id))
    if open_care.values("child_id").distinct().count() > 1:
        return ["Both records have an open period of care: end the one recorded in error first"]
    return []
