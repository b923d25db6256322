"""Spam and flood protection for the public concern form, with no third-party service.

- A **time-based token**: the form carries the time it was served, signed with the site's key. A post is refused
  if the token is missing, forged, older than HOMEWARD_CONCERN_FORM_HOURS (the page sat open too long: the answers
  are kept and a fresh token issued) or younger than HOMEWARD_CONCERN_MIN_SECONDS (no person reads and fills the
  form that fast; scripts do).
- A **honeypot**: a field hidden from people (CSS `display: none`, so screen readers skip it too) that scripts fill
  in. A post with it filled is answered as if it were sent, and nothing is kept.
- A **rate limit per address**: at most HOMEWARD_CONCERN_RATE_LIMIT posts from one address in
  HOMEWARD_CONCERN_RATE_WINDOW_MINUTES. Addresses are kept only as a keyed hash, and only for the window.
"""

import hashlib
import hmac
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from public.models import ConcernAttempt

FORM_SIGNING_SALT = "public.concern-form"
HONEYPOT_FIELD = "website"


def issue_form_token(issued_at: float | None = None) -> str:
    """A signed token saying when the form was served (now, unless a test says otherwise)."""
    moment = int(issued_at if issued_at is not None else time.time())
    return signing.Signer(salt=FORM_SIGNING_SALT).sign(str(moment))


def form_token_problem(token: str, now: float | None = None) -> str:
    """Why a posted token is refused, as a sentence for the sender; empty when it is good."""
    try:
        issued_at = int(signing.Signer(salt=FORM_SIGNING_SALT).unsign(token or ""))
    except (signing.BadSignature, ValueError):
        return "This form could not be checked. Nothing was sent: check your answers and send the form again"
    age = (now if now is not None else time.time()) - issued_at
    if age > settings.HOMEWARD_CONCERN_FORM_HOURS * 3600:
        return "This form timed out. Nothing was sent: check your answers and send the form again"
    if age < settings.HOMEWARD_CONCERN_MIN_SECONDS:
        return "This form was sent too quickly to be checked. Nothing was sent: check your answers and send it again"
    return ""


def address_digest(address: str | None) -> str:
    """A keyed hash of the sender's address: lets posts from one address be counted without keeping it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "unknown").encode(), hashlib.sha256).hexdigest()


def over_rate_limit(address: str | None) -> bool:
    """Note one post from this address; True when it is over the limit for the window (nothing is sent then).

    Every post counts, valid or not, so a script cannot probe the form's checks without limit. Attempts older than
    the window are deleted here, so the table holds at most one window's posts.
    """
    now = timezone.now()
    window_start = now - timedelta(minutes=settings.HOMEWARD_CONCERN_RATE_WINDOW_MINUTES)
    digest = address_digest(address)
    with transaction.atomic():
        ConcernAttempt.objects.filter(attempted_at__lt=window_start).delete()
        earlier = ConcernAttempt.objects.filter(address_digest=digest, attempted_at__gte=window_start).count()
        ConcernAttempt.objects.create(address_digest=digest, attempted_at=now)
    return earlier >= settings.HOMEWARD_CONCERN_RATE_LIMIT
