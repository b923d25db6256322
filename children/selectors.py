"""Finding children: every query starts from children.scoping, so a search never reaches past the user's scope."""

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet

from access.models import User
from children import hooks
from children.matching import name_key, name_similarity
from children.models import Child, PlacementHistory
from children.scoping import can_edit_child, children_for, children_with_record_for

SEARCH_LIMIT = 50
# A word shorter than this is matched by its letters only: "Al" sounding like "Ali", "Alan" and "Ellie" is noise.
MIN_SOUNDS_LIKE = 3
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
    """Children the user may see matching the text by name (every word, in any name, partly, any case, or
    sounding alike: the phonetic keys of children.matching, so "Jordon Exampel" finds Jordan Example), council
    child ID (exactly, any case), date of birth, or a police reference on an episode they may see.

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
        by_word = Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(preferred_name__icontains=word)
        if len(word) >= MIN_SOUNDS_LIKE and (key := name_key(word)):
            by_word |= Q(first_name_key=key) | Q(last_name_key=key)
        by_name &= by_word
    matches = by_name
    if (born := parse_date_of_birth(text)) is not None:
        matches |= Q(date_of_birth=born)
    for match in hooks.search_matches(user, text):  # a police reference on an episode they may see (episodes)
        matches |= match
    # A record merged into another is found by its council child ID only (its page points to the survivor).
    matches = (matches & Q(merged_into__isnull=True)) | Q(la_child_id__iexact=text)
    return (
        scope.filter(matches)
        .select_related("responsible_council")
        .order_by("last_name", "first_name", "date_of_birth", "pk")
    )


# Two records of the same sex with the same (or day-and-month transposed) date of birth whose names score at least
# this alike are listed as likely duplicates. 0.85 lists "Jordan Example" / "Jordon Exampel", "Mohammed Ali" /
# "Muhammad Ali" and "Amy Smith" / "Amy Smith-Jones", and leaves out twins such as "Amy Smith" / "Zoe Smith". A
# person decides: twins with alike names ("Jack" and "Jake") are listed, and are not merged.
DUPLICATE_THRESHOLD = 0.85


@dataclass(frozen=True)
class DuplicatePair:
    """Two child records that are probably one child: the older record first (the usual survivor)."""

    first_id: int
    first_ref: str
    second_id: int
    second_ref: str
    score: float
    why: str


def _transposed(born: dt.date) -> dt.date | None:
    if born.day > 12 or born.day == born.month:
        return None
    try:
        return born.replace(day=born.month, month=born.day)
    except ValueError:
        return None


def likely_duplicates(children: QuerySet[Child]) -> list[DuplicatePair]:
    """Pairs among these children (already scoped by the caller) that are probably the same child, most alike
    first: the same real UPN, or the same date of birth (or with day and month transposed) and names that score
    at least DUPLICATE_THRESHOLD alike for the same sex (children.matching.name_similarity). Merged records are
    left out.

    The database narrows nothing it cannot on both databases; the rows read are the identifiers only, grouped by
    date of birth in Python, so each name is compared only with the few born the same day."""
    rows = list(
        children.filter(merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "la_child_id", "first_name", "last_name", "date_of_birth", "upn", "sex")
    )
    by_born: dict[dt.date, list[tuple]] = {}
    by_upn: dict[str, list[tuple]] = {}
    for row in rows:
        by_born.setdefault(row[4], []).append(row)
        if row[5] and not row[5].startswith("UN"):
            by_upn.setdefault(row[5], []).append(row)
    found: dict[tuple[int, int], DuplicatePair] = {}

    def alike(a: tuple, b: tuple) -> float:
        return name_similarity(a[2], a[3], b[2], b[3]) if a[6] == b[6] else 0.0

    def add(a: tuple, b: tuple, score: float, why: str) -> None:
        first, second = (a, b) if a[0] < b[0] else (b, a)
        key = (first[0], second[0])
        if key not in found or found[key].score < score:
            found[key] = DuplicatePair(first[0], first[1], second[0], second[1], score, why)

    for same in by_upn.values():
        for i, a in enumerate(same):
            for b in same[i + 1 :]:
                add(a, b, 1.0, "Same UPN")
    for born, group in by_born.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (score := alike(a, b)) >= DUPLICATE_THRESHOLD:
                    add(a, b, score, "Same date of birth, names alike")
        if (other := _transposed(born)) is not None and born < other:
            for a in group:
                for b in by_born.get(other, []):
                    if (score := alike(a, b)) >= DUPLICATE_THRESHOLD:
                        add(a, b, score, "Day and month of birth transposed, names alike")
    return sorted(found.values(), key=lambda pair: (-pair.score, pair.first_ref, pair.second_ref))


def records_held(child_id: int) -> list[tuple[str, int]]:
    """What each app holds about this child record, counted (the merge page shows what would move): the rows of
    every field (to one child or to several) the merge movers handle (children.hooks), by the model's plural name,
    those with any."""
    held = []
    for field in sorted(hooks.moved_fields()):
        label, name = field.rsplit(".", 1)
        model = apps.get_model(label)
        count = model._base_manager.filter(**{name: child_id}).count()  # a ForeignKey or a ManyToManyField
        if count:
            held.append((str(model._meta.verbose_name_plural).capitalize(), count))
    return held


def placement_section(user: User, *, child: Child, full_record: bool, **_: object) -> dict | None:
    """The child record's "Placement" section (core.sections slot "child:placement"): the current placement and
    its history, for those who see the child's whole record (where a child lives is personal data: a school or a
    share's recipient sees identifiers only); the "Change placement" link for those who may edit the child."""
    if not full_record:
        return None
    history = list(PlacementHistory.objects.filter(child_id=child.pk).select_related("council"))
    return {
        "child": child,
        "history": history,
        "can_change": can_edit_child(user, child) and not child.is_merged,
    }
