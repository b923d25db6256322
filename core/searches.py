"""Post/Redirect/Get for searches whose words must stay out of URLs (see core.models.SavedSearch)."""

import datetime as dt
import json
import re
import secrets

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from core.models import SavedSearch

# What secrets.token_urlsafe(32) makes: 43 URL-safe base64 characters.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


class SearchEnded(Exception):
    """The saved search's time is up: the page asks the user to search again."""


def save_search(user, kind: str, criteria: dict) -> str:
    """Keep `criteria` under a new random token for the user's agency, and return the token. Searches whose time
    is up are deleted first, so none outlives HOMEWARD_SAVED_SEARCH_HOURS by more than the next search."""
    now = timezone.now()
    SavedSearch.objects.filter(expires_at__lte=now).delete()
    token = secrets.token_urlsafe(32)
    SavedSearch.objects.create(
        token=token,
        kind=kind,
        owner=user,
        agency_id=user.agency_id,
        criteria=json.dumps(criteria),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.HOMEWARD_SAVED_SEARCH_HOURS),
    )
    return token


def saved_criteria(user, kind: str, token: str) -> dict:
    """The criteria saved under `token` for a search of this kind, for a user of the agency that saved it.

    Http404 for an unknown token, another kind's, or another agency's (an outsider cannot tell it exists);
    SearchEnded once its time is up.
    """
    if not TOKEN_PATTERN.fullmatch(token):  # a tampered token (a NUL byte, say) never reaches the database
        raise Http404("No such search")
    saved = SavedSearch.objects.filter(token=token, kind=kind).first()
    if saved is None or user.agency_id is None or saved.agency_id != user.agency_id:
        raise Http404("No such search")
    if saved.expires_at <= timezone.now():
        raise SearchEnded
    return json.loads(saved.criteria)
