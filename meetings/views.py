"""Pages for meetings and their actions. Every record is reached through meetings.scoping (a meeting the user may
not see is a 404; a change their role does not allow on one they can see is a 403); what they read of it is
`meetings.selectors.meeting_view` for them, the same data the packs are built from."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from access.audit import record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import User
from children.models import Child
from children.scoping import get_child_for_user
from core.forms import submitted
from core.pages import crumb
from meetings.actions import (
    add_action,
    add_child_to_meeting,
    call_meeting,
    close_action,
    link_to_meeting,
    record_attendance,
    record_discussion,
)
from meetings.codes import MEETING_FOR_ALERT, SEVERAL_CHILDREN_KINDS, MeetingKind
from meetings.forms import (
    ActionForm,
    AddChildToPanelForm,
    AttendanceForm,
    CallMeetingForm,
    CloseActionForm,
    DiscussionForm,
    LinkForm,
    default_agencies,
)
from meetings.models import Meeting
from meetings.pdf import build_meeting_pdf
from meetings.scoping import (
    agency_reader,
    can_call_about,
    can_call_meeting,
    can_close_action,
    can_manage_meeting,
    get_action_for_user,
    get_meeting_for_user,
    meetings_for,
    pack_agency_for,
    sees_meetings_page,
)
from meetings.selectors import MeetingView, meeting_view, open_actions_for
from network.scoping import child_links_for, persons_for, places_for
from risk.models import Alert
from risk.scoping import get_alert_for_user


def _list_crumbs() -> list[dict[str, str]]:
    return [crumb("Meetings", "meetings:list")]


def _meeting_crumbs(meeting: Meeting) -> list[dict[str, str]]:
    return [*_list_crumbs(), crumb(str(meeting), "meetings:detail", meeting.pk)]


def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not sees_meetings_page(user):
        raise PermissionDenied("Your role does not include meetings.")
    now = timezone.now()
    meetings = meetings_for(user).select_related("chair")
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": meetings.filter(held_at__gte=now).order_by("held_at", "pk"),
            "past": meetings.filter(held_at__lt=now).order_by("-held_at", "-pk")[:50],
            "my_actions": open_actions_for(user),
            "today": timezone.localdate(now),
        },
    )


def call_about_child(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    if not can_call_meeting(user):
        raise PermissionDenied("Only a coordinator or social work manager can call a meeting.")
    return _call(request, get_child_for_user(user, child_id), alert=None)


def call_from_alert(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Call the meeting an alert calls for, pre-filled with the child, the reason and the agencies involved."""
    user = request.user
    if not can_call_meeting(user):
        raise PermissionDenied("Only a coordinator or social work manager can call a meeting.")
    alert = get_alert_for_user(user, alert_id)
    return _call(request, alert.child, alert=alert)


def _call(request: AuthenticatedHttpRequest, child: Child, *, alert: Alert | None) -> HttpResponse:
    user = request.user
    if not can_call_about(user, child):
        raise PermissionDenied("Only a coordinator or manager of the child's council can call a meeting about them.")
    kind = MEETING_FOR_ALERT[alert.kind] if alert is not None else MeetingKind.STRATEGY_DISCUSSION
    form = CallMeetingForm(
        submitted(request),
        user=user,
        children=[child],
        initial={
            "kind": kind,
            "chair": user.pk,
            "children": [child.pk],
            "agencies": [agency.pk for agency in default_agencies(kind, [child])],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = form.call_action(
            call_meeting,
            kind=data["kind"],
            held_at=data["held_at"],
            place=data["place"],
            online=data["online"],
            chair=data["chair"],
            children=list(data["children"]),
            agencies=list(data["agencies"]),
            people=[child.social_worker] if child.social_worker_id else [],
            from_alert=alert,
            acting_user=user,
        )
        if meeting is not None:
            messages.success(request, f"{meeting.get_kind_display()} called")
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/call.html",
        {"form": form, "child": child, "alert": alert, "breadcrumbs": _list_crumbs()},
        status=form.status_code,
    )


def detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = get_meeting_for_user(user, meeting_id)
    view = meeting_view(user, meeting)
    _record_viewed(user, view, "Meeting viewed")
    return render(
        request,
        "meetings/detail.html",
        {
            "view": view,
            "meeting": meeting,
            "manage": can_manage_meeting(user, meeting),
            "several_children": meeting.kind in SEVERAL_CHILDREN_KINDS,
            "pack_agency": pack_agency_for(user, meeting),
            "today": timezone.localdate(),
            "breadcrumbs": _list_crumbs(),
        },
    )


def _record_viewed(user: User, view: MeetingView, summary: str) -> None:
    """Audit a read of the meeting once for each child it showed (so each child's trail has it), or once."""
    child_ids: list[int | None] = [section.child.pk for section in view.children]
    for child_id in child_ids or [None]:
        record_page_viewed(user, view.meeting, child_id=child_id, summary=summary)


def _managed_meeting(request: AuthenticatedHttpRequest, meeting_id: int) -> Meeting:
    meeting = get_meeting_for_user(request.user, meeting_id)
    if not can_manage_meeting(request.user, meeting):
        raise PermissionDenied(
            "Only the chair, or a coordinator or manager of the council that called it, can do this."
        )
    return meeting


def attendance(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _managed_meeting(request, meeting_id)
    form = AttendanceForm(submitted(request), meeting=meeting, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            record_attendance,
            meeting,
            agencies=form.attendance("agency_"),
            people=form.attendance("person_"),
            invite=form.cleaned_data["invite"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, "Attendance recorded")
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {"form": form, "meeting": meeting, "breadcrumbs": _meeting_crumbs(meeting)},
        status=form.status_code,
    )


def add_child(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _managed_meeting(request, meeting_id)
    if meeting.kind not in SEVERAL_CHILDREN_KINDS:
        raise PermissionDenied("Only a MACE panel discusses several children.")
    form = AddChildToPanelForm(submitted(request), user=user, initial={"version": meeting.version})
    form.action_error_fields = {"child": "la_child_id"}
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            add_child_to_meeting,
            meeting,
            child=form.cleaned_data["la_child_id"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, "Child added to the meeting")
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/add_child.html",
        {"form": form, "meeting": meeting, "breadcrumbs": _meeting_crumbs(meeting)},
        status=form.status_code,
    )


def link(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """A MACE panel: the persons and places that link its children, among those the user may see."""
    user = request.user
    meeting = _managed_meeting(request, meeting_id)
    if meeting.kind not in SEVERAL_CHILDREN_KINDS:
        raise PermissionDenied("Only a MACE panel records the persons and places linking children.")
    children = meeting.children.values("child_id")
    links = child_links_for(user)
    persons = (
        persons_for(user)
        .filter(Exists(links.persons.filter(person=OuterRef("pk"), child__in=children)))
        .exclude(pk__in=meeting.persons.values("pk"))
    )
    places = (
        places_for(user)
        .filter(Exists(links.places.filter(place=OuterRef("pk"), child__in=children)))
        .exclude(pk__in=meeting.places.values("pk"))
    )
    form = LinkForm(submitted(request), persons=persons, places=places, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            link_to_meeting,
            meeting,
            persons=form.cleaned_data["persons"],
            places=form.cleaned_data["places"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, "Persons and places linked to the meeting")
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/link.html",
        {"form": form, "meeting": meeting, "breadcrumbs": _meeting_crumbs(meeting)},
        status=form.status_code,
    )


def discussion(request: AuthenticatedHttpRequest, meeting_id: int, child_id: int) -> HttpResponse:
    user = request.user
    meeting = _managed_meeting(request, meeting_id)
    view = meeting_view(user, meeting)
    section = next((s for s in view.children if s.child.pk == _int(child_id)), None)
    if section is None:
        raise Http404("No such child at this meeting, or you do not have access to them.")
    discussed = section.discussed
    form = DiscussionForm(
        submitted(request),
        initial={"discussion": discussed.discussion, "decisions": discussed.decisions, "version": discussed.version},
    )
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            record_discussion,
            discussed,
            discussion=form.cleaned_data["discussion"],
            decisions=form.cleaned_data["decisions"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, "Discussion and decisions recorded")
            return redirect("meetings:detail", meeting.pk)
    if request.method == "GET":
        record_page_viewed(user, discussed, child_id=discussed.child_id, summary="Meeting discussion viewed")
    return render(
        request,
        "meetings/discussion.html",
        {"form": form, "meeting": meeting, "child": section.child, "breadcrumbs": _meeting_crumbs(meeting)},
        status=form.status_code,
    )


def _int(value: str | int) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def new_action(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting = _managed_meeting(request, meeting_id)
    children = [section.child for section in meeting_view(user, meeting).children]
    form = ActionForm(submitted(request), meeting=meeting, children=children)
    if request.method == "POST" and form.is_valid():
        done = form.call_action(add_action, meeting, acting_user=user, **form.cleaned_data)
        if done is not None:
            messages.success(request, f"Action agreed for {done.owner}")
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/new_action.html",
        {"form": form, "meeting": meeting, "breadcrumbs": _meeting_crumbs(meeting)},
        status=form.status_code,
    )


def action(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    user = request.user
    current = get_action_for_user(user, action_id)
    closable = can_close_action(user, current)
    if request.method == "POST" and not closable:
        raise PermissionDenied("Only the action's owner, or whoever runs the meeting, can close it.")
    form = CloseActionForm(submitted(request), initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            close_action,
            current,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, f"Action marked {done.get_status_display().lower()}")
            return redirect("meetings:action", current.pk)
    if request.method == "GET":
        record_page_viewed(user, current, child_id=current.child_id, summary="Meeting action viewed")
    meeting_visible = meetings_for(user).filter(pk=current.meeting_id).exists()
    return render(
        request,
        "meetings/action.html",
        {
            "action": current,
            "form": form,
            "show_form": closable and (current.is_open or form.is_bound),
            "meeting_visible": meeting_visible,
            "overdue": current.is_open and current.due_on < timezone.localdate(),
            "breadcrumbs": _meeting_crumbs(current.meeting) if meeting_visible else _list_crumbs(),
        },
        status=form.status_code,
    )


def _pdf(request: AuthenticatedHttpRequest, meeting_id: int, *, minutes: bool) -> HttpResponse:
    user = request.user
    meeting = get_meeting_for_user(user, meeting_id)
    agency = pack_agency_for(user, meeting)
    if agency is None:
        raise PermissionDenied("The pack is produced for each invited agency, for that agency's own staff.")
    view = meeting_view(agency_reader(agency), meeting)
    pdf = build_meeting_pdf(view, agency=agency, minutes=minutes, produced_by=user)
    what = "Meeting minutes" if minutes else "Meeting pack"
    _record_viewed(user, view, f"{what} produced for {agency}")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "minutes" if minutes else "pack"
    # Ids only: a name in a file name ends up in download folders, browser history and logs.
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-{name}-agency-{agency.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def pack(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _pdf(request, meeting_id, minutes=False)


def minutes(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _pdf(request, meeting_id, minutes=True)
