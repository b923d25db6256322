"""Pages for sharing (share, the share, withdraw, what was shared with me) and emergency access (ask, the result,
the review list), and what "Page not found" (core.error_pages) offers on a child's record: emergency access.

Records are reached through the scoped lookups (sharing.scoping and each app's): one the user may not see is a
404; an action their role does not allow on a record they can see is a 403.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access import share_kinds
from access.audit import record_event, record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, Role, User
from access.scoping import can_request_emergency_access, can_see_cases, receives_shares
from children.scoping import children_for, children_in_full_for, get_child_for_user
from core.forms import submitted
from core.pages import crumb
from interviews.scoping import get_interview_for_user
from sharing.actions import (
    acknowledge_share,
    request_emergency_access,
    review_emergency_access,
    share_interview_intelligence,
    share_record,
    withdraw_share,
)
from sharing.forms import (
    AcknowledgeShareForm,
    EmergencyAccessForm,
    InterviewIntelligenceForm,
    ReviewEmergencyAccessForm,
    ShareForm,
    WithdrawShareForm,
)
from sharing.models import EmergencyAccess, Share
from sharing.scoping import (
    can_acknowledge,
    can_review_emergency_access,
    can_share,
    can_share_about,
    can_withdraw_share,
    emergency_access_to_review_for,
    get_share_for_user,
    intelligence_received_by,
    may_acknowledge,
    receives_share,
    shares_received_by,
)
from sharing.selectors import (
    intelligence_persons,
    intelligence_places,
    police_forces_of,
    recipient_agencies,
    recipient_users,
    share_options,
)
from sharing.shareable import INTERVIEW_INTELLIGENCE

CHILD_RECORD_PATH = re.compile(r"^/children/(\d{1,18})/$")
REVIEWED_SHOWN = 100
NOT_A_SHARER = "Only the child's council, the practitioner assigned their interview, or police sharing their own \
intelligence can share information about this child."


def _child_crumbs(child) -> list[dict[str, str]]:
    return [crumb("My work", "core:my-work"), crumb(child.full_name, "children:detail", child.pk)]


# --- Sharing ----------------------------------------------------------------------------------------


def share(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = get_child_for_user(user, child_id)
    if not can_share_about(user, child):
        raise PermissionDenied(NOT_A_SHARER)
    source = request.GET
    # Opened from an item's page ("?episode=12"): only that item is offered.
    options = share_options(user, child, {item.field: source.get(item.field) for item in share_kinds.items()})
    form = ShareForm(
        submitted(request),
        options=options,
        agencies=list(recipient_agencies(user, child)),
        people=list(recipient_users(user, child)),
    )
    if request.method == "POST" and form.is_valid():
        made = form.call_action(share_record, acting_user=user, child=child, **form.action_kwargs())
        if made is not None:
            messages.success(request, f"Shared with {made.recipient}")
            return redirect("sharing:detail", made.pk)
    return render(
        request,
        "sharing/share.html",
        {"form": form, "child": child, "options": options, "breadcrumbs": _child_crumbs(child)},
        status=form.status_code,
    )


def _item_link(user: User, share_: Share) -> str:
    """The page of the shared item, if it has one and the user can open it (the item's app's scoped lookup)."""
    kind = share_kinds.kind(share_.what)
    item_id = share_.item_id
    if kind is None or kind.item is None or item_id is None:
        return ""
    item = share_kinds.item(kind.item)
    if item.url_name and item.visible_to(user).filter(pk=item_id).exists():
        return reverse(item.url_name, args=[item_id])
    return ""


def detail(request: AuthenticatedHttpRequest, share_id: int) -> HttpResponse:
    user = request.user
    share_ = get_share_for_user(user, share_id)
    record_page_viewed(user, share_, child_id=share_.child_id, summary="Share viewed")
    recipient = receives_share(user, share_)
    # What a kind shows beyond its item (police intelligence: the links) is shown to its recipients and to the
    # agency that holds it (the force that shared it); anyone else who may see the share (the child's council)
    # sees that it was shared, not what it said.
    kind = share_kinds.kind(share_.what)
    holders = kind.held_by_sharing_agency if kind is not None else ()
    owner = bool(holders) and user.has_role(*holders) and user.agency_id == share_.from_agency_id
    content = None
    if kind is not None and kind.content is not None and (recipient or owner):
        content = kind.content(share_)
    child = share_.child
    items = list(share_.intelligence_items.select_related("person", "place"))
    # The child's words go with intelligence from an interview only where the sharer chose to include them.
    childs_words = (
        share_.item if share_.include_childs_words and (recipient or not user.has_role(Role.POLICE)) else None
    )
    return render(
        request,
        "sharing/detail.html",
        {
            "items": items,
            "childs_words": childs_words,
            "can_acknowledge": can_acknowledge(user, share_),
            "acknowledge_form": AcknowledgeShareForm(initial={"version": share_.version}),
            "share": share_,
            "child": child,
            "recipient": recipient,
            "item_link": _item_link(user, share_),
            "content": content,
            "content_template": kind.content_template if kind is not None else "",
            "can_withdraw": can_withdraw_share(user, share_),
            "child_link": children_for(user).filter(pk=child.pk).exists(),
            "breadcrumbs": _child_crumbs(child),
        },
    )


@require_POST
def acknowledge(request: AuthenticatedHttpRequest, share_id: int) -> HttpResponse:
    """The recipient confirms they read the share (POST only): a button on the share's page. For intelligence
    from a return interview, the receiving force's police staff acknowledge it as being worked."""
    user = request.user
    share_ = get_share_for_user(user, share_id)
    if not may_acknowledge(user, share_):
        raise PermissionDenied("Only the recipient of this share can acknowledge it.")
    form = AcknowledgeShareForm(request.POST)
    if form.is_valid():
        done = form.call_action(
            acknowledge_share, share_, expected_version=form.cleaned_data["version"], acting_user=user
        )
        if done is not None:
            messages.success(request, "Acknowledged: the sharer can see that it reached you")
            return redirect("sharing:detail", share_.pk)
    return render(
        request,
        "sharing/acknowledge_refused.html",
        {"share": share_, "child": share_.child, "form": form, "breadcrumbs": _child_crumbs(share_.child)},
        status=form.status_code,
    )


def withdraw(request: AuthenticatedHttpRequest, share_id: int) -> HttpResponse:
    user = request.user
    share_ = get_share_for_user(user, share_id)
    if not can_withdraw_share(user, share_):
        raise PermissionDenied("Only whoever made this share, or the child's council, can withdraw it while it runs.")
    form = WithdrawShareForm(submitted(request), initial={"version": share_.version})
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            withdraw_share,
            share_,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, "The share was withdrawn. The recipient can no longer see it.")
            return redirect("sharing:detail", share_.pk)
    return render(
        request,
        "sharing/withdraw.html",
        {
            "form": form,
            "share": share_,
            "child": share_.child,
            "breadcrumbs": [*_child_crumbs(share_.child), crumb("Share", "sharing:detail", share_.pk)],
        },
        status=form.status_code,
    )


def received(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shared with my agency: the active shares the user receives, newest first."""
    user = request.user
    if not receives_shares(user):
        raise PermissionDenied("Your role does not receive shared information.")
    shares = list(
        shares_received_by(user)
        .select_related("child", "to_agency", "to_user", "shared_by", "from_agency")
        .order_by("-shared_at", "-pk")
    )
    child_ids = sorted({s.child_id for s in shares})
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.VIEW,
            object_type="share-list",
            child_id=child_ids[0] if len(child_ids) == 1 else None,
            summary=f"Shared with my agency viewed: {len(shares)} shares",
            changes={"children_shown": [None, child_ids]} if child_ids else {},
        )
    return render(
        request,
        "sharing/received.html",
        {"shares": shares, "breadcrumbs": [crumb("My work", "core:my-work")]},
    )


# --- Emergency access -------------------------------------------------------------------------------


def _require_emergency_role(user: User) -> None:
    if not can_request_emergency_access(user):
        raise PermissionDenied("Your role cannot use emergency access.")


def emergency_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for emergency access. What the page shows and does before the grant is the same whether or not the
    child exists: it never looks the child up until the request, with its reason, is recorded."""
    user = request.user
    _require_emergency_role(user)
    initial = {"child_id": request.GET.get("child")} if (request.GET.get("child") or "").isdigit() else {}
    form = EmergencyAccessForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A child the user can already see in full needs no emergency access: scoped, so it reveals nothing.
        if data["child_id"] is not None:
            own = children_in_full_for(user).filter(pk=data["child_id"]).first()
        else:
            own = (
                children_in_full_for(user)
                .filter(responsible_council=data["council"], la_child_id__iexact=(data["la_child_id"] or "").strip())
                .first()
                if data["council"]
                else None
            )
        if own is not None:
            messages.success(request, "You can already see this record: emergency access was not needed")
            return redirect("children:detail", own.pk)
        access = form.call_action(request_emergency_access, acting_user=user, **form.action_kwargs())
        if access is not None:
            return redirect("sharing:break-glass-result", access.pk)
    return render(
        request,
        "sharing/emergency_access.html",
        {
            "form": form,
            "minutes": settings.HOMEWARD_BREAK_GLASS_MINUTES,
            "breadcrumbs": [crumb("My work", "core:my-work")],
        },
        status=form.status_code,
    )


def emergency_access_result(request: AuthenticatedHttpRequest, access_id: int) -> HttpResponse:
    user = request.user
    _require_emergency_role(user)
    access = EmergencyAccess.objects.select_related("child").filter(user=user, pk=access_id).first()
    if access is None:
        raise Http404("No such request.")
    return render(
        request,
        "sharing/emergency_access_result.html",
        {"access": access, "active": access.is_active(), "breadcrumbs": [crumb("My work", "core:my-work")]},
    )


def _require_reviewer(user: User) -> None:
    if not can_review_emergency_access(user):
        raise PermissionDenied("Only a coordinator or an administrator reviews emergency access.")


def _with_pages_viewed(queryset):
    """Each use with the number of audited reads and changes its user made on that child while it ran."""
    events = (
        AuditEvent.objects.filter(
            actor_id=OuterRef("user_id"),
            child_id=OuterRef("child_id"),
            occurred_at__gte=OuterRef("requested_at"),
            occurred_at__lte=OuterRef("expires_at"),
        )
        .exclude(action=AuditEvent.Action.BREAK_GLASS)
        .order_by()
        .values("actor_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(events_during=Subquery(events)).select_related(
        "user", "user_agency", "child", "child__responsible_council", "reviewed_by"
    )


def _review_rows(user: User, accesses) -> list[dict]:
    visible = set(
        children_for(user).filter(pk__in={a.child_id for a in accesses if a.child_id}).values_list("pk", flat=True)
    )
    return [{"access": access, "child_named": access.child_id in visible} for access in accesses]


def emergency_access_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The review list: uses waiting for review (oldest first), then the latest reviewed."""
    user = request.user
    _require_reviewer(user)
    scoped = _with_pages_viewed(emergency_access_to_review_for(user))
    waiting = list(scoped.filter(reviewed_at__isnull=True).order_by("requested_at", "pk"))
    reviewed = list(scoped.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-pk")[:REVIEWED_SHOWN])
    child_ids = sorted({a.child_id for a in waiting + reviewed if a.child_id})
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.VIEW,
            object_type="emergency-access-list",
            summary=f"Emergency access review list viewed: {len(waiting)} waiting",
            changes={"children_shown": [None, child_ids]} if child_ids else {},
        )
    return render(
        request,
        "sharing/review_list.html",
        {
            "waiting": _review_rows(user, waiting),
            "reviewed": _review_rows(user, reviewed),
            "reviewed_shown": REVIEWED_SHOWN,
            "now": timezone.now(),
            "breadcrumbs": [crumb("My work", "core:my-work")],
        },
    )


def emergency_access_mark_reviewed(request: AuthenticatedHttpRequest, access_id: int) -> HttpResponse:
    user = request.user
    _require_reviewer(user)
    scoped = _with_pages_viewed(emergency_access_to_review_for(user).filter(Q(pk=access_id)))
    try:
        access = scoped.get()
    except (EmergencyAccess.DoesNotExist, ValueError):
        raise Http404("No such use of emergency access, or you do not review it.") from None
    if access.user_id == user.pk:
        raise PermissionDenied("Someone else must review your own use of emergency access.")
    form = ReviewEmergencyAccessForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        done = form.call_action(review_emergency_access, access, note=form.cleaned_data["note"], acting_user=user)
        if done is not None:
            messages.success(request, "Marked as reviewed")
            return redirect("sharing:break-glass-review")
    row = _review_rows(user, [access])[0]
    return render(
        request,
        "sharing/review_item.html",
        {
            "form": form,
            "row": row,
            "access": access,
            "breadcrumbs": [
                crumb("My work", "core:my-work"),
                crumb("Emergency access reviews", "sharing:break-glass-review"),
            ],
        },
        status=form.status_code,
    )


# --- Page not found ---------------------------------------------------------------------------------


def emergency_access_offer(request: HttpRequest) -> dict[str, str]:
    """What sharing adds to "Page not found" (core.error_pages): on a child's record, for roles that may use it,
    the way to ask for emergency access. The link shows for every /children/<id>/ that answers 404, whether or not
    the child exists, so it reveals nothing."""
    match = CHILD_RECORD_PATH.match(request.path)
    user = getattr(request, "user", None)
    if match and user is not None and user.is_authenticated and can_request_emergency_access(user):
        return {"emergency_access_url": f"{reverse('sharing:break-glass')}?child={match.group(1)}"}
    return {}


# --- Intelligence from return interviews, to the police ----------------------------------------------------


def share_intelligence(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    """Pass the persons, places, vehicles, phone numbers and addresses an interview named to a police force."""
    user = request.user
    interview = get_interview_for_user(user, interview_id)
    child = interview.child
    if not can_share(user, child, INTERVIEW_INTELLIGENCE, interview):
        raise PermissionDenied("The coordinator or the interview's practitioner passes intelligence to the police.")
    forces = list(police_forces_of(child))
    persons = list(intelligence_persons(child))
    places = list(intelligence_places(child))
    form = InterviewIntelligenceForm(submitted(request), forces=forces, persons=persons, places=places)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {"persons": set(data["persons"]), "places": set(data["places"])}
        made = form.call_action(
            share_interview_intelligence,
            acting_user=user,
            interview=interview,
            to_agency=next((f for f in forces if str(f.pk) == data["force"]), None),
            persons=[p for p in persons if str(p.pk) in chosen["persons"]],
            places=[p for p in places if str(p.pk) in chosen["places"]],
            vehicles=data["vehicles"].splitlines(),
            phone_numbers=data["phone_numbers"].splitlines(),
            addresses=data["addresses"].splitlines(),
            lawful_basis=data["lawful_basis"],
            lawful_basis_other=data["lawful_basis_other"],
            child_consent=data["child_consent"],
            child_consent_reason=data["child_consent_reason"],
            purpose=data["purpose"],
            include_childs_words=data["include_childs_words"],
        )
        if made is not None:
            messages.success(request, f"Intelligence passed to {made.to_agency}")
            return redirect("sharing:detail", made.pk)
    return render(
        request,
        "sharing/share_intelligence.html",
        {"form": form, "child": child, "interview": interview, "breadcrumbs": _child_crumbs(child)},
        status=form.status_code,
    )


def intelligence(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The force's list of intelligence from return interviews: newest first, those not yet acknowledged on top."""
    user = request.user
    if not user.has_role(Role.POLICE) or not can_see_cases(user):
        raise PermissionDenied("This list is for police staff.")
    shares = list(
        intelligence_received_by(user)
        .select_related("child", "from_agency", "shared_by", "acknowledged_by")
        .annotate(items=Count("intelligence_items"))
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-shared_at", "-pk")
    )
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.VIEW,
            object_type="intelligence-list",
            summary=f"Intelligence from return interviews listed ({len(shares)})",
            changes={"children_shown": [None, sorted({s.child_id for s in shares})]} if shares else {},
        )
    return render(
        request,
        "sharing/intelligence.html",
        {"shares": shares, "breadcrumbs": [crumb("My work", "core:my-work")]},
    )
