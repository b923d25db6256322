"""The data quality list: records that make the figures and the returns wrong, each with a link to fix it.

Every check starts from the user's scoped querysets (children.scoping, episodes.scoping, interviews.scoping)
narrowed to the children of their council (responsible for, or placed in its area): the coordinator's and the
team manager's. A council's analyst, who opens no child's record, gets the same list from all records narrowed
the same way to their council (`_scoped_children` and its siblings): child IDs and what is wrong, never a name
or free text, and no link to a record. The checks of missing periods against periods of care are the SSDA903
return's own (returns.validation), run on the council's return for this collection year and the last, so this
list and the return agree.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from access.models import User
from access.scoping import sees_case_work
from children.codes import LegalStatus
from children.models import Child
from children.scoping import can_merge_children, children_for
from children.selectors import likely_duplicates
from core.inbox import long_overdue_before
from core.templatetags.govuk import govuk_date, govuk_datetime
from episodes.codes import EpisodeType
from episodes.models import MissingEpisode
from episodes.scoping import episodes_for
from intake.models import ProvisionalChild
from intake.scoping import can_confirm_provisional
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for
from returns.models import CareEpisode
from returns.ssda903 import CollectionYear, build_return
from returns.validation import RULES, validate_return

# The SSDA903 rules about a missing period and the child's care (returns.validation.RULES).
OUTSIDE_CARE_RULES = ("581", "578", "577", "575")
LIMIT_PER_CHECK = 500


@dataclass(frozen=True)
class Item:
    child_id: int
    child_ref: str  # the council's child ID: the list never shows a name
    what: str
    fix_text: str
    fix_url: str


@dataclass
class Group:
    slug: str
    title: str
    why: str
    items: list[Item] = field(default_factory=list)
    more: int = 0  # items beyond the list's limit


def _scoped_children(user: User) -> QuerySet[Child]:
    return children_for(user) if sees_case_work(user) else Child.objects.all()


def _episodes(user: User) -> QuerySet[MissingEpisode]:
    return episodes_for(user) if sees_case_work(user) else MissingEpisode.objects.all()


def _interviews(user: User) -> QuerySet[ReturnInterview]:
    """The records a check reads: the user's scoped ones, or (for an analyst, who has no case access) every
    record, which each check narrows to the user's council with `_council`."""
    return interviews_for(user) if sees_case_work(user) else ReturnInterview.objects.all()


def _council(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}responsible_council_id": user.agency_id}) | Q(
        **{f"{prefix}placement_council_id": user.agency_id}
    )


def _limited(group: Group, items: Iterable[Item]) -> Group:
    items = list(items)
    group.items, group.more = items[:LIMIT_PER_CHECK], max(len(items) - LIMIT_PER_CHECK, 0)
    return group


def _open_episodes(user: User, now: dt.datetime) -> Group:
    days = settings.HOMEWARD_DATA_QUALITY_OPEN_DAYS
    episodes = (
        _episodes(user)
        .filter(_council(user, "child__"), returned_at__isnull=True, last_seen_at__lt=now - dt.timedelta(days=days))
        .select_related("child")
        .order_by("last_seen_at", "pk")
    )
    return _limited(
        Group(
            "open-episodes",
            f"Episodes with no return recorded after {days} days",
            "A child still missing this long is rare: most often the return was not recorded.",
        ),
        (
            Item(
                e.child_id,
                e.child.la_child_id,
                f"Last seen {govuk_datetime(e.last_seen_at)}, open {(now - e.last_seen_at).days} days",
                "Record the return",
                reverse("episodes:record-return", args=[e.pk]),
            )
            for e in episodes
        ),
    )


def _no_outcome(user: User, now: dt.datetime) -> Group:
    interviews = (
        _interviews(user)
        .filter(_council(user, "child__"), outcome="", due_by__lt=now)
        .exclude(offered_at__isnull=True, due_by__lt=long_overdue_before(now))  # listed apart: to close
        .select_related("child")
        .order_by("due_by", "pk")
    )
    return _limited(
        Group(
            "no-outcome",
            "Returns with no return interview outcome after the due date",
            f"The offer must be made within {settings.HOMEWARD_RHI_DUE_HOURS} hours of the return; record the "
            "offer and its outcome, or that no interview was offered and why.",
        ),
        (
            Item(
                i.child_id,
                i.child.la_child_id,
                f"Due {govuk_datetime(i.due_by)}" + (", offered, no answer recorded" if i.offered_at else ""),
                "Record the outcome" if i.offered_at else "Record the offer",
                reverse("interviews:offer", args=[i.pk]),
            )
            for i in interviews
        ),
    )


def _long_overdue_offers(user: User, now: dt.datetime) -> Group:
    """The offers My work sets apart as too late to make (core.inbox, interviews.work): all of them, to close."""
    days = settings.HOMEWARD_LONG_OVERDUE_DAYS
    interviews = (
        _interviews(user)
        .filter(_council(user, "child__"), outcome="", offered_at__isnull=True, due_by__lt=long_overdue_before(now))
        .select_related("child")
        .order_by("due_by", "pk")
    )
    return _limited(
        Group(
            "long-overdue-offers",
            f"Return interviews never offered, due more than {days} days ago",
            "It is too late to offer these: close each as not offered, saying why, so the return and the figures "
            "count it and My work shows what can still be done first.",
        ),
        (
            Item(
                i.child_id,
                i.child.la_child_id,
                f"Due {govuk_datetime(i.due_by)}, {(now - i.due_by).days} days ago",
                "Close as not offered",
                f"{reverse('interviews:offer', args=[i.pk])}?outcome={Outcome.NOT_OFFERED}",
            )
            for i in interviews
        ),
    )


def _accepted_not_held(user: User, now: dt.datetime) -> Group:
    days = settings.HOMEWARD_DATA_QUALITY_ACCEPTED_DAYS
    since = now - dt.timedelta(days=days)
    interviews = (
        _interviews(user)
        .filter(_council(user, "child__"), outcome=Outcome.ACCEPTED, completed_at__isnull=True)
        .filter(Q(offered_at__lt=since) | Q(offered_at__isnull=True, due_by__lt=since))
        .select_related("child")
        .order_by("offered_at", "pk")
    )
    return _limited(
        Group(
            "accepted-not-held",
            f"Interviews accepted but not recorded as held after {days} days",
            "Record the interview, or the outcome if it did not happen.",
        ),
        (
            Item(
                i.child_id,
                i.child.la_child_id,
                f"Offered {govuk_datetime(i.offered_at)}, accepted" if i.offered_at else "Accepted",
                "Record the interview",
                reverse("interviews:record", args=[i.pk]),
            )
            for i in interviews
        ),
    )


def _children(user: User) -> QuerySet[Child]:
    return _scoped_children(user).filter(_council(user)).order_by("la_child_id", "pk")


def _legal_status_not_known(user: User) -> Group:
    children = _children(user).filter(legal_status=LegalStatus.NOT_KNOWN, episodes__isnull=False).distinct()
    return _limited(
        Group(
            "legal-status-not-known",
            "Children with missing episodes whose legal status is not known",
            "A child reported missing is known to the council now: record their legal status.",
        ),
        (
            Item(c.pk, c.la_child_id, "Legal status: not known", "Open the child's record", _child_url(c.pk))
            for c in children
        ),
    )


def _child_url(child_id: int) -> str:
    return reverse("children:detail", args=[child_id])


def _looked_after_without_care(user: User) -> Group:
    open_care = CareEpisode.objects.open().filter(child=OuterRef("pk"))
    children = _children(user).filter(~Exists(open_care), legal_status=LegalStatus.LOOKED_AFTER)
    return _limited(
        Group(
            "looked-after-no-care",
            "Looked-after children with no open episode of care",
            "The SSDA903 return counts a child as looked after only inside an open episode of care.",
        ),
        (
            Item(c.pk, c.la_child_id, "Looked after, no open care episode", "Open the child's record", _child_url(c.pk))
            for c in children
        ),
    )


def _collection_years(today: dt.date) -> list[CollectionYear]:
    current = today.year if today.month >= 4 else today.year - 1
    return [CollectionYear(current), CollectionYear(current - 1)]


def _outside_care(user: User, today: dt.date) -> Group:
    """The SSDA903 checks of missing periods against care, on this year's and last year's return."""
    visible = set(_episodes(user).filter(child__responsible_council_id=user.agency_id).values_list("pk", flat=True))
    seen: set[tuple[int | None, str]] = set()
    items = []
    assert user.agency is not None  # can_view_data_quality: the user's own council
    for year in _collection_years(today):
        for failure in validate_return(build_return(user.agency, year)):
            if failure.rule not in OUTSIDE_CARE_RULES or failure.missing_episode_pk not in visible:
                continue
            if (failure.missing_episode_pk, failure.rule) in seen:
                continue
            seen.add((failure.missing_episode_pk, failure.rule))
            assert failure.child_pk is not None  # the child's own episode failed the check
            items.append(
                Item(
                    failure.child_pk,
                    failure.child,
                    f"{year.label} return, rule {failure.rule}: {failure.message}",
                    "Check the episode's dates",
                    reverse("episodes:edit", args=[failure.missing_episode_pk]),
                )
            )
    return _limited(
        Group(
            "outside-care",
            "Missing periods outside the child's care",
            "The SSDA903 return refuses a missing period that does not sit inside a period of care ("
            + "; ".join(RULES[rule].checks.lower() for rule in OUTSIDE_CARE_RULES)
            + "). Correct the episode's dates, or the episodes of care.",
        ),
        items,
    )


def _away_not_looked_after(user: User) -> Group:
    episodes = (
        _episodes(user)
        .filter(_council(user, "child__"), episode_type=EpisodeType.AWAY)
        .exclude(child__legal_status=LegalStatus.LOOKED_AFTER)
        .select_related("child")
        .order_by("last_seen_at", "pk")
    )
    return _limited(
        Group(
            "away-not-looked-after",
            "Episodes recorded as away from placement for a child who is not looked after",
            "Away (A) applies only to a child in a care placement; for anyone else the episode is missing (M).",
        ),
        (
            Item(
                e.child_id,
                e.child.la_child_id,
                f"Away from {govuk_date(timezone.localtime(e.last_seen_at).date())}; legal status: "
                f"{e.child.get_legal_status_display().lower()}",
                "Change the episode type",
                reverse("episodes:edit", args=[e.pk]),
            )
            for e in episodes
        ),
    )


def _likely_duplicates(user: User) -> Group:
    """Pairs of the council's children (those it is responsible for) that are probably one child recorded twice
    (children.selectors.likely_duplicates). The coordinator gets a link to review each pair and merge it."""
    merges = can_merge_children(user)
    pairs = likely_duplicates(_scoped_children(user).filter(responsible_council_id=user.agency_id))
    return _limited(
        Group(
            "likely-duplicates",
            "Children who may be recorded twice",
            "Two records with the same date of birth (or day and month swapped) and names that look or sound "
            "alike, or the same UPN. A child recorded twice has their episodes split between two records: review "
            "each pair and merge it if it is one child.",
        ),
        (
            Item(
                pair.first_id,
                f"{pair.first_ref} and {pair.second_ref}",
                f"{pair.why} ({round(pair.score * 100)}% alike)",
                "Review the pair",
                reverse("children:merge", args=[pair.first_id, pair.second_id]) if merges else "",
            )
            for pair in pairs
        ),
    )


def _unconfirmed_provisional(user: User, now: dt.datetime) -> Group:
    """Records created from a police report of a child Homeward did not know (intake.ProvisionalChild), not yet
    confirmed by the council: their child ID is a placeholder, so returns and searches by the council's own ID miss
    them. The coordinator gets a link to confirm or merge each one."""
    confirms = can_confirm_provisional(user)
    waiting = (
        ProvisionalChild.objects.filter(
            confirmed_at__isnull=True,
            child__in=_scoped_children(user).filter(responsible_council_id=user.agency_id, merged_into__isnull=True),
        )
        .select_related("child")
        .order_by("created_at", "pk")
    )
    return _limited(
        Group(
            "unconfirmed-provisional",
            "Provisional records from police reports not yet confirmed",
            "The police reported missing a child Homeward did not know, and a record was created for the council. "
            "Confirm it with the council's own child ID and where the child lives, or merge it into the record "
            "the child already has.",
        ),
        (
            Item(
                p.child_id,
                p.child.la_child_id,
                f"Created {govuk_datetime(p.created_at)}, waiting {(now - p.created_at).days} days",
                "Confirm or merge the record",
                reverse("intake:provisional", args=[p.pk]) if confirms else "",
            )
            for p in waiting
        ),
    )


def problems_for(user: User, now: dt.datetime | None = None) -> list[Group]:
    now = now or timezone.now()
    return [
        _open_episodes(user, now),
        _no_outcome(user, now),
        _long_overdue_offers(user, now),
        _accepted_not_held(user, now),
        _legal_status_not_known(user),
        _looked_after_without_care(user),
        _outside_care(user, timezone.localtime(now).date()),
        _away_not_looked_after(user),
        _likely_duplicates(user),
        _unconfirmed_provisional(user, now),
    ]
