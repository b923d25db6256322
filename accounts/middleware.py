"""Deny by default, second step: a signed-in user whose code is not yet verified reaches only the 2FA pages."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.two_factor import enforced, is_verified, two_factor_url


class TwoFactorRequiredMiddleware:
    """After `access.middleware.LoginRequiredMiddleware` (and django-otp's OTPMiddleware, which says whether
    this session's code was verified): every page redirects to the code step until it is passed.

    Allowed before then: pages that need no sign-in (`@login_not_required`, such as the sign-in page) and
    views marked `@two_factor_not_required` (the code and set-up pages, sign-out). The API authenticates
    each request by bearer token and is not affected. With HOMEWARD_REQUIRE_2FA off (never in production)
    this does nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not enforced() or request.path.startswith("/api/"):
            return None
        if not request.user.is_authenticated or is_verified(request):
            return None
        request.two_factor_pending = True  # the page shell shows no navigation before the code step
        if not getattr(view_func, "login_required", True) or getattr(view_func, "two_factor_not_required", False):
            return None
        return redirect(two_factor_url(request.get_full_path()))
