"""Pages for alerts, exploitation screenings and referrals.

Every record is reached through the scoped lookups (risk.scoping, children.scoping):
one the user may not see is a 404; an action their
role does not allow on a record they can see is a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from access.audit import record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import Role, User
from children.models import Child
from children.scoping import get_child_for_user
from core.forms import submitted
from core.pages import crumb
from episodes.scoping import episodes_for
from risk.actions import (
    acknowledge_alert,
    assign_alert,
    can_hold_alert,
    make_referral,
    record_screening,
    update_referral_status,
)
from risk.codes import REFERRAL_TRANSITIONS, IndicatorTiming
from risk.forms import AcknowledgeAlertForm, AssignAlertForm, ReferralForm, ReferralStatusForm, ScreeningForm
from risk.hooks import alert_links
from risk.models import Alert
from risk.scoping import (
    can_acknowledge_alert,
    can_refer,
    can_screen,
    can_update_referral,
    get_alert_for_user,
    get_referral_for_user,
    get_screening_for_user,
    screenings_for,
    sees_alerts,
)
from risk.selectors import interview_needing_screening, open_alerts
from risk.work import can_reassign_alert


def _child_crumbs(child: Child) -> list[dict[str, str]]:
    return [crumb("My work", "core:my-work"), crumb(child.full_name, "children:detail", child.pk)]


def alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not sees_alerts(user):
        raise PermissionDenied("Your role does not include seeing alerts.")
    rows = [
        {"alert": alert, "mine": alert.for_role in user.roles, "can_acknowledge": can_acknowledge_alert(user, alert)}
        for alert in open_alerts(user)
    ]
    return render(
        request,
        "risk/alerts.html",
        {"rows": rows, "breadcrumbs": [crumb("My work", "core:my-work")]},
    )


def _alert_episode_visible(user: User, alert: Alert) -> bool:
    return alert.episode_id is not None and episodes_for(user).filter(pk=alert.episode_id).exists()


def acknowledge(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    user = request.user
    alert = get_alert_for_user(user, alert_id)
    allowed = can_acknowledge_alert(user, alert) and alert.is_open
    if request.method == "POST" and not can_acknowledge_alert(user, alert):
        raise PermissionDenied(f"Only the child's council's {Role(alert.for_role).label.lower()} can acknowledge this.")
    form = AcknowledgeAlertForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        done = form.call_action(
            acknowledge_alert,
            alert,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            acting_user=user,
        )
        if done is not None:
            messages.success(request, f"Decision recorded: {done.get_decision_display().lower()}")
            return redirect("children:detail", alert.child_id)
    if request.method == "GET":
        record_page_viewed(user, alert, child_id=alert.child_id, summary="Alert viewed")
    return render(
        request,
        "risk/acknowledge.html",
        {
            "alert": alert,
            "child": alert.child,
            "form": form,
            "show_form": allowed or form.is_bound,
            "for_role": Role(alert.for_role).label,
            "episode_visible": _alert_episode_visible(user, alert),
            "follow_ups": alert_links(user, alert),
            "can_reassign": can_reassign_alert(user, alert),
            "breadcrumbs": [*_child_crumbs(alert.child), crumb("Alerts", "risk:alerts")],
        },
        status=form.status_code,
    )


def _colleagues_who_could_decide(alert: Alert) -> list[User]:
    """The active users of the child's councils who hold the alert's role: whom it may be handed to."""
    councils = [alert.child.responsible_council_id, alert.child.placement_council_id]
    candidates = User.objects.filter(
        is_active=True, agency_id__in=councils, role_assignments__role=alert.for_role
    ).select_related("agency")
    ordered = candidates.distinct().order_by("last_name", "first_name", "pk")
    return [person for person in ordered if can_hold_alert(person, alert)]


def assign(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Hand the decision on an open alert to a colleague (optimistic locking: a stale form is refused)."""
    user = request.user
    alert = get_alert_for_user(user, alert_id)
    if not can_reassign_alert(user, alert):
        raise PermissionDenied("Only the child's council's coordinator, managers or the alert's role can hand it on.")
    initial = {"version": alert.version, "assigned_to": str(alert.assigned_to_id or "") or None}
    form = AssignAlertForm(submitted(request), initial=initial, colleagues=_colleagues_who_could_decide(alert))
    if request.method == "POST" and form.is_valid():
        colleague = form.chosen_colleague()
        done = form.call_action(
            assign_alert, alert, assignee=colleague, expected_version=form.cleaned_data["version"], acting_user=user
        )
        if done is not None:
            messages.success(request, f"Alert handed to {colleague}" if colleague else "Back to anyone in its role")
            return redirect("core:my-work")
    return render(
        request,
        "risk/assign.html",
        {"alert": alert, "child": alert.child, "form": form, "breadcrumbs": [*_child_crumbs(alert.child)]},
        status=form.status_code,
    )


def screen(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = get_child_for_user(user, child_id)
    if not can_screen(user, child):
        raise PermissionDenied("Only the child's council's coordinator, social workers and managers can screen.")
    form = ScreeningForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        screening = form.call_action(record_screening, child, acting_user=user, **form.action_kwargs())
        if screening is not None:
            messages.success(request, f"Exploitation screening recorded: {screening.get_level_display().lower()}")
            return redirect("risk:screening", screening.pk)
    return render(
        request,
        "risk/screen.html",
        {
            "form": form,
            "child": child,
            "prompt_interview": interview_needing_screening(user, child),
            "breadcrumbs": _child_crumbs(child),
        },
        status=form.status_code,
    )


def screening(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    user = request.user
    current = get_screening_for_user(user, screening_id)
    child = current.child
    record_page_viewed(user, current, child_id=child.pk, summary="Exploitation screening viewed")
    history = list(
        screenings_for(user).filter(child=child).select_related("screened_by").order_by("-screened_at", "-pk")
    )
    labels = dict(IndicatorTiming.choices)
    return render(
        request,
        "risk/screening.html",
        {
            "screening": current,
            "child": child,
            "is_latest": bool(history) and history[0].pk == current.pk,
            "indicators": [
                {"label": row.get_code_display(), "timing": labels[row.timing]}
                for timing in (IndicatorTiming.RECENT, IndicatorTiming.HISTORICAL)
                for row in current.indicators.all()
                if row.timing == timing
            ],
            "history": history,
            "can_screen": can_screen(user, child),
            "breadcrumbs": _child_crumbs(child),
        },
    )


def refer(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = get_child_for_user(user, child_id)
    if not can_refer(user, child):
        raise PermissionDenied("Your role does not include making referrals for this child.")
    form = ReferralForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        referral = form.call_action(make_referral, child, acting_user=user, **form.cleaned_data)
        if referral is not None:
            messages.success(request, f"Referral made to {referral.get_to_display()}")
            return redirect("risk:referral", referral.pk)
    return render(
        request,
        "risk/refer.html",
        {"form": form, "child": child, "breadcrumbs": _child_crumbs(child)},
        status=form.status_code,
    )


def referral(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    current = get_referral_for_user(user, referral_id)
    editable = can_update_referral(user, current)
    if request.method == "POST" and not editable:
        raise PermissionDenied("Only the child's council, or whoever made the referral, can record its outcome.")
    form = ReferralStatusForm(submitted(request), current_status=current.status, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        updated = form.call_action(
            update_referral_status,
            current,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if updated is not None:
            messages.success(request, f"Referral marked {updated.get_status_display().lower()}")
            return redirect("risk:referral", current.pk)
    if request.method == "GET":
        record_page_viewed(user, current, child_id=current.child_id, summary="Referral viewed")
    return render(
        request,
        "risk/referral.html",
        {
            "referral": current,
            "child": current.child,
            "history": current.status_changes.select_related("changed_by"),
            "form": form,
            "show_form": editable and (bool(REFERRAL_TRANSITIONS[current.status]) or form.is_bound),
            "breadcrumbs": _child_crumbs(current.child),
        },
        status=form.status_code,
    )
