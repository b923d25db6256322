"""The notifications page (the user's own, newest first), marking them read, and the user's choices."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent
from core.forms import submitted
from notifications.actions import mark_all_read, mark_read, may_text, save_preferences
from notifications.codes import DEFAULT_CHANNELS, NotificationKind
from notifications.forms import PreferencesForm
from notifications.models import ContactDetails, NotificationPreference
from notifications.scoping import get_notification_for_user, notifications_for


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    paginator = Paginator(notifications_for(user).order_by("-created_at", "-pk"), settings.HOMEWARD_INBOX_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    record_event(
        actor=user, action=AuditEvent.Action.VIEW, object_type="notification-list", summary="Notifications viewed"
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": notifications_for(user).filter(read_at__isnull=True).count()},
    )


@require_POST
def read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read and open what it is about (a button, so it is a POST)."""
    notification = get_notification_for_user(request.user, notification_id)
    mark_read(notification, acting_user=request.user)
    return redirect(notification.link)


@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = mark_all_read(acting_user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read")
    return redirect("notifications:list")


def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    details = ContactDetails.objects.filter(user=user).first()
    chosen = {p.kind: p.channel for p in NotificationPreference.objects.filter(user=user)}
    initial: dict[str, object] = {
        kind.value: chosen.get(kind.value, DEFAULT_CHANNELS[kind]) for kind in NotificationKind
    }
    initial.update(
        {"mobile_number": details.mobile_number if details else "", "version": details.version if details else 1}
    )
    can_text = may_text(user)
    form = PreferencesForm(submitted(request), initial=initial, can_text=can_text)
    if request.method == "POST" and form.is_valid():
        saved = form.call_action(
            save_preferences,
            acting_user=user,
            channels=form.channels(),
            mobile_number=form.cleaned_data.get("mobile_number", ""),
            expected_version=form.cleaned_data["version"],
        )
        if saved is not None:
            messages.success(request, "Your notification choices are saved")
            return redirect("notifications:list")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "can_text": can_text, "has_email": bool(user.email)},
        status=form.status_code,
    )
