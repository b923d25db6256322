"""Information governance actions: anonymising a child's record under the retention rules, and recording a
subject access export. Each is one transaction with its audit event inside it (DEVELOPERS.md, rule 1).

What anonymisation keeps, so the statistics stay intact: every record's dates and times, types, codes, grades,
outcomes, durations, councils, forces and providers; the child's sex, ethnicity, legal status, living
arrangement, and the year and month of birth. What it clears: names, the exact date of birth (moved to the
first of its month: age bands and ages at each episode stay right except, by at most a year, for events in
the birth month), the council's child ID (replaced by "removed-<record number>", which stays unique), UPN,
postcodes, school, allocated social worker, police references, and every free-text field (where the child was
last seen, who reported it, circumstances, where found and with whom, harm, what the child said, notes and
reasons). Records of other apps tied to the child (the Philomena profile and its versions, shares, emergency
access) have their free text cleared and their files (photos) deleted. The audit trail is never changed.
"""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models, transaction
from django.db.models import F

from access.audit import record_event
from access.models import AuditEvent, User
from children.changes import child_changed
from children.models import Child
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.models import ReturnInterview
from network.models import ChildPersonLink, ChildPlaceLink
from returns.models import CareEpisode
from risk.models import Alert, Referral, ReferralStatusChange, Screening

if TYPE_CHECKING:
    from governance.models import RetentionRun

REMOVED = "[removed]"
# Handled field by field below; other models tied to the child are cleared generically.
EXPLICIT_MODELS = {
    MissingEpisode,
    RiskGradeChange,
    ReturnInterview,
    Alert,
    Screening,
    Referral,
    ReferralStatusChange,
    CareEpisode,
    ChildPersonLink,
    ChildPlaceLink,
}
SKIP_APPS = {"analytics", "governance"}


def _versioned(model: type[models.Model]) -> dict:
    return {"version": F("version") + 1} if any(f.name == "version" for f in model._meta.concrete_fields) else {}


def _clearings(child: Child) -> list[tuple[str, models.QuerySet, dict]]:
    """(what, rows, new values) for every record of the child that holds identifying or free text."""
    return [
        (
            "missing_episodes",
            MissingEpisode.objects.filter(child=child),
            {
                "last_seen_place": REMOVED,
                "reported_by": REMOVED,
                "police_reference": "",
                "circumstances": "",
                "found_place": "",
                "found_with": "",
                "harm_on_return": "",
            },
        ),
        ("risk_grade_changes", RiskGradeChange.objects.filter(episode__child=child), {"reason": ""}),
        (
            "return_interviews",
            ReturnInterview.objects.filter(child=child),
            {
                "offered_by": "",
                "not_offered_reason": "",
                "where_stayed": "",
                "who_with": "",
                "harm_suffered": "",
                "disclosure_details": "",
                "childs_wishes": "",
                "actions_agreed": "",
                "narrative": "",
            },
        ),
        ("alerts", Alert.objects.filter(child=child), {"decision_reason": ""}),
        ("screenings", Screening.objects.filter(child=child), {"notes": ""}),
        ("referrals", Referral.objects.filter(child=child), {"reason": ""}),
        ("referral_status_changes", ReferralStatusChange.objects.filter(referral__child=child), {"note": ""}),
        ("care_episodes", CareEpisode.objects.filter(child=child), {"home_post": "", "pl_post": ""}),
        ("person_links", ChildPersonLink.objects.filter(child=child), {"notes": "", "end_reason": ""}),
        ("place_links", ChildPlaceLink.objects.filter(child=child), {"notes": "", "end_reason": ""}),
    ]


def _is_free_text(field: models.Field) -> bool:
    return (
        isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.unique
        and not field.primary_key
    )


def _relations_to(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label in SKIP_APPS or model in EXPLICIT_MODELS or model is target:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is target and (field.many_to_one or field.one_to_one):
                found.append((model, field.name))
    return found


def _other_rows(child: Child) -> list[models.Model]:
    """Rows of other apps that point at the child, and the rows that point at those (one level down)."""
    rows: list[models.Model] = []
    for model, field_name in _relations_to(Child):
        for row in model._default_manager.filter(**{field_name: child}).order_by("pk"):
            rows.append(row)
            for inner, inner_field in _relations_to(model):
                rows.extend(inner._default_manager.filter(**{inner_field: row}).order_by("pk"))
    return rows


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def records_to_clear(child: Child) -> dict[str, int]:
    """How many records of each kind anonymising this child would clear (what a dry run reports)."""
    counts = {"child": 1}
    for what, rows, _ in _clearings(child):
        counts[what] = rows.count()
    for row in _other_rows(child):
        counts[_label(type(row))] = counts.get(_label(type(row)), 0) + 1
    return {key: value for key, value in counts.items() if value}


def _clear_other_row(row: models.Model, files: list) -> None:
    changed = []
    for field in row._meta.concrete_fields:
        if isinstance(field, models.FileField):
            stored = getattr(row, field.attname)
            if stored:
                files.append((stored.storage, stored.name))
                setattr(row, field.attname, "")
                changed.append(field.attname)
        elif _is_free_text(field) and getattr(row, field.attname):
            if field.blank:
                value = ""
            elif field.max_length is None or field.max_length >= len(REMOVED):
                value = REMOVED
            else:
                continue
            setattr(row, field.attname, value)
            changed.append(field.attname)
    if changed:
        # A queryset update, not save(): no model save hooks, and append-only rows (profile versions) too.
        type(row)._default_manager.filter(pk=row.pk).update(**{name: getattr(row, name) for name in changed})


@dataclass(frozen=True)
class AnonymisationResult:
    records: dict[str, int]
    files_deleted: int


def _refresh_statistics(child_id: int) -> None:
    """Keep the dashboard's roll-ups in step (the date of birth moved, so an age band may have too)."""
    child_changed(child_id)


def anonymise_child(
    child: Child, *, rule: str, rule_label: str, years: int, retention_date: dt.date, run: "RetentionRun"
) -> AnonymisationResult:
    """Anonymise one child's record past its retention date (see the module docstring for what is kept)."""
    from governance.models import AnonymisedChild

    files: list = []
    with transaction.atomic():
        child = Child.objects.select_for_update(no_key=True).get(pk=child.pk)
        records = records_to_clear(child)
        born = child.date_of_birth
        Child.objects.filter(pk=child.pk).update(
            first_name=REMOVED,
            last_name=REMOVED,
            preferred_name="",
            date_of_birth=born.replace(day=1),
            la_child_id=f"removed-{child.pk}",
            upn="",
            gender_identity="",
            placement_postcode="",
            school=None,
            social_worker=None,
            mother_child_dob=None,
        )
        for _, rows, values in _clearings(child):
            rows.update(**values, **_versioned(rows.model))
        for row in _other_rows(child):
            _clear_other_row(row, files)
        now = run.started_at
        AnonymisedChild.objects.create(
            child=child, run=run, anonymised_at=now, rule=rule, retention_date=retention_date
        )
        _refresh_statistics(child.pk)
        record_event(
            actor=None,
            action=AuditEvent.Action.RETENTION,
            obj=child,
            child_id=child.pk,
            summary=(
                f"Anonymised under the retention rules ({rule_label}: {years} years from date of birth, "
                f"reached {retention_date:%d/%m/%Y}); {sum(records.values())} records cleared"
                + (f", {len(files)} files deleted" if files else "")
            ),
            changes={what: [count, "cleared"] for what, count in records.items()},
        )
        # Files go only once the database change has committed (a rollback keeps them).
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return AnonymisationResult(records=records, files_deleted=len(files))


def record_subject_access_export(child: Child, *, acting_user: User | None, file_format: str) -> None:
    """Audit a subject access export of the child's record (who produced it, and in which format)."""
    with transaction.atomic():
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.SUBJECT_ACCESS,
            obj=child,
            child_id=child.pk,
            summary=f"Subject access export produced ({file_format.upper()})",
        )


def child_merge_problems(merged_id: int, survivor_id: int) -> list[str]:
    """A record anonymised under the retention rules is merged with nothing: what it held is gone."""
    from governance.models import AnonymisedChild

    if AnonymisedChild.objects.filter(child_id__in=(merged_id, survivor_id)).exists():
        return ["One of these records has been anonymised under the retention rules"]
    return []


def move_no_records(merged_id: int, survivor_id: int, acting_user: User) -> dict[str, int]:
    return {}  # child_merge_problems refuses every merge that involves an anonymised record
