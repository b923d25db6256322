"""The upload page and its progress, the match queue and the quarantine. Thin: scoping finds, actions write."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import Agency, AgencyKind, AuditEvent, User
from children.actions import record_child_viewed
from children.scoping import children_to_merge_for
from core.forms import submitted
from core.pages import crumb
from intake.actions import confirm_child, confirm_provisional_child, create_provisional_child
from intake.files import store_upload
from intake.forms import (
    ConfirmChildForm,
    ConfirmProvisionalForm,
    MergeProvisionalForm,
    ProvisionalChildForm,
    UploadForm,
)
from intake.models import ImportBatch, Notification, Source
from intake.scoping import (
    batches_for,
    can_confirm_provisional,
    can_upload,
    choosable_children,
    councils_for_provisional,
    get_provisional_for_user,
    get_queued_for_user,
    import_force,
    merge_candidates,
    provisional_for,
    quarantine_for,
    queue_for,
    visible_proposals,
)
from intake.tasks import run_import

PROGRESS_REFRESH_SECONDS = 3
QUEUE_PAGE = 200


def _require_upload(user: User) -> None:
    if not can_upload(user):
        raise PermissionDenied("Importing police notifications is for police and MASH users.")


def _require_queue(user: User) -> None:
    if import_force(user) is None:
        raise PermissionDenied("The match queue is for police, MASH workers and coordinators.")


def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_upload(user)
    form = UploadForm(submitted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        force = import_force(user)
        assert force is not None  # _require_upload
        upload_file = form.cleaned_data["file"]
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                police_force=force,
                created_by=user,
                source=Source.UPLOAD,
                filename=upload_file.name[:200],
                stored_path=store_upload(upload_file),
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
            record_event(
                actor=user, action=AuditEvent.Action.CREATE, obj=batch, summary="Police notifications uploaded"
            )
            transaction.on_commit(lambda: run_import.enqueue(batch.pk))
        return redirect("intake:batch", batch.pk)
    recent = list(batches_for(user)[:10])
    return render(request, "intake/upload.html", {"form": form, "recent": recent, "force": import_force(user)})


def batch(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    user = request.user
    _require_upload(user)
    current = get_object_or_404(batches_for(user), pk=batch_id)
    return render(
        request,
        "intake/batch.html",
        {
            "batch": current,
            "refresh": None if current.finished else PROGRESS_REFRESH_SECONDS,
            "breadcrumbs": [crumb("Import police notifications", "intake:upload")],
        },
    )


@require_POST
def import_valid_rows(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """The user chose to import the valid rows and quarantine the rest: run the import again."""
    user = request.user
    _require_upload(user)
    with transaction.atomic():
        current = get_object_or_404(batches_for(user).select_for_update(), pk=batch_id)
        if current.state != ImportBatch.State.NEEDS_DECISION:
            return redirect("intake:batch", current.pk)
        current.import_valid_rows = True
        current.state = ImportBatch.State.QUEUED
        current.finished_at = None
        current.save(update_fields=["import_valid_rows", "state", "finished_at"])
        record_event(actor=user, action=AuditEvent.Action.UPDATE, obj=current, summary="Chose to import the valid rows")
        transaction.on_commit(lambda: run_import.enqueue(current.pk))
    return redirect("intake:batch", current.pk)


def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_queue(user)
    waiting = list(queue_for(user).order_by("event_at", "pk")[:QUEUE_PAGE])
    record_event(
        actor=user, action=AuditEvent.Action.VIEW, object_type="notification-queue", summary="Match queue viewed"
    )
    return render(
        request,
        "intake/queue.html",
        {
            "waiting": waiting,
            "quarantined": quarantine_for(user).count(),
            "may_upload": can_upload(user),
            "may_confirm": can_confirm_provisional(user),
        },
    )


def _data(notification: Notification) -> dict:
    return json.loads(notification.data)


def queued(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """One queued notification: what it says, the proposals this user may see, and the three choices."""
    user = request.user
    _require_queue(user)
    notification = get_queued_for_user(user, notification_id)
    proposals = visible_proposals(user, notification)
    initial = {"version": notification.version}
    confirm_form = ConfirmChildForm(
        submitted(request) if request.POST.get("choice") == "confirm" else None,
        initial={**initial, "child": proposals[0].pk if proposals else None},
        children=choosable_children(user),
        proposals=_choices(user, proposals),
    )
    provisional_form = ProvisionalChildForm(
        submitted(request) if request.POST.get("choice") == "provisional" else None,
        initial=initial,
        councils=councils_for_provisional(user),
    )
    if request.method == "POST":
        if request.POST.get("choice") == "confirm" and confirm_form.is_valid():
            done = confirm_form.call_action(
                confirm_child,
                notification,
                child=confirm_form.cleaned_data["child"],
                expected_version=confirm_form.cleaned_data["version"],
                acting_user=user,
            )
            if done is not None:
                return redirect("intake:queue")
        elif request.POST.get("choice") == "provisional" and provisional_form.is_valid():
            created = provisional_form.call_action(
                create_provisional_child,
                notification,
                responsible_council=provisional_form.cleaned_data["responsible_council"],
                living_arrangement=provisional_form.cleaned_data["living_arrangement"],
                expected_version=provisional_form.cleaned_data["version"],
                acting_user=user,
            )
            if created is not None:
                return redirect("intake:queue")
    else:
        record_event(
            actor=user, action=AuditEvent.Action.VIEW, obj=notification, summary="Queued police notification viewed"
        )
    status = 409 if confirm_form.conflict or provisional_form.conflict else 200
    return render(
        request,
        "intake/queued.html",
        {
            "notification": notification,
            "data": _data(notification),
            "proposals": proposals,
            "confirm_form": confirm_form,
            "provisional_form": provisional_form,
            "breadcrumbs": [crumb("Match queue", "intake:queue")],
        },
        status=status,
    )


def _choices(user: User, proposals: list):
    """The radios: the proposals this user may see and act on."""
    return choosable_children(user).filter(pk__in=[child.pk for child in proposals])


def quarantine(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_queue(user)
    rows = list(quarantine_for(user).select_related("batch").order_by("-received_at", "row_number")[:QUEUE_PAGE])
    record_event(
        actor=user, action=AuditEvent.Action.VIEW, object_type="notification-quarantine", summary="Quarantine viewed"
    )
    return render(
        request,
        "intake/quarantine.html",
        {"rows": rows, "breadcrumbs": [crumb("Match queue", "intake:queue")]},
    )


# --- provisional records: children created from a police notification, for their council to confirm ---------


def _require_provisional(user: User) -> None:
    if not can_confirm_provisional(user):
        raise PermissionDenied("Provisional records are confirmed by the responsible council's coordinator.")


def provisional_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The council's provisional records waiting to be confirmed (or merged into the record the child has)."""
    user = request.user
    _require_provisional(user)
    records = list(
        provisional_for(user).select_related("child", "notification__police_force").order_by("created_at", "pk")
    )
    record_event(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="provisional-records",
        summary=f"Provisional records viewed ({len(records)})",
    )
    return render(
        request,
        "intake/provisional_list.html",
        {"records": records, "breadcrumbs": [crumb("Match queue", "intake:queue")]},
    )


def provisional_record(request: AuthenticatedHttpRequest, provisional_id: int) -> HttpResponse:
    """One provisional record: what the police notification said; confirm it (correcting the council child ID,
    where the child lives and the placement council) or go to the merge page with the record the child has."""
    user = request.user
    _require_provisional(user)
    provisional = get_provisional_for_user(user, provisional_id)
    child = provisional.child
    choice = request.POST.get("choice")
    confirm_form = ConfirmProvisionalForm(
        submitted(request) if choice == "confirm" else None,
        initial={
            "la_child_id": "",
            "living_arrangement": child.living_arrangement,
            "placement_council": child.placement_council_id,
            "version": child.version,
        },
        councils=Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("name"),
    )
    merge_form = MergeProvisionalForm(submitted(request) if choice == "merge" else None)
    if request.method == "POST":
        if choice == "confirm" and confirm_form.is_valid():
            data = confirm_form.cleaned_data
            done = confirm_form.call_action(
                confirm_provisional_child,
                provisional,
                la_child_id=data["la_child_id"],
                living_arrangement=data["living_arrangement"],
                placement_council=data["placement_council"],
                expected_version=data["version"],
                acting_user=user,
            )
            if done is not None:
                messages.success(request, f"The record was confirmed as child {data['la_child_id'].strip()}")
                return redirect("children:detail", child.pk)
        elif choice == "merge" and merge_form.is_valid():
            existing = (
                children_to_merge_for(user)
                .exclude(pk=child.pk)
                .filter(la_child_id=merge_form.cleaned_data["existing"].strip())
                .first()
            )
            if existing is not None:
                return redirect("children:merge", existing.pk, child.pk)
            merge_form.add_error("existing", "None of your council's other records has this child ID")
    record_child_viewed(child, viewer=user, how="Provisional record from a police report viewed")
    return render(
        request,
        "intake/provisional.html",
        {
            "provisional": provisional,
            "child": child,
            "data": _data(provisional.notification),
            "confirm_form": confirm_form,
            "merge_form": merge_form,
            "candidates": merge_candidates(user, child),
            "breadcrumbs": [
                crumb("Match queue", "intake:queue"),
                crumb("Provisional records", "intake:provisional-list"),
            ],
        },
        status=confirm_form.status_code,
    )
