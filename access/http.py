"""The request type of a signed-in page, for type hints.

`LoginRequiredMiddleware` (access/middleware.py) turns away every request without a signed-in user before a
view runs, unless the view is marked `@login_not_required`. A view behind it can therefore rely on
`request.user` being a `User`, never `AnonymousUser`; annotating its request as `AuthenticatedHttpRequest`
says so to the type checker. Views that need no sign-in keep `HttpRequest`.
"""

from django.http import HttpRequest

from access.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
