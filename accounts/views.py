"""The sign-in page and the two-factor step after it: enter a code, or set up an authenticator app first (which
starts with the enrolment code an administrator issued)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from access.http import AuthenticatedHttpRequest
from accounts.forms import CodeForm, EnrolmentCodeForm
from accounts.two_factor import (
    Outcome,
    check_code,
    check_enrolment_code,
    confirmed_device,
    enforced,
    enrolment_code_accepted,
    enrolment_counter,
    enrolment_device,
    is_locked,
    is_verified,
    lock_minutes,
    qr_code_data_uri,
    safe_next,
    secret_text,
    two_factor_not_required,
    two_factor_url,
)
from core.forms import SignInForm, submitted


class SignInView(auth_views.LoginView):
    """Django's sign-in (username and password, throttled by django-axes), then on to the code step."""

    template_name = "core/sign_in.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Single sign-on (identity app), when set up: a second way in, through the organisation's own account.
        context["single_sign_on"] = settings.HOMEWARD_OIDC_PROVIDER_NAME if settings.HOMEWARD_OIDC_ENABLED else ""
        return context

    def get_success_url(self) -> str:
        url = super().get_success_url()
        return two_factor_url(url) if enforced() else url


def _locked(request: HttpRequest) -> HttpResponse:
    """Too many wrong codes: the session has been signed out; say when to try again (HTTP 429)."""
    if request.user.is_authenticated:
        logout(request)
    response = TemplateResponse(request, "accounts/locked.html", {"cooloff_minutes": lock_minutes()}, status=429)
    return response.render()


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


@two_factor_not_required
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enter the code from the authenticator app (or, with none set up yet, go to set one up)."""
    next_url = _next(request)
    if is_verified(request):
        return redirect(next_url)
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': next_url})}")
    if is_locked(device):
        return _locked(request)
    form = CodeForm(submitted(request))
    failures = device.throttling_failure_count
    if request.method == "POST" and form.is_valid():
        result = check_code(request, device, form.cleaned_data["code"])
        if result.outcome is Outcome.ACCEPTED:
            return redirect(next_url)
        if result.outcome is Outcome.LOCKED:
            return _locked(request)
        form.refuse()
        failures = result.failures
    return TemplateResponse(
        request,
        "accounts/verify.html",
        {"form": form, "next": next_url, "tries_left": settings.HOMEWARD_2FA_FAILURE_LIMIT - failures},
    )


@two_factor_not_required
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: first the enrolment code from an administrator, then scan the QR code (or type
    the key), then confirm with a code from the app."""
    next_url = _next(request)
    if is_verified(request):
        return redirect(next_url)
    if confirmed_device(request.user) is not None:
        # Replacing an app needs the old one reset by an administrator (manage.py reset_two_factor).
        return redirect(two_factor_url(next_url))
    if not enrolment_code_accepted(request):
        return _enrolment_code(request, next_url)
    device = enrolment_device(request.user)
    if is_locked(device):
        return _locked(request)
    form = CodeForm(submitted(request))
    failures = device.throttling_failure_count
    if request.method == "POST" and form.is_valid():
        result = check_code(request, device, form.cleaned_data["code"], enrolling=True)
        if result.outcome is Outcome.ACCEPTED:
            return redirect(next_url)
        if result.outcome is Outcome.LOCKED:
            return _locked(request)
        form.refuse()
        failures = result.failures
    return TemplateResponse(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": next_url,
            "secret": secret_text(device),
            "qr_code": qr_code_data_uri(device),
            "tries_left": settings.HOMEWARD_2FA_FAILURE_LIMIT - failures,
        },
    )


def _enrolment_code(request: AuthenticatedHttpRequest, next_url: str) -> HttpResponse:
    """The first set-up step: the one-time code an administrator issued, so the password alone cannot set up an app."""
    if is_locked(enrolment_counter(request.user)):
        return _locked(request)
    form = EnrolmentCodeForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        result = check_enrolment_code(request, form.cleaned_data["code"])
        if result.outcome is Outcome.ACCEPTED:
            return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': next_url})}")
        if result.outcome is Outcome.LOCKED:
            return _locked(request)
        form.refuse(expired=result.outcome is Outcome.EXPIRED)
        tries_left = result.tries_left
    else:
        tries_left = settings.HOMEWARD_2FA_FAILURE_LIMIT - enrolment_counter(request.user).throttling_failure_count
    return TemplateResponse(
        request, "accounts/enrolment_code.html", {"form": form, "next": next_url, "tries_left": tries_left}
    )


sign_in = login_not_required(SignInView.as_view())
sign_out = two_factor_not_required(auth_views.LogoutView.as_view())
