"""Finding children: every query starts from children.scoping, so a search never reaches past the user's scope."""

import datetime as dt
import re

from django.db.models import Q, QuerySet

from access.models import User
from children import hooks
from children.models import Child
from children.scoping import children_for, children_with_record_for

SEARCH_LIMIT = 50
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date_of_birth(text: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd, or None if the text is not one."""
    text = text.strip()
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def search_children(user: User, text: str, *, with_record_only: bool = False) -> QuerySet[Child]:
    """Children the user may see matching the text by name (every word, in any name, partly, any case),
    council child ID (exactly, any case), date of birth, or a police reference on an episode they may see.

    The one search, for the page and the API. `with_record_only` leaves out the children the user reaches only
    through a share (`children_with_record_for`): the API gives a share's recipient the shared item, never the
    child's record, so it does not find those children either.
    """
    scope = children_with_record_for(user) if with_record_only else children_for(user)
    text = " ".join(text.split())
    if not text:
        return scope.none()
    by_name = Q()
    for word in text.split(" "):
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(preferred_name__icontains=word)
    matches = by_name | Q(la_child_id__iexact=text)
    if (born := parse_date_of_birth(text)) is not None:
        matches |= Q(date_of_birth=born)
    for match in hooks.search_matches(user, text):  # a police reference on an episode they may see (episodes)
        matches |= match
    return (
        scope.filter(matches)
        .select_related("responsible_council")
        .order_by("last_name", "first_name", "date_of_birth", "pk")
    )
