"""The MASH queue: concerns sent through a council's public form, and their triage. Every read is audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from access.audit import record_event, record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, User
from core.forms import GovukForm, submitted
from core.pages import crumb
from public.actions import close_concern, create_child_from_concern, link_concern_to_child, refer_concern
from public.codes import ConcernOutcome
from public.forms import CloseConcernForm, LinkChildForm, ProvisionalChildForm, ReferConcernForm
from public.models import Concern
from public.scoping import (
    can_create_child_from,
    children_to_link,
    concerns_for,
    get_concern_for_user,
    sees_mash_queue,
)

RECENTLY_TRIAGED = 20


def _require_mash(user: User) -> None:
    if not sees_mash_queue(user):
        raise PermissionDenied("The MASH queue is for the Multi Agency Safeguarding Hub's workers.")


def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open concerns oldest first (they wait longest), then the most recently triaged."""
    user = request.user
    _require_mash(user)
    mine = concerns_for(user).select_related("council", "child")
    waiting = list(mine.filter(outcome=ConcernOutcome.OPEN).order_by("received_at", "pk"))
    triaged = list(mine.exclude(outcome=ConcernOutcome.OPEN).order_by("-triaged_at", "-pk")[:RECENTLY_TRIAGED])
    record_event(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="concern-list",
        summary=f"MASH queue viewed: {len(waiting)} waiting, {len(triaged)} recently triaged",
    )
    return render(request, "public/staff/queue.html", {"waiting": waiting, "triaged": triaged})


def _crumbs(concern: Concern | None = None) -> list[dict[str, str]]:
    crumbs = [crumb("MASH queue", "public:mash-queue")]
    if concern is not None:
        crumbs.append(crumb(f"Concern {concern.pk}", "public:mash-concern", concern.pk))
    return crumbs


def concern(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    user = request.user
    _require_mash(user)
    current = get_concern_for_user(user, concern_id)
    record_page_viewed(user, current, child_id=current.child_id, summary="Concern from the public viewed")
    return render(
        request,
        "public/staff/concern.html",
        {"concern": current, "may_create_child": can_create_child_from(user, current), "breadcrumbs": _crumbs()},
    )


def _triage_page(
    request: AuthenticatedHttpRequest,
    concern_id: int,
    *,
    form_class: type[GovukForm],
    title: str,
    button: str,
    run,
    allowed=lambda user, concern: True,
) -> HttpResponse:
    """The shared shape of the four triage pages: find the concern (404 outside scope), refuse a closed one or a
    refused role (403), show the form, run the action on a valid post and go back to the concern."""
    user = request.user
    _require_mash(user)
    current = get_concern_for_user(user, concern_id)
    if not allowed(user, current):
        raise PermissionDenied("Only the concern's own council can do this.")
    form = form_class(submitted(request), initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        done = run(form, current, user)
        if done is not None:
            messages.success(request, done)
            return redirect("public:mash-concern", current.pk)
    return render(
        request,
        "public/staff/triage.html",
        {"concern": current, "form": form, "title": title, "button": button, "breadcrumbs": _crumbs(current)},
        status=form.status_code,
    )


def link_child(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    def run(form, current, user):
        la_child_id = form.cleaned_data["la_child_id"].strip()
        child = children_to_link(current).filter(la_child_id__iexact=la_child_id).first()
        if child is None:
            form.add_error(
                "la_child_id",
                f"No child of {current.council.name} has the council child ID {la_child_id}: check it, or create a "
                "provisional record",
            )
            return None
        linked = form.call_action(
            link_concern_to_child,
            current,
            child=child,
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        return linked and f"Concern linked to {child.first_name} {child.last_name} ({child.la_child_id})"

    return _triage_page(
        request, concern_id, form_class=LinkChildForm, title="Link the concern to a child", button="Link", run=run
    )


def create_child(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    def run(form, current, user):
        data = form.cleaned_data
        done = form.call_action(
            create_child_from_concern,
            current,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            expected_version=data["version"],
            acting_user=user,
        )
        return done and f"Provisional record {done.child.la_child_id} created and linked to the concern"

    return _triage_page(
        request,
        concern_id,
        form_class=ProvisionalChildForm,
        title="Create a provisional child's record",
        button="Create record",
        run=run,
        allowed=can_create_child_from,
    )


def refer(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    def run(form, current, user):
        data = form.cleaned_data
        done = form.call_action(
            refer_concern, current, to=data["to"], note=data["note"], expected_version=data["version"], acting_user=user
        )
        return done and f"Concern referred to {done.get_referred_to_display()}"

    return _triage_page(
        request, concern_id, form_class=ReferConcernForm, title="Refer the concern", button="Refer", run=run
    )


def close(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    def run(form, current, user):
        data = form.cleaned_data
        done = form.call_action(
            close_concern,
            current,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
            acting_user=user,
        )
        return done and "Concern closed"

    return _triage_page(
        request, concern_id, form_class=CloseConcernForm, title="Close the concern", button="Close concern", run=run
    )
