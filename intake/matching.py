"""Which child a notification is about, without guessing (docs/integration.md#matching).

1. Exact identifiers: the council's child ID (within the council named, or the only child with it), the UPN, and
   an NHS number a person confirmed for a child before. One child found by every identifier given, with the same
   date of birth when one is given: a match. Identifiers that point at different children, or a date of birth
   that disagrees: uncertain, to the match queue.
2. Otherwise name and date of birth, tolerantly: spelling variants (one letter off, the same Soundex), a day and
   month transposed, one part of a hyphenated name. This only ever *proposes*: every such notification goes to
   the match queue for a person to confirm.

Matching reads children across councils (a notification may be about any child); what a person then sees of a
proposal is filtered by their own scoping (`intake.scoping`).
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Q

from access.models import Agency, AgencyKind
from children.models import Child
from intake.models import Kind, Notification, Status
from intake.parsing import ParsedNotification

MAX_PROPOSALS = 5


@dataclass
class Match:
    child: Child | None = None  # set only for an exact, certain match
    proposals: list[Child] = field(default_factory=list)
    reason: str = ""


@lru_cache(maxsize=65_536)
def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalpha() or c in " -").lower().replace("-", " ").strip()


@lru_cache(maxsize=65_536)
def soundex(word: str) -> str:
    codes = {
        c: str(d) for d, letters in enumerate(("aeiouyhw", "bfpv", "cgjkqsxz", "dt", "l", "mn", "r")) for c in letters
    }
    word = "".join(c for c in word.lower() if c.isalpha() and c.isascii())
    if not word:
        return ""
    result, last = word[0].upper(), codes.get(word[0], "")
    for c in word[1:]:
        code = codes.get(c, "")
        if code and code != "0" and code != last:
            result += code
        if c not in "hw":
            last = code
    return (result + "000")[:4]


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) <= 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def names_alike(given: str, recorded: str) -> bool:
    """The same name allowing a spelling variant or one part of a hyphenated or double name."""
    a, b = normalise(given), normalise(recorded)
    if not a or not b:
        return False
    if a == b:
        return True
    a_parts, b_parts = set(a.split()), set(b.split())
    if a_parts & b_parts:
        return True
    joined_a, joined_b = a.replace(" ", ""), b.replace(" ", "")
    return _within_one_edit(joined_a, joined_b) or soundex(joined_a) == soundex(joined_b)


def birth_dates(born: date) -> list[date]:
    """The date given and, where it makes a date, the same date with day and month transposed."""
    dates = [born]
    if born.day <= 12 and born.day != born.month:
        dates.append(born.replace(month=born.day, day=born.month))
    return dates


def _council(notification: ParsedNotification) -> Agency | None:
    if not notification.council_code:
        return None
    return Agency.objects.filter(kind=AgencyKind.COUNCIL, code=notification.council_code).first()


def _real_upn(upn: str) -> bool:
    return bool(upn) and not upn.startswith("UN")


def _first_two(children: list[Child]) -> set[int]:
    """At most two of the children (enough to tell one from several), in the children's own order."""
    return {child.pk for child in sorted(children, key=lambda c: (c.last_name, c.first_name, c.pk))[:2]}


class Candidate(NamedTuple):
    """What tolerant matching reads of a child: no whole record is loaded for the many it rules out."""

    pk: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date


def _candidates(dates: Iterable[date]) -> list[Candidate]:
    """The children born on these dates (with a last name), in id order."""
    rows = (
        Child.objects.filter(date_of_birth__in=list(dates))
        .filter(~Q(last_name=""))
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "preferred_name", "date_of_birth")
    )
    return [Candidate(*row) for row in rows.iterator(chunk_size=2000)]


@dataclass
class ExactLookups:
    """The exact identifiers of a chunk of notifications looked up at once (a bulk import's rows): the children
    with each council child ID and UPN the chunk names, and the councils it names. `match_child` then reads these
    instead of asking the database row by row; the answers are the same. Children are not added while a chunk is
    applied (a provisional record is made by a person, later), so the lookups stay true for the chunk."""

    by_child_id: dict[str, list[Child]] = field(default_factory=dict)
    by_upn: dict[str, list[Child]] = field(default_factory=dict)
    councils: dict[str, Agency] = field(default_factory=dict)
    by_pk: dict[int, Child] = field(default_factory=dict)
    by_birth_date: dict[date, list[Candidate]] | None = None  # loaded for the rows that need tolerant matching

    @classmethod
    def for_notifications(cls, notifications: list[ParsedNotification]) -> "ExactLookups":
        child_ids = {n.council_child_id for n in notifications if n.council_child_id}
        upns = {n.upn for n in notifications if _real_upn(n.upn)}
        codes = {n.council_code for n in notifications if n.council_code}
        lookups = cls()
        if child_ids:
            for child in Child.objects.filter(la_child_id__in=child_ids):
                lookups.by_child_id.setdefault(child.la_child_id, []).append(child)
        if upns:
            for child in Child.objects.filter(upn__in=upns):
                lookups.by_upn.setdefault(child.upn, []).append(child)
        if codes:
            for council in Agency.objects.filter(kind=AgencyKind.COUNCIL, code__in=codes).order_by("pk"):
                lookups.councils.setdefault(council.code, council)
        for found in (*lookups.by_child_id.values(), *lookups.by_upn.values()):
            lookups.by_pk.update((child.pk, child) for child in found)
        # The rows no exact identifier in the lookups matches go on to name and date of birth: their candidates
        # are read in one query for the chunk.
        tolerant = {
            born
            for n in notifications
            if n.kind == Kind.MISSING
            and n.first_name
            and n.last_name
            and n.date_of_birth
            and not any(_exact_from(n, lookups, nhs=False).values())
            for born in birth_dates(n.date_of_birth)
        }
        lookups.by_birth_date = {}
        for candidate in _candidates(tolerant) if tolerant else []:
            lookups.by_birth_date.setdefault(candidate.date_of_birth, []).append(candidate)
        return lookups

    def candidates(self, dates: list[date]) -> list[Candidate]:
        if self.by_birth_date is None:
            return _candidates(dates)
        missing = [born for born in dates if born not in self.by_birth_date]
        if missing:  # a row the chunk did not foresee (an NHS number matched nothing): read them now
            for candidate in _candidates(missing):
                self.by_birth_date.setdefault(candidate.date_of_birth, []).append(candidate)
            for born in missing:
                self.by_birth_date.setdefault(born, [])
        return sorted(
            (candidate for born in dates for candidate in self.by_birth_date.get(born, [])), key=lambda c: c.pk
        )


def _exact_from(notification: ParsedNotification, lookups: "ExactLookups", nhs: bool = True) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    if notification.council_child_id:
        children = lookups.by_child_id.get(notification.council_child_id, [])
        council = lookups.councils.get(notification.council_code) if notification.council_code else None
        if council is not None:
            children = [child for child in children if child.responsible_council_id == council.pk]
        found["council child ID"] = _first_two(children)
    if _real_upn(notification.upn):
        found["UPN"] = _first_two(lookups.by_upn.get(notification.upn, []))
    if nhs:
        _learned_nhs(notification, found)
    return found


def _exact(notification: ParsedNotification) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    if notification.council_child_id:
        children = Child.objects.filter(la_child_id=notification.council_child_id)
        council = _council(notification)
        if council is not None:
            children = children.filter(responsible_council=council)
        found["council child ID"] = set(children.values_list("pk", flat=True)[:2])
    if _real_upn(notification.upn):
        found["UPN"] = set(Child.objects.filter(upn=notification.upn).values_list("pk", flat=True)[:2])
    _learned_nhs(notification, found)
    return found


def _learned_nhs(notification: ParsedNotification, found: dict[str, set[int]]) -> None:
    """An NHS number a person confirmed for a child before: always asked of the database, since a notification
    applied earlier in the same import may just have taught it."""
    if notification.nhs_number:
        learned = Notification.objects.filter(
            nhs_number=notification.nhs_number, status=Status.APPLIED, child__isnull=False
        ).values_list("child_id", flat=True)
        found["NHS number"] = set(learned.distinct()[:2])


def _alike(notification: ParsedNotification, child: Candidate) -> bool:
    first_ok = names_alike(notification.first_name, child.first_name) or (
        bool(child.preferred_name) and names_alike(notification.first_name, child.preferred_name)
    )
    return first_ok and names_alike(notification.last_name, child.last_name)


def match_child(notification: ParsedNotification, lookups: ExactLookups | None = None) -> Match:
    """Match one notification; `lookups` (a bulk import's chunk) answers the exact identifiers without a query."""
    exact = _exact(notification) if lookups is None else _exact_from(notification, lookups)
    found = {name: ids for name, ids in exact.items() if ids}
    ids = set().union(*found.values()) if found else set()
    if len(ids) == 1 and all(len(v) == 1 for v in found.values()):
        (only,) = ids
        known = lookups.by_pk.get(only) if lookups is not None else None
        child = known if known is not None else Child.objects.get(pk=only)
        if notification.date_of_birth is None or notification.date_of_birth == child.date_of_birth:
            return Match(child=child, reason=f"Matched by {', '.join(sorted(found))}")
        return Match(
            proposals=[child],
            reason=f"The {', '.join(sorted(found))} matches but the date of birth differs: check before confirming",
        )
    if len(ids) > 1:
        children = list(Child.objects.filter(pk__in=sorted(ids))[:MAX_PROPOSALS])
        return Match(proposals=children, reason="The identifiers given point at different children")
    if not (notification.first_name and notification.last_name and notification.date_of_birth):
        return Match(reason="No child has these identifiers and no name and date of birth were given")
    dates = birth_dates(notification.date_of_birth)
    candidates = lookups.candidates(dates) if lookups is not None else _candidates(dates)
    alike = [candidate for candidate in candidates if _alike(notification, candidate)]
    if not alike:
        return Match(reason="No child with a similar name and date of birth")
    alike.sort(
        key=lambda c: (
            c.date_of_birth != notification.date_of_birth,
            normalise(c.last_name) != normalise(notification.last_name),
        )
    )
    chosen = [candidate.pk for candidate in alike[:MAX_PROPOSALS]]
    found_children = Child.objects.in_bulk(chosen)
    return Match(
        proposals=[found_children[pk] for pk in chosen if pk in found_children],
        reason="Proposed by name and date of birth: a person must confirm",
    )
