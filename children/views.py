"""Pages for finding a child, adding one, and the child's record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, Role, User
from access.scoping import EPISODE_EDITOR_ROLES, sees_case_work
from children import hooks
from children.actions import add_child, record_child_viewed
from children.forms import AddChildForm, ChildSearchForm
from children.scoping import (
    can_add_child,
    caseload_children_for,
    children_in_full_for,
    get_child_for_user,
    sees_full_child_record,
)
from children.selectors import SEARCH_LIMIT, search_children
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
    if context["full_record"]:
        # Every episode and return interview of the child the user may see, newest first (children.hooks).
        chronology = hooks.chronology(user, child.pk, timezone.now())
        open_episode = next((e["episode"] for e in chronology if "episode" in e and e["episode"].is_open), None)
        context.update(
            chronology=chronology,
            open_episode=open_episode,
            can_report=hooks.report_missing().allowed(user)
            and open_episode is None
            and caseload_children_for(user).filter(pk=child.pk).exists(),
            record_links=hooks.record_links(user, child),
        )
    return render(request, "children/detail.html", context)
