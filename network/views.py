"""Pages for persons of concern, places, hotspots, children missing together and the network view.

Every page needs a council case role or police (`can_use_network`, else 403); every record is fetched
through `network.scoping` (404 for one the user may not see). Pages that name children write a VIEW audit
event listing the children shown; police-only intelligence reaches only police users of the recording force
because everything here starts from `persons_for`, `places_for` and `child_links_for`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from access.audit import record_event
from access.http import AuthenticatedHttpRequest
from access.models import AuditEvent, User
from access.scoping import get_or_404
from children.actions import record_child_viewed
from children.scoping import caseload_children_for
from core.forms import submitted
from core.pages import crumb
from core.searches import SearchEnded, save_search, saved_criteria
from network import actions
from network.drawing import MAX_CLUSTERS, draw
from network.duplicates import person_proposals, place_proposals, reasons_for
from network.forms import (
    MERGE,
    DuplicateDecisionForm,
    EndLinkForm,
    FindPersonForm,
    FindPlaceForm,
    PersonForm,
    PersonLinkForm,
    PlaceForm,
    PlaceLinkForm,
    SearchForm,
)
from network.models import PersonOfConcern, Place
from network.partnership import (
    FORCE_AREA,
    REGION,
    can_see_partnership_picture,
    partnership_picture,
    region_label,
    region_of,
)
from network.patterns import (
    CHILD,
    PERSON,
    PLACE,
    REASON_LABELS,
    build_network,
    children_missing_together,
    hotspots,
    node,
)
from network.scoping import (
    can_merge_register,
    can_record_police_intelligence,
    can_search_register,
    can_use_network,
    child_links_for,
    get_network_child_for_user,
    get_person_for_user,
    get_person_link_for_user,
    get_place_for_user,
    get_place_link_for_user,
    mergeable_persons_for,
    mergeable_places_for,
    merged_survivor_for,
    network_episodes_for,
    persons_for,
    places_for,
)

PAGE_SIZE = 50
RANKING_ROWS = 50
CLUSTER_ROWS = 50
NAMES_PER_ROW = 25
AUDIT_CHILD_IDS = 2000
PERIOD_CHOICES = [30, 90, 180, 365, 730]


def _require_network(user: User) -> None:
    if not can_use_network(user):
        raise PermissionDenied("Your role does not give access to persons of concern, places or the network.")


def _period(request: AuthenticatedHttpRequest) -> tuple[int, datetime, list[dict]]:
    default = settings.HOMEWARD_NETWORK_PERIOD_DAYS
    try:
        days = int(request.GET.get("days", default))
    except ValueError:
        days = default
    choices = sorted({*PERIOD_CHOICES, default})
    days = days if days in choices else default
    options = [{"value": value, "label": f"Last {value} days", "selected": value == days} for value in choices]
    return days, timezone.now() - timedelta(days=days), options


def _child_names(user: User, ids: set[int]) -> dict[int, str]:
    """Names of the children the user may see, for the ids given (one query)."""
    if not ids:
        return {}
    rows = caseload_children_for(user).filter(pk__in=sorted(ids)).values_list("pk", "first_name", "last_name")
    return {pk: f"{first} {last}" for pk, first, last in rows}


def _audit_view(user: User, summary: str, *, obj: Any = None, child_ids: set[int] | frozenset = frozenset()) -> None:
    """One VIEW event per page, naming the children shown (their ids; never what was shown about them)."""
    ids = sorted(child_ids)
    with transaction.atomic():
        record_event(
            actor=user,
            action=AuditEvent.Action.VIEW,
            obj=obj,
            child_id=ids[0] if len(ids) == 1 else None,
            summary=summary,
            changes={"children_shown": [None, ids[:AUDIT_CHILD_IDS]]} if ids else {},
        )


def _people(user: User, ids: set[int]) -> dict[int, Any]:
    return {p.pk: p for p in persons_for(user).filter(pk__in=sorted(ids))} if ids else {}


def _places(user: User, ids: set[int]) -> dict[int, Any]:
    return {p.pk: p for p in places_for(user).filter(pk__in=sorted(ids))} if ids else {}


def _names_row(ids: list[int], names: dict[int, str]) -> dict:
    shown = [{"pk": pk, "name": names[pk]} for pk in ids[:NAMES_PER_ROW] if pk in names]
    return {"items": shown, "more": max(0, len(ids) - NAMES_PER_ROW)}


# --- Searching persons of concern and places ---------------------------------------------------------


def _search_text(request: AuthenticatedHttpRequest, form: SearchForm) -> str:
    """Searches are posted: the words may be a name, and must not land in URLs or access logs."""
    return form.cleaned_data["q"].strip() if request.method == "POST" and form.is_valid() else ""


def _list_page(request: AuthenticatedHttpRequest, queryset, text: str, what: str):
    if text:
        record_event(actor=request.user, action=AuditEvent.Action.SEARCH, summary=f"Searched {what}")
        return Paginator(queryset, PAGE_SIZE).get_page(1)
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _child_for_return(request: AuthenticatedHttpRequest):
    child_id = request.GET.get("child")
    return get_network_child_for_user(request.user, child_id) if child_id else None


# --- Recording and showing persons of concern and places ---------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """What differs between the pages for persons of concern and for places."""

    form: type[PersonForm | PlaceForm]
    add: Callable[..., PersonOfConcern | Place]
    records_for: Callable[[User], Any]  # the user-scoped queryset of this kind
    order: tuple[str, ...]
    matching: Callable[[str], Q]  # what a search for the words finds
    plural: str
    fields: list[str]
    get_for_user: Callable[[User, int], PersonOfConcern | Place]
    links: str  # the attribute of child_links_for(user) holding this kind's links
    section: str
    list_url: str
    detail_url: str
    link_url: str
    add_title: str
    submit: str
    viewed: str


KINDS = {
    PERSON: _Kind(
        form=PersonForm,
        add=actions.add_person,
        records_for=persons_for,
        order=("display_name", "pk"),
        matching=lambda text: Q(display_name__icontains=text),
        plural="persons of concern",
        fields=actions.PERSON_FIELDS,
        get_for_user=get_person_for_user,
        links="persons",
        section="Persons of concern",
        list_url="network:persons",
        detail_url="network:person",
        link_url="network:link-person",
        add_title="Record a person of concern",
        submit="Record the person",
        viewed="Person of concern viewed",
    ),
    PLACE: _Kind(
        form=PlaceForm,
        add=actions.add_place,
        records_for=places_for,
        order=("name", "pk"),
        matching=lambda text: Q(name__icontains=text) | Q(postcode__istartswith=text.upper()),
        plural="places",
        fields=actions.PLACE_FIELDS,
        get_for_user=get_place_for_user,
        links="places",
        section="Places",
        list_url="network:places",
        detail_url="network:place",
        link_url="network:link-place",
        add_title="Record a place",
        submit="Record the place",
        viewed="Place viewed",
    ),
}


def record_list(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Persons of concern or places (`kind` comes from the URL), searched by POST, with their linked children."""
    user = request.user
    _require_network(user)
    spec = KINDS[kind]
    form = SearchForm(submitted(request))
    text = _search_text(request, form)
    records = spec.records_for(user).select_related("owning_agency").order_by(*spec.order)
    if text:
        records = records.filter(spec.matching(text))
    page = _list_page(request, records, text, spec.plural)
    counts = dict(
        getattr(child_links_for(user), spec.links)
        .filter(ended_at__isnull=True, **{f"{kind}__in": [record.pk for record in page]})
        .values(f"{kind}_id")
        .annotate(children=Count("child_id", distinct=True))
        .values_list(f"{kind}_id", "children")
    )
    rows = [{kind: record, "children": counts.get(record.pk, 0)} for record in page]
    return render(
        request,
        f"network/{kind}_list.html",
        {"form": form, "page": page, "rows": rows, "searched": bool(text), "can_merge": can_merge_register(user)},
    )


def record_add(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Record a person of concern or a place (`kind` comes from the URL); from a child's page, go on to link it."""
    user = request.user
    _require_network(user)
    spec = KINDS[kind]
    child = _child_for_return(request)
    form = spec.form(submitted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # police_only is offered only to police: without it the action's default (not police-only) holds.
        record = form.call_action(
            spec.add, acting_user=user, **{name: data[name] for name in spec.fields if name in data}
        )
        if record is not None:
            messages.success(request, f"{record} recorded")
            if child is not None:
                return redirect(reverse(spec.link_url, args=[child.pk]) + f"?{kind}={record.pk}")
            return redirect(spec.detail_url, record.pk)
    return render(
        request,
        "network/record_form.html",
        {
            "form": form,
            "title": spec.add_title,
            "submit": spec.submit,
            "child": child,
            "breadcrumbs": [crumb(spec.section, spec.list_url)],
        },
        status=form.status_code,
    )


def record_detail(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """A person of concern or a place, with the links to children the user may see."""
    user = request.user
    _require_network(user)
    spec = KINDS[kind]
    survivor = merged_survivor_for(user, PersonOfConcern if kind == PERSON else Place, pk)
    if survivor is not None:
        messages.success(request, f"That {'person' if kind == PERSON else 'place'} was merged into this record")
        return redirect(spec.detail_url, survivor)
    record = spec.get_for_user(user, pk)
    links = list(
        getattr(child_links_for(user), spec.links)
        .filter(**{kind: record})
        .select_related("child", "episode", "owning_agency", "recorded_by")
        .order_by("ended_at", "-linked_on", "-pk")
    )
    _audit_view(user, spec.viewed, obj=record, child_ids={link.child_id for link in links})
    return render(
        request,
        f"network/{kind}_detail.html",
        {
            kind: record,
            "links": links,
            "active_children": len({link.child_id for link in links if link.is_active}),
            "breadcrumbs": [crumb(spec.section, spec.list_url)],
        },
    )


# --- A child's persons and places -------------------------------------------------------------------


def child_network(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    _require_network(user)
    child = get_network_child_for_user(user, child_id)
    links = child_links_for(user)
    person_links = list(
        links.persons.filter(child=child)
        .select_related("person", "episode", "owning_agency")
        .order_by("ended_at", "-linked_on")
    )
    place_links = list(
        links.places.filter(child=child)
        .select_related("place", "episode", "owning_agency")
        .order_by("ended_at", "-linked_on")
    )
    person_ids = {link.person_id for link in person_links if link.is_active}
    place_ids = {link.place_id for link in place_links if link.is_active}
    shared: dict[int, dict] = {}
    for kind, queryset, ids in ((PERSON, links.persons, person_ids), (PLACE, links.places, place_ids)):
        if not ids:
            continue
        rows = (
            queryset.filter(**{f"{kind}_id__in": sorted(ids)}, ended_at__isnull=True)
            .exclude(child=child)
            .values_list("child_id", f"{kind}_id")
        )
        for other, target in rows:
            shared.setdefault(other, {PERSON: set(), PLACE: set()})[kind].add(target)
    names = _child_names(user, set(shared))
    people = {link.person_id: link.person for link in person_links}
    spots = {link.place_id: link.place for link in place_links}
    linked_rows: list[dict[str, Any]] = [
        {
            "pk": other,
            "name": names[other],
            "through": sorted(str(people[p]) for p in found[PERSON]) + sorted(str(spots[p]) for p in found[PLACE]),
        }
        for other, found in shared.items()
        if other in names
    ]
    linked_children = sorted(linked_rows, key=lambda row: (-len(row["through"]), row["name"]))
    record_child_viewed(child, viewer=user, how="Child's persons of concern and places viewed")
    return render(
        request,
        "network/child_network.html",
        {
            "child": child,
            "person_links": person_links,
            "place_links": place_links,
            "linked_children": linked_children,
        },
    )


def _link_page(request: AuthenticatedHttpRequest, child_id: int, kind: str) -> HttpResponse:
    user = request.user
    _require_network(user)
    child = get_network_child_for_user(user, child_id)
    form_class = PersonLinkForm if kind == PERSON else PlaceLinkForm
    form = form_class(
        submitted(request),
        user=user,
        child=child,
        offered=_offered(request, kind),
        initial={kind: request.GET.get(kind)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = actions.link_child_to_person if kind == PERSON else actions.link_child_to_place
        link = form.call_action(
            action,
            acting_user=user,
            child=child,
            source=data["source"],
            linked_on=data["linked_on"],
            confidence=data["confidence"],
            episode=data["episode"],
            interview=data["interview"],
            police_only=data.get("police_only", False),
            notes=data["notes"],
            **{kind: data[kind]},
            **({"relationship": data["relationship"]} if kind == PERSON else {}),
        )
        if link is not None:
            messages.success(request, f"{child.full_name} linked to {data[kind]}")
            return redirect("network:child", child.pk)
    return render(
        request,
        "network/link_form.html",
        {
            "form": form,
            "child": child,
            "kind": kind,
            "title": f"Link {child.full_name} to a {'person of concern' if kind == PERSON else 'place'}",
            "add_url": reverse("network:person-add" if kind == PERSON else "network:place-add") + f"?child={child.pk}",
            "find_url": reverse("network:find-person" if kind == PERSON else "network:find-place", args=[child.pk]),
            "breadcrumbs": [crumb(child.full_name, "network:child", child.pk)],
        },
        status=form.status_code,
    )


# --- Finding a person or place in the partnership register -------------------------------------------

OFFERED_KEY = "network_found_{kind}"
MAX_OFFERED = 100


def _offered(request: AuthenticatedHttpRequest, kind: str) -> list[int]:
    """Persons or places the user found in the partnership register this session: the link form offers them."""
    return [int(pk) for pk in request.session.get(OFFERED_KEY.format(kind=kind), [])][:MAX_OFFERED]


# The kinds of saved search (core.searches) the find pages keep.
FIND_SEARCH = {PERSON: "network-find-person", PLACE: "network-find-place"}


def _find(request: AuthenticatedHttpRequest, kind: str) -> tuple[Any, list | None, bool] | HttpResponse:
    """The find form of both find pages, with its results: (form, found, whether the saved search had ended), or
    the redirect after a valid POST.

    Post/Redirect/Get (issue 15): the identifiers searched for (a phone number, a name) are kept under an opaque
    token (core.searches) and the results have an address, so Back and reload show them again with no "Confirm
    form resubmission", and nothing identifying reaches the URL."""
    user = request.user
    form_class = FindPersonForm if kind == PERSON else FindPlaceForm
    form = form_class(submitted(request))
    if request.method == "POST" and form.is_valid():
        criteria = {name: request.POST.get(name, "") for name in form.fields}
        token = save_search(user, FIND_SEARCH[kind], criteria)
        return redirect(f"{request.path}?search={token}")
    ended = False
    if request.method == "GET" and "search" in request.GET:
        try:
            form = form_class(saved_criteria(user, FIND_SEARCH[kind], request.GET["search"]))
        except SearchEnded:
            ended = True
    found = None
    if form.is_bound and request.method == "GET" and form.is_valid():
        action = actions.find_persons if kind == PERSON else actions.find_places
        found = form.call_action(action, acting_user=user, **form.cleaned_data)
    return form, found, ended


def _find_page(request: AuthenticatedHttpRequest, child_id: int, kind: str) -> HttpResponse:
    """Find a person or place anywhere in the partnership by an exact identifier, to link this child to it.
    Shows the records found, never the children other agencies linked to them."""
    user = request.user
    _require_network(user)
    child = get_network_child_for_user(user, child_id)
    outcome = _find(request, kind)
    if isinstance(outcome, HttpResponse):
        return outcome
    form, found, ended = outcome
    if found is not None:
        key = OFFERED_KEY.format(kind=kind)
        earlier = [pk for pk in _offered(request, kind) if pk not in {f.record.pk for f in found}]
        request.session[key] = ([f.record.pk for f in found] + earlier)[:MAX_OFFERED]
    what = "person" if kind == PERSON else "place"
    return render(
        request,
        "network/find.html",
        {
            "form": form,
            "child": child,
            "kind": kind,
            "found": found,
            "ended": ended,
            "title": f"Find a {what} in the partnership register",
            "link_url": reverse("network:link-person" if kind == PERSON else "network:link-place", args=[child.pk]),
            "add_url": reverse("network:person-add" if kind == PERSON else "network:place-add") + f"?child={child.pk}",
            "breadcrumbs": [crumb(child.full_name, "network:child", child.pk)],
        },
        status=form.status_code,
    )


def register_search(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Find a person or place anywhere in the partnership register by an exact identifier, for no child: the
    network's users, and exploitation teams and MACE panel members (who link no child). Shows the records
    found, never the children linked to them; the search is audited by the action."""
    if not can_search_register(request.user):
        raise PermissionDenied("Only network users, exploitation teams and MACE panel members search the register.")
    outcome = _find(request, kind)
    if isinstance(outcome, HttpResponse):
        return outcome
    form, found, ended = outcome
    what = "person" if kind == PERSON else "place"
    return render(
        request,
        "network/find.html",
        {
            "form": form,
            "kind": kind,
            "found": found,
            "ended": ended,
            "title": f"Find a {what} in the partnership register",
        },
        status=form.status_code,
    )


def find_person(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    return _find_page(request, child_id, PERSON)


def find_place(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    return _find_page(request, child_id, PLACE)


def link_person(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    return _link_page(request, child_id, PERSON)


def link_place(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    return _link_page(request, child_id, PLACE)


def _end_link_page(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    user = request.user
    _require_network(user)
    link = get_person_link_for_user(user, pk) if kind == PERSON else get_place_link_for_user(user, pk)
    if not link.is_active:
        messages.success(request, "That link had already been ended")
        return redirect("network:child", link.child_id)
    form = EndLinkForm(submitted(request), initial={"version": link.version})
    if request.method == "POST" and form.is_valid():
        action = actions.end_person_link if kind == PERSON else actions.end_place_link
        ended = form.call_action(
            action,
            link,
            acting_user=user,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
        if ended is not None:
            messages.success(request, "Link ended. It stays in the child's history.")
            return redirect("network:child", link.child_id)
    return render(
        request,
        "network/end_link.html",
        {
            "form": form,
            "link": link,
            "target": getattr(link, "person" if kind == PERSON else "place"),
            "breadcrumbs": [crumb(link.child.full_name, "network:child", link.child_id)],
        },
        status=form.status_code,
    )


def end_person_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _end_link_page(request, pk, PERSON)


def end_place_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _end_link_page(request, pk, PLACE)


# --- Patterns ---------------------------------------------------------------------------------------


def hotspot_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_network(user)
    days, since, options = _period(request)
    found = hotspots(network_episodes_for(user), child_links_for(user).places, since=since)
    return render(
        request,
        "network/hotspots.html",
        {
            "days": days,
            "options": options,
            "places": found.places[:RANKING_ROWS],
            "places_total": len(found.places),
            "districts": found.districts[:RANKING_ROWS],
            "districts_total": len(found.districts),
        },
    )


def missing_together(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_network(user)
    days, since, options = _period(request)
    links = child_links_for(user)
    result = children_missing_together(network_episodes_for(user), links.persons, links.places, since=since)
    page = Paginator(result.groups, PAGE_SIZE).get_page(request.GET.get("page"))
    groups = list(page)
    names = _child_names(user, {c for g in groups for c in g.children})
    people = _people(user, {p for g in groups for p in g.persons})
    spots = _places(user, {p for g in groups for p in g.places})
    rows = [
        {
            "children": [{"pk": c, "name": names[c]} for c in g.children if c in names],
            "episodes": len(g.episodes),
            "reasons": g.reason_labels,
            "persons": [people[p] for p in sorted(g.persons) if p in people],
            "places": [spots[p] for p in sorted(g.places) if p in spots],
            "first": g.first,
            "last": g.last,
        }
        for g in groups
    ]
    _audit_view(user, "Children missing together viewed", child_ids=set(names))
    return render(
        request,
        "network/missing_together.html",
        {
            "days": days,
            "options": options,
            "rows": rows,
            "page": page,
            "pairs": len(result.pairs),
            "window_days": settings.HOMEWARD_MISSING_TOGETHER_WINDOW_DAYS,
            "found_hours": settings.HOMEWARD_FOUND_TOGETHER_HOURS,
            "seen_hours": settings.HOMEWARD_SEEN_TOGETHER_HOURS,
            "reason_labels": REASON_LABELS.values(),
        },
    )


def _score_terms(entry, names: dict[int, str], network) -> dict:
    """How a ranked score was made, one line a child (the children the user may see, as the row names them)."""
    shown = [
        {
            "name": names[term.child],
            "weight": network.weight_of(term.child).explained,
            "term": term.explained,
        }
        for term in entry.terms[:NAMES_PER_ROW]
        if term.child in names
    ]
    return {"items": shown, "more": max(0, len(entry.terms) - len(shown))}


def partnership(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cross-border picture across the force area, for police, MASH, exploitation teams and MACE panel members
    (network.partnership): children the user may not see are counted, anonymous nodes."""
    user = request.user
    if not can_see_partnership_picture(user):
        raise PermissionDenied(
            "Only police, MASH, exploitation team and MACE panel users see the picture across the force area."
        )
    region = region_of(user)
    # The region's picture when asked for and the user's agency has a region; the force area otherwise.
    area = REGION if request.GET.get("area") == REGION and region else FORCE_AREA
    picture = partnership_picture(user, rows=RANKING_ROWS, area=area)
    summary = "Cross-border picture viewed" if area == FORCE_AREA else "Cross-border picture of the region viewed"
    _audit_view(user, summary, child_ids=picture.named)
    return render(
        request,
        "network/partnership.html",
        {
            "picture": picture,
            "half_life_days": settings.HOMEWARD_NETWORK_HALF_LIFE_DAYS,
            "area": area,
            "region": region_label(region),
        },
    )


def network_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_network(user)
    days, since, options = _period(request)
    links = child_links_for(user)
    episodes = network_episodes_for(user)
    person_links = links.persons.filter(linked_on__gte=timezone.localdate(since))
    place_links = links.places.filter(linked_on__gte=timezone.localdate(since))
    together = children_missing_together(episodes, person_links, place_links, since=since)
    network = build_network(person_links, place_links, episodes, together=together.pairs)
    persons_ranked = network.ranked(PERSON)[:RANKING_ROWS]
    places_ranked = network.ranked(PLACE)[:RANKING_ROWS]
    clusters = network.clusters[:CLUSTER_ROWS]
    people = _people(
        user, {r.pk for r in persons_ranked} | {p for c in network.clusters[:CLUSTER_ROWS] for p in c.persons}
    )
    spots = _places(
        user, {r.pk for r in places_ranked} | {p for c in network.clusters[:CLUSTER_ROWS] for p in c.places}
    )
    child_ids = {c for r in persons_ranked + places_ranked for c in r.children[:NAMES_PER_ROW]}
    child_ids |= {c for cluster in clusters for c in cluster.children[:NAMES_PER_ROW]}
    # Everything the picture may draw: the heaviest clusters, which the table lists first.
    child_ids |= {c for cluster in network.clusters[:MAX_CLUSTERS] for c in cluster.children}
    names = _child_names(user, child_ids)
    labels: dict[str, str] = {}
    hrefs: dict[str, str] = {}
    details: dict[str, str] = {}
    police_only: set[str] = set()
    for pk, name in names.items():
        labels[node(CHILD, pk)] = name
        hrefs[node(CHILD, pk)] = reverse("network:child", args=[pk])
        details[node(CHILD, pk)] = f"weight {network.weight_of(pk).weight:g}"
    for kind, records, viewname in ((PERSON, people, "network:person"), (PLACE, spots, "network:place")):
        for pk, record in records.items():
            labels[node(kind, pk)] = str(record)
            hrefs[node(kind, pk)] = reverse(viewname, args=[pk])
            if record.police_only:
                police_only.add(node(kind, pk))
    for entry in network.ranking:
        count = len(entry.children)
        details[node(entry.kind, entry.pk)] = f"score {entry.score:g}, links {count} child{'' if count == 1 else 'ren'}"
    drawing = draw(network, labels, hrefs, details=details, police_only=police_only)
    drawn_children = {network.graph.nodes[n.name]["pk"] for n in drawing.nodes if n.kind == CHILD}

    def ranked_rows(entries, records):
        return [
            {
                "entry": e,
                "record": records[e.pk],
                "children": _names_row(e.children, names),
                "terms": _score_terms(e, names, network),
            }
            for e in entries
            if e.pk in records
        ]

    cluster_rows = [
        {
            "number": cluster.index + 1,
            "weight": f"{cluster.weight:g}",
            "children": _names_row(cluster.children, names),
            "count": len(cluster.children),
            "persons": [people[p] for p in cluster.persons if p in people],
            "places": [spots[p] for p in cluster.places if p in spots],
        }
        for cluster in clusters
    ]
    shown = {c for r in persons_ranked + places_ranked for c in r.children[:NAMES_PER_ROW]}
    shown |= {c for cluster in clusters for c in cluster.children[:NAMES_PER_ROW]} | drawn_children
    _audit_view(user, "Network of children, persons and places viewed", child_ids=shown & set(names))
    return render(
        request,
        "network/network.html",
        {
            "days": days,
            "options": options,
            "drawing": drawing,
            "persons": ranked_rows(persons_ranked, people),
            "places": ranked_rows(places_ranked, spots),
            "persons_total": len(network.ranked(PERSON)),
            "places_total": len(network.ranked(PLACE)),
            "clusters": cluster_rows,
            "clusters_total": len(network.clusters),
            "half_life_days": settings.HOMEWARD_NETWORK_HALF_LIFE_DAYS,
            "can_record_police_intelligence": can_record_police_intelligence(user),
        },
    )


# --- Likely duplicates in the partnership register ---------------------------------------------------


def _require_merge(user: User) -> None:
    if not can_merge_register(user):
        raise PermissionDenied("Merging persons and places is for the council's coordinator and the police.")


def duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pairs of persons and of places that may be one record twice, with why, for those who may merge them."""
    user = request.user
    _require_merge(user)
    persons, places = person_proposals(user), place_proposals(user)
    _audit_view(user, "Possible duplicates in the partnership register viewed")
    return render(
        request,
        "network/duplicates.html",
        {
            "persons": persons[:RANKING_ROWS],
            "persons_total": len(persons),
            "places": places[:RANKING_ROWS],
            "places_total": len(places),
        },
    )


def _links_of(user: User, kind: str, record: PersonOfConcern | Place) -> dict[str, Any]:
    """The record's links to children the user may see (named), and how many other children it is linked to
    (counted, never named)."""
    model = record.child_links.model
    links = list(
        getattr(child_links_for(user), KINDS[kind].links)
        .filter(**{kind: record})
        .select_related("child", "episode", "owning_agency", "recorded_by")
        .order_by("ended_at", "-linked_on", "-pk")
    )
    seen = {link.child_id for link in links}
    others = (
        model.objects.filter(**{kind: record}, ended_at__isnull=True)
        .exclude(child_id__in=seen)
        .values("child_id")
        .distinct()
        .count()
    )
    return {"record": record, "links": links, "others": others}


def compare_duplicates(request: AuthenticatedHttpRequest, kind: str, first_id: int, second_id: int) -> HttpResponse:
    """Two persons (or places) side by side with the links each has: merge them into the one chosen, or record
    that they are not the same. 403 for a role that may not merge; 404 for a record the user may not merge."""
    user = request.user
    _require_merge(user)
    scope = (mergeable_persons_for(user) if kind == PERSON else mergeable_places_for(user)).select_related(
        "owning_agency"
    )
    first, second = get_or_404(scope, first_id), get_or_404(scope, second_id)
    if first.pk == second.pk:
        raise Http404("Choose two different records")
    form = DuplicateDecisionForm(submitted(request), first=first, second=second)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == MERGE:
            keep, gone = (first, second) if data["survivor"] == str(first.pk) else (second, first)
            versions = {first.pk: data["first_version"], second.pk: data["second_version"]}
            merge = actions.merge_persons if kind == PERSON else actions.merge_places
            kept = form.call_action(
                merge,
                survivor=keep,
                merged=gone,
                survivor_version=versions[keep.pk],
                merged_version=versions[gone.pk],
                reason=data["reason"],
                acting_user=user,
            )
            if kept is not None:
                messages.success(request, f"{gone} was merged into {kept}")
                if KINDS[kind].records_for(user).filter(pk=kept.pk).exists():
                    return redirect(KINDS[kind].detail_url, kept.pk)
                return redirect("network:duplicates")
        else:
            decided = form.call_action(
                actions.dismiss_duplicate, first=first, second=second, reason=data["reason"], acting_user=user
            )
            if decided is not None:
                messages.success(request, f"{first} and {second} will not be proposed as duplicates again")
                return redirect("network:duplicates")
    records = [_links_of(user, kind, record) for record in (first, second)]
    _audit_view(
        user,
        f"{'Persons' if kind == PERSON else 'Places'} {first.pk} and {second.pk} compared as possible duplicates",
        child_ids={link.child_id for entry in records for link in entry["links"]},
    )
    return render(
        request,
        f"network/compare_{kind}s.html",
        {
            "form": form,
            "records": records,
            "reasons": reasons_for(first, second),
            "breadcrumbs": [crumb("Possible duplicates", "network:duplicates")],
        },
        status=form.status_code,
    )
