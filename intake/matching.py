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
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from access.models import Agency, AgencyKind
from children.models import Child
from intake.models import Notification, Status
from intake.parsing import ParsedNotification

MAX_PROPOSALS = 5


@dataclass
class Match:
    child: Child | None = None  # set only for an exact, certain match
    proposals: list[Child] = field(default_factory=list)
    reason: str = ""


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalpha() or c in " -").lower().replace("-", " ").strip()


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


def _exact(notification: ParsedNotification) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    if notification.council_child_id:
        children = Child.objects.filter(la_child_id=notification.council_child_id)
        council = _council(notification)
        if council is not None:
            children = children.filter(responsible_council=council)
        found["council child ID"] = set(children.values_list("pk", flat=True)[:2])
    if notification.upn and not notification.upn.startswith("UN"):
        found["UPN"] = set(Child.objects.filter(upn=notification.upn).values_list("pk", flat=True)[:2])
    if notification.nhs_number:
        learned = Notification.objects.filter(
            nhs_number=notification.nhs_number, status=Status.APPLIED, child__isnull=False
        ).values_list("child_id", flat=True)
        found["NHS number"] = set(learned.distinct()[:2])
    return found


def _alike(notification: ParsedNotification, child: Child) -> bool:
    first_ok = names_alike(notification.first_name, child.first_name) or (
        bool(child.preferred_name) and names_alike(notification.first_name, child.preferred_name)
    )
    return first_ok and names_alike(notification.last_name, child.last_name)


def match_child(notification: ParsedNotification) -> Match:
    found = {name: ids for name, ids in _exact(notification).items() if ids}
    ids = set().union(*found.values()) if found else set()
    if len(ids) == 1 and all(len(v) == 1 for v in found.values()):
        child = Child.objects.get(pk=next(iter(ids)))
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
    candidates = Child.objects.filter(date_of_birth__in=dates).filter(~Q(last_name="")).order_by("pk")
    proposals = [child for child in candidates.iterator(chunk_size=500) if _alike(notification, child)]
    if not proposals:
        return Match(reason="No child with a similar name and date of birth")
    proposals.sort(
        key=lambda c: (
            c.date_of_birth != notification.date_of_birth,
            normalise(c.last_name) != normalise(notification.last_name),
        )
    )
    return Match(
        proposals=proposals[:MAX_PROPOSALS],
        reason="Proposed by name and date of birth: a person must confirm",
    )
