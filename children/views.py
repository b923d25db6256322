"""Pages for finding a child, adding one, and the child's record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, Role, User
from access.scoping import EPISODE_EDITOR_ROLES, get_or_404, sees_case_work
from children import hooks
from children.actions import add_child, change_placement, merge_children, record_child_viewed
from children.forms import AddChildForm, ChangePlacementForm, ChildSearchForm, MergeChildrenForm
from children.scoping import (
    can_add_child,
    can_edit_child,
    can_merge_children,
    children_in_full_for,
    children_to_merge_for,
    get_child_for_user,
    in_caseload,
    sees_full_child_record,
)
from children.selectors import SEARCH_LIMIT, records_held, search_children
from core import sections
from core.forms import submitted
from core.pages import crumb
from core.searches import SearchEnded, save_search, saved_criteria


def sees_case_history(user: User) -> bool:
    """Whether the user sees a child's whole record (placement, episodes, interviews), or identifiers only.

    A school's safeguarding lead sees their pupils' identifiers; episodes and interviews reach a school
    only when shared with it.
    """
    return user.has_role(*EPISODE_EDITOR_ROLES, Role.RHI_PRACTITIONER)


CHILD_SEARCH = "children"


def _require_search(user: User) -> None:
    if not sees_case_work(user):
        raise PermissionDenied("Your role does not include finding children's records.")


def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search form. A search is posted (the words are often a child's name, and must not land in URLs or
    access logs), saved, and answered with a redirect to its results page (core.searches)."""
    user = request.user
    _require_search(user)
    reporting = request.GET.get("purpose") == "report" and hooks.report_missing().allowed(user)
    form = ChildSearchForm(submitted(request))
    if form.is_valid() and form.cleaned_data["q"].strip():
        token = save_search(user, CHILD_SEARCH, {"q": form.cleaned_data["q"].strip(), "reporting": reporting})
        return redirect("children:results", token)
    return _search_page(request, form, reporting=reporting)


def results(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """A saved search's results, run afresh for whoever opens it (Back, reload, or a colleague given the link)."""
    user = request.user
    _require_search(user)
    try:
        criteria = saved_criteria(user, CHILD_SEARCH, token)
    except SearchEnded:
        return _search_page(request, ChildSearchForm(), reporting=False, ended=True)
    report_missing = hooks.report_missing()
    reporting = criteria["reporting"] and report_missing.allowed(user)
    text = criteria["q"]
    children = search_children(user, text)
    if reporting:
        children = children.annotate(
            has_open_episode=Exists(report_missing.open_episodes(user).filter(child=OuterRef("pk")))
        )
    # Legal status belongs to the whole record: not shown for a child reached only through a share.
    children = children.annotate(full_record=Exists(children_in_full_for(user).filter(pk=OuterRef("pk"))))
    found = list(children[: SEARCH_LIMIT + 1])
    # The search text may be a child's name: the audit row records that a search happened, never what.
    record_event(actor=user, action=AuditEvent.Action.SEARCH, summary="Searched children")
    return _search_page(request, ChildSearchForm(initial={"q": text}), reporting=reporting, found=found, searched=True)


def _search_page(
    request: AuthenticatedHttpRequest,
    form: ChildSearchForm,
    *,
    reporting: bool,
    found: list | None = None,
    searched: bool = False,
    ended: bool = False,
) -> HttpResponse:
    user = request.user
    found = found or []
    return render(
        request,
        "children/search.html",
        {
            "form": form,
            "searched": searched,
            "ended": ended,
            "results": found[:SEARCH_LIMIT],
            "more": len(found) > SEARCH_LIMIT,
            "limit": SEARCH_LIMIT,
            "reporting": reporting,
            "show_legal_status": sees_case_history(user),
            "can_add_child": can_add_child(user),
            "breadcrumbs": [crumb("My work", "core:my-work")],
        },
    )


def add(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_add_child(user):
        raise PermissionDenied("Your role does not include adding children's records.")
    form = AddChildForm(submitted(request), user=user)
    if request.method == "POST" and form.is_valid():
        child = form.call_action(add_child, acting_user=user, **form.child_fields())
        if child is not None:
            messages.success(request, f"{child.full_name}'s record was added")
            return redirect("children:detail", child.pk)
    return render(
        request,
        "children/add.html",
        {"form": form, "breadcrumbs": [crumb("My work", "core:my-work"), crumb("Find a child", "children:search")]},
        status=form.status_code,
    )


def detail(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = get_child_for_user(user, child_id)
    record_child_viewed(child, viewer=user)
    context: dict = {
        "child": child,
        "age": child.age_on(timezone.localdate()),
        # The whole record for the user's own case roles and emergency access; identifiers only for a school
        # and for the recipient of a share (who sees what was shared in the sharing section).
        "full_record": sees_full_child_record(user, child),
        "breadcrumbs": [crumb("My work", "core:my-work"), crumb("Find a child", "children:search")],
    }
    # The sections apps above children add (risk, Philomena, sharing, subject access), each built by its app.
    for place in ("top", "placement", "bottom"):
        context[f"sections_{place}"] = sections.build(
            f"child:{place}", user, child=child, full_record=context["full_record"]
        )
    if context["full_record"]:
        # Every episode and return interview of the child the user may see, newest first (children.hooks).
        chronology = hooks.chronology(user, child.pk, timezone.now())
        open_episode = next((e["episode"] for e in chronology if "episode" in e and e["episode"].is_open), None)
        context.update(
            chronology=chronology,
            open_episode=open_episode,
            can_report=hooks.report_missing().allowed(user)
            and open_episode is None
            and not child.is_merged
            and in_caseload(user, child.pk),
            record_links=hooks.record_links(user, child),
        )
    return render(request, "children/detail.html", context)


def merge(request: AuthenticatedHttpRequest, first_id: int, second_id: int) -> HttpResponse:
    """Two records proposed as one child (the data quality list's likely duplicates), side by side: the user
    picks the record to keep, says why, and confirms. Their council's coordinator or administrator only (403 for
    any other role); a record outside their council, or already merged, is not found (404)."""
    user = request.user
    if not can_merge_children(user):
        raise PermissionDenied("Merging records is for the council's coordinator or administrator.")
    scope = children_to_merge_for(user).select_related("responsible_council", "placement_council", "school")
    first, second = get_or_404(scope, first_id), get_or_404(scope, second_id)
    if first.pk == second.pk:
        raise Http404("Choose two different records")
    form = MergeChildrenForm(submitted(request), first=first, second=second)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        keep, gone = (first, second) if data["survivor"] == str(first.pk) else (second, first)
        versions = {first.pk: data["first_version"], second.pk: data["second_version"]}
        kept = form.call_action(
            merge_children,
            survivor=keep,
            merged=gone,
            survivor_version=versions[keep.pk],
            merged_version=versions[gone.pk],
            reason=data["reason"],
            acting_user=user,
        )
        if kept is not None:
            messages.success(request, f"Record {gone.la_child_id} was merged into {kept.la_child_id}")
            if sees_full_child_record(user, kept):
                return redirect("children:detail", kept.pk)
            return redirect("core:my-work")
    with transaction.atomic():
        for child in (first, second):
            record_event(
                actor=user,
                action=AuditEvent.Action.VIEW,
                obj=child,
                child_id=child.pk,
                summary="Child record reviewed as a possible duplicate",
            )
    return render(
        request,
        "children/merge.html",
        {
            "form": form,
            "records": [(child, records_held(child.pk)) for child in (first, second)],
            "breadcrumbs": [crumb("My work", "core:my-work"), crumb("Data quality", "analytics:data-quality")],
        },
        status=form.status_code,
    )


def change_placement_page(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """Move the child to a new placement: those who may edit the child (children.scoping.can_edit_child; 403 for
    anyone else who sees the child, 404 for who does not); the action ends the old placement and opens the new."""
    user = request.user
    child = get_child_for_user(user, child_id)
    if not can_edit_child(user, child) or child.is_merged:
        raise PermissionDenied("Your role does not include changing this child's placement.")
    form = ChangePlacementForm(submitted(request), child=child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        placement = form.call_action(
            change_placement,
            child,
            acting_user=user,
            expected_version=data["version"],
            started_on=data["started_on"],
            placement_council=data["placement_council"],
            living_arrangement=data["living_arrangement"],
            provider=data["provider"],
            urn=data["urn"],
            placement_type=data["placement_type"],
            postcode=data["postcode"],
        )
        if placement is not None:
            messages.success(request, f"{child.full_name}'s placement was changed")
            return redirect("children:detail", child.pk)
    else:
        record_child_viewed(child, viewer=user, how="Child's placement opened to change")
    return render(
        request,
        "children/change_placement.html",
        {
            "form": form,
            "child": child,
            "breadcrumbs": [
                crumb("My work", "core:my-work"),
                crumb(child.full_name, "children:detail", child.pk),
            ],
        },
        status=form.status_code,
    )
