"""The administrator's webhook pages: subscriptions (add, end), each one's delivery log, and replay. Thin: the
rules are in webhooks/actions.py, the lookups in webhooks/scoping.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from access.models import User
from core.encryption import decrypt, encrypt
from core.forms import submitted
from core.pages import crumb
from identity.scoping import NOT_ADMINISTRATOR, require_administrator
from webhooks import actions
from webhooks.forms import SubscriptionForm
from webhooks.scoping import get_delivery_for_admin, get_subscription_for_admin, subscriptions_for

NEW_SECRET_SESSION_KEY = "webhooks_new_secret"  # noqa: S105 (a session key name, not a secret)


def _administrator(request: HttpRequest) -> User:
    """The signed-in administrator (403 for anyone else; the login middleware has already sent visitors away)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(NOT_ADMINISTRATOR)
    require_administrator(user)
    return user


def _crumbs(*extra: dict[str, str]) -> list[dict[str, str]]:
    return [crumb("Administration", "identity:users"), *extra]


def subscriptions(request: HttpRequest) -> HttpResponse:
    admin = _administrator(request)
    form = SubscriptionForm(submitted(request), user=admin)
    if request.method == "POST" and form.is_valid():
        result = form.call_action(actions.create_subscription, acting_user=admin, **form.cleaned_data)
        if result is not None:
            request.session[NEW_SECRET_SESSION_KEY] = encrypt(result[1])
            messages.success(request, f"{result[0].client.name} will receive the events you chose")
            return redirect("webhooks:subscriptions")
    new_secret = request.session.pop(NEW_SECRET_SESSION_KEY, None)
    context = {
        "form": form,
        "subscriptions": subscriptions_for(admin).order_by("-active", "client__name", "id"),
        "new_secret": decrypt(new_secret) if new_secret else None,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "webhooks/subscriptions.html", context, status=form.status_code)


def deliveries(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """The delivery log of one subscription, newest first, with replay."""
    admin = _administrator(request)
    subscription = get_subscription_for_admin(admin, subscription_id)
    page = Paginator(subscription.deliveries.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    context = {
        "subscription": subscription,
        "page": page,
        "breadcrumbs": _crumbs(crumb("Webhooks", "webhooks:subscriptions")),
    }
    return render(request, "webhooks/deliveries.html", context)


def end(request: HttpRequest, subscription_id: int) -> HttpResponse:
    admin = _administrator(request)
    subscription = get_subscription_for_admin(admin, subscription_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.end_subscription(subscription, acting_user=admin)
    messages.success(request, f"{subscription.client.name} will receive no more events at {subscription.url}")
    return redirect("webhooks:subscriptions")


def replay(request: HttpRequest, delivery_id: int) -> HttpResponse:
    admin = _administrator(request)
    delivery = get_delivery_for_admin(admin, delivery_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.replay(delivery, acting_user=admin)
    except actions.ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Delivery {delivery.pk} will be sent again")
    return redirect("webhooks:deliveries", subscription_id=delivery.subscription_id)
