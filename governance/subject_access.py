"""Subject access: everything Homeward holds about one child, as JSON (and as an HTML file to read).

Used by `manage.py export_child_record` and the coordinator's subject access page. The child is the data
subject, so their records go in whole, including what they said in return interviews (decrypted). Two
things do not, each said in the export's `withheld` notes:

* Police-only intelligence (persons, places and links a force marked police-only, shares of police
  intelligence, and the audit events about any of them): third-party intelligence
  held for crime prevention, withheld under the crime and taxation exemption (Data Protection Act 2018,
  Schedule 2, paragraph 2) for the force to decide on. The export never says whether any exists.
* What identifies other people linked to the child: a person of concern's aliases, description, vehicles and
  phone numbers, and a place's address (third-party data, DPA 2018 Schedule 2 paragraph 16); the link,
  its date and source, the person's short label and the place's name stay.

Other children's names are redacted wherever they appear in free text: the full name (first or preferred
name with surname, any case) of any other child Homeward holds, and their first or preferred name on its own
(as written, capitalised), unless it is also one of this child's own names. Each becomes "[another child]".

Records of apps this module does not name (such as shares, emergency access and Philomena profiles, with
their versions and photos) are found through their relation to the child and exported field by field, one
level of child records deep; police-only rows are left out the same way. A photo is listed by its file name
and checksum, not embedded.
"""

import datetime as dt
import decimal
import itertools
import json
import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from access.models import AuditEvent, User
from children.models import Child
from episodes.models import EpisodeFoundWith, MissingEpisode
from interviews.models import ReturnInterview
from network.models import ChildPersonLink, ChildPlaceLink
from network.shareable import POLICE_INTELLIGENCE  # a share of police intelligence is police-only too
from returns.models import CareEpisode
from risk.models import Alert, Referral, Screening

REDACTED = "[another child]"
FORMAT_VERSION = 1
WITHHELD_NOTES = [
    "Police-only intelligence is not included. It is withheld under the crime and taxation exemption "
    "(Data Protection Act 2018, Schedule 2, paragraph 2) for the police force that holds it to decide on; "
    "this export does not say whether any exists.",
    "Details that identify other people linked to the child (a person's aliases, description, vehicles and "
    "phone numbers, and a place's address) are withheld as third-party information (Data Protection Act 2018, "
    "Schedule 2, paragraph 16). The links themselves, with their dates and sources, are included.",
    f"Other children's names are replaced with {REDACTED} wherever they appear in free text.",
    "Staff IP addresses and the pages they used are not included in the list of who viewed or changed the "
    "record; the full audit trail is kept for the council's auditors.",
    "Review this export before release: free text can name other people (family members, carers, friends) "
    "whose details may need redacting under the same exemptions.",
]
# Handled explicitly below; every other model related to Child is exported generically.
EXPLICIT_MODELS = {
    CareEpisode,
    MissingEpisode,
    ReturnInterview,
    Alert,
    Screening,
    Referral,
    ChildPersonLink,
    ChildPlaceLink,
}
SKIP_APPS = {"analytics", "governance"}  # derived statistics, and the retention bookkeeping
SKIP_FIELDS = {"version"}
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


# --- Redaction of other children's names -----------------------------------------------------------


def _words(text: str) -> list[str]:
    return WORD.findall(text or "")


def _stem(word: str) -> str:
    """The word without a possessive 's (Riley's -> Riley)."""
    return re.sub(r"['\u2019][sS]$", "", word)


class NameRedactor:
    """Replaces other children's names in free text with "[another child]" (see the module docstring)."""

    def __init__(self, subject: Child, others: Iterable[tuple[str, str, str]] | None = None) -> None:
        own_words = {
            w.lower() for name in (subject.first_name, subject.last_name, subject.preferred_name) for w in _words(name)
        }
        own_full = {
            tuple(w.lower() for w in _words(f"{given} {subject.last_name}"))
            for given in (subject.first_name, subject.preferred_name)
            if given
        }
        if others is None:
            others = Child.objects.exclude(pk=subject.pk).values_list("first_name", "last_name", "preferred_name")
        self.full: set[tuple[str, ...]] = set()
        self.single: set[str] = set()
        for first, last, preferred in others:
            for given in (first, preferred):
                if not given or given == "[removed]":
                    continue
                full = tuple(w.lower() for w in _words(f"{given} {last}"))
                if len(full) >= 2 and full not in own_full:
                    self.full.add(full)
                for word in _words(given):
                    if len(word) > 1 and word.lower() not in own_words:
                        self.single.add(word)
        self.longest = max((len(name) for name in self.full), default=0)

    def redact(self, text: str) -> str:
        if not text or not (self.full or self.single):
            return text
        tokens = list(WORD.finditer(text))
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            matched = 0
            for size in range(min(self.longest, len(tokens) - i), 1, -1):
                window = tokens[i : i + size]
                gaps_are_spaces = all(text[a.end() : b.start()].isspace() for a, b in itertools.pairwise(window))
                words = [t.group().lower() for t in window]
                if gaps_are_spaces and (tuple(words) in self.full or (*words[:-1], _stem(words[-1])) in self.full):
                    matched = size
                    break
            if not matched and (tokens[i].group() in self.single or _stem(tokens[i].group()) in self.single):
                matched = 1
            if matched:
                last = tokens[i + matched - 1]
                end = last.start() + len(_stem(last.group()))  # a possessive 's stays: "[another child]'s"
                spans.append((tokens[i].start(), end))
                i += matched
            else:
                i += 1
        for start, end in reversed(spans):
            text = text[:start] + REDACTED + text[end:]
        return text


# --- Serialising records -------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _is_free_text(field: models.Field) -> bool:
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def serialise(obj: models.Model, redactor: NameRedactor, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Every stored field of a record: coded values as their labels, people and agencies by name, free text
    with other children's names redacted, files by name."""
    skipped = set(skip) | SKIP_FIELDS
    data: dict[str, Any] = {"id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in skipped:
            continue
        if field.is_relation:
            if field.related_model is Child:
                continue
            related = getattr(obj, field.name)
            data[field.name] = (
                None
                if related is None
                else (
                    str(related) if not isinstance(related, User) else related.get_full_name() or related.get_username()
                )
            )
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        elif field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        elif _is_free_text(field) and isinstance(value, str):
            value = redactor.redact(value)
        elif isinstance(field, models.JSONField):
            value = json.loads(json.dumps(value, default=str))
        data[field.name] = _plain(value)
    return data


def _network_links(child: Child, redactor: NameRedactor) -> dict[str, list[dict]]:
    persons = ChildPersonLink.objects.filter(child=child, police_only=False, person__police_only=False)
    places = ChildPlaceLink.objects.filter(child=child, police_only=False, place__police_only=False)
    return {
        "persons": [
            {
                **serialise(link, redactor, skip=["person"]),
                "person": {"label": redactor.redact(link.person.display_name), "kind": link.person.get_kind_display()},
            }
            for link in persons.select_related("person").order_by("linked_on", "pk")
        ],
        "places": [
            {
                **serialise(link, redactor, skip=["place"]),
                "place": {
                    "name": link.place.name,
                    "kind": link.place.get_kind_display(),
                    "postcode": link.place.postcode,
                },
            }
            for link in places.select_related("place").order_by("linked_on", "pk")
        ],
    }


def _related_accessors(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every model with a foreign key or one-to-one to `target`."""
    found = []
    for other in apps.get_models():
        if other._meta.app_label in SKIP_APPS or other in EXPLICIT_MODELS:
            continue
        for field in other._meta.concrete_fields:
            if field.is_relation and field.related_model is target and (field.many_to_one or field.one_to_one):
                found.append((other, field.name))
    return found


def _is_police_intelligence(row: models.Model) -> bool:
    """Police-only itself, pointing at a police-only record (a person, place or link), or a share of police
    intelligence: withheld whole, so the export neither confirms nor denies that any exists."""
    if getattr(row, "police_only", False) or getattr(row, "what", None) == POLICE_INTELLIGENCE:
        return True
    for field in row._meta.concrete_fields:
        related_model = field.related_model
        if related_model is not None and any(f.name == "police_only" for f in related_model._meta.concrete_fields):
            related = getattr(row, field.name)
            if related is not None and related.police_only:
                return True
    return False


def _visible_rows(model: type[models.Model], **lookup: Any) -> list[models.Model]:
    rows = model._default_manager.filter(**lookup).order_by("pk")
    return [row for row in rows if not _is_police_intelligence(row)]


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _other_records(child: Child, redactor: NameRedactor) -> dict[str, list[dict]]:
    """Records of other apps that point at the child (and the records that point at those), field by field."""
    result: dict[str, list[dict]] = {}
    for model, field_name in _related_accessors(Child):
        rows = []
        for row in _visible_rows(model, **{field_name: child}):
            data = serialise(row, redactor)
            for inner, inner_field in _related_accessors(model):
                if inner is model:
                    continue
                inner_rows = [
                    serialise(r, redactor, skip=[inner_field]) for r in _visible_rows(inner, **{inner_field: row})
                ]
                if inner_rows:
                    data[_label(inner)] = inner_rows
            rows.append(data)
        if rows:
            result[_label(model)] = rows
    return result


def _withheld_objects(child: Child) -> set[tuple[str | None, str]]:
    """(object_type, object_id) of the child's police intelligence records, whose audit events are left out too."""
    withheld: set[tuple[str | None, str]] = set()
    link_model: type[ChildPersonLink | ChildPlaceLink]
    for link_model, target in ((ChildPersonLink, "person"), (ChildPlaceLink, "place")):
        secret = link_model.objects.filter(child=child).filter(
            Q(police_only=True) | Q(**{f"{target}__police_only": True})
        )
        withheld.update((link_model._meta.model_name, str(pk)) for pk in secret.values_list("pk", flat=True))
    for model, field_name in _related_accessors(Child):
        for row in model._default_manager.filter(**{field_name: child}):
            if _is_police_intelligence(row):
                withheld.add((model._meta.model_name, str(row.pk)))
    return withheld


def _audit_events(child: Child) -> list[dict[str, Any]]:
    labels = dict(AuditEvent.Action.choices)
    withheld = _withheld_objects(child)
    events = AuditEvent.objects.filter(child_id=child.pk).order_by("occurred_at", "id")
    return [
        {
            "occurred_at": _plain(event.occurred_at),
            "action": labels.get(event.action, event.action),
            "summary": event.summary,
            "by": event.actor_username or "(Homeward itself)",
            "agency": event.actor_agency,
            "record": f"{event.object_type} {event.object_id}".strip(),
            "changed_fields": sorted(event.changes) if isinstance(event.changes, dict) else [],
            "channel": event.channel,
        }
        for event in events
        if (event.object_type, event.object_id) not in withheld
    ]


def _found_with(child: Child) -> dict[int, dict[str, int]]:
    """Who the child was found with in each episode (`episodes.EpisodeFoundWith`), as counts: the other children
    are third parties, so neither their names nor their ids leave (the narrative `found_with` is redacted)."""
    counts: dict[int, dict[str, int]] = {}
    rows = EpisodeFoundWith.objects.filter(episode__child=child).values_list(
        "episode_id", "other_child_id", "unknown_count"
    )
    for episode_id, other_child, unknown in rows:
        entry = counts.setdefault(episode_id, {"other_children": 0, "children_not_known": 0})
        if other_child is not None:
            entry["other_children"] += 1
        entry["children_not_known"] += unknown
    return counts


def _found_with_others(child: Child) -> int:
    """How many episodes of other children record this child as found with them (their dates, places and the
    other children stay out: they are the other children's records)."""
    return EpisodeFoundWith.objects.filter(other_child=child).exclude(episode__child=child).count()


def build_record(child: Child, *, requested_by: str) -> dict[str, Any]:
    """Everything held about the child, as plain JSON-ready data."""
    redactor = NameRedactor(child)
    episodes = []
    found_with = _found_with(child)
    for episode in MissingEpisode.objects.filter(child=child).order_by("last_seen_at", "pk"):
        data = serialise(episode, redactor)
        data["risk_grade_history"] = [
            serialise(change, redactor, skip=["episode"])
            for change in episode.risk_changes.order_by("changed_at", "pk")
        ]
        data["found_with_links"] = found_with.get(episode.pk, {"other_children": 0, "children_not_known": 0})
        episodes.append(data)
    interviews = []
    for interview in ReturnInterview.objects.filter(child=child).order_by("due_by", "pk").prefetch_related("factors"):
        data = serialise(interview, redactor)
        data["episodes_covered"] = sorted(interview.episodes.values_list("pk", flat=True))
        data["factors"] = [
            {"kind": factor.get_kind_display(), "code": factor.code} for factor in interview.factors.all()
        ]
        interviews.append(data)
    screenings = []
    for screening in Screening.objects.filter(child=child).order_by("screened_at", "pk"):
        data = serialise(screening, redactor)
        data["indicators"] = [
            {"indicator": row.get_code_display(), "when": row.get_timing_display()}
            for row in screening.indicators.all()
        ]
        data["flags"] = screening.flag_labels()
        screenings.append(data)
    referrals = []
    for referral in Referral.objects.filter(child=child).order_by("made_at", "pk"):
        data = serialise(referral, redactor)
        data["status_history"] = [
            serialise(change, redactor, skip=["referral"])
            for change in referral.status_changes.order_by("changed_at", "pk")
        ]
        referrals.append(data)
    return {
        "export": {
            "title": "Subject access export: everything Homeward holds about one child",
            "format_version": FORMAT_VERSION,
            "generated_at": _plain(timezone.now()),
            "generated_by": requested_by,
            "homeward_child_id": child.pk,
            "withheld": WITHHELD_NOTES,
        },
        "child": serialise(child, redactor),
        "missing_episodes": episodes,
        "found_with_in_other_childrens_episodes": _found_with_others(child),
        "return_interviews": interviews,
        "care_episodes": [
            serialise(episode, redactor) for episode in CareEpisode.objects.filter(child=child).order_by("decom", "pk")
        ],
        "alerts": [
            serialise(alert, redactor) for alert in Alert.objects.filter(child=child).order_by("raised_at", "pk")
        ],
        "screenings": screenings,
        "referrals": referrals,
        "network_links": _network_links(child, redactor),
        "other_records": _other_records(child, redactor),
        "audit_events": _audit_events(child),
    }


def to_json(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False, default=str)


# --- The human-readable HTML file ---------------------------------------------------------------------


def _heading(key: str) -> str:
    return key.replace("_", " ").replace(".", ": ").capitalize()


def _html_value(value: Any) -> SafeString:
    if isinstance(value, dict):
        return _html_dict(value)
    if isinstance(value, list):
        if not value:
            return mark_safe("<p>None held.</p>")
        if all(isinstance(item, dict) for item in value):
            return format_html_join("", "<section>{}</section>", ((_html_dict(item),) for item in value))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in value)))
    if value in (None, ""):
        return mark_safe("<em>blank</em>")
    if isinstance(value, bool):
        return format_html("{}", "Yes" if value else "No")
    return format_html("{}", value)


def _html_dict(data: dict[str, Any]) -> SafeString:
    return format_html(
        "<dl>{}</dl>",
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((_heading(k), _html_value(v)) for k, v in data.items())),
    )


def to_html(record: dict[str, Any]) -> str:
    sections = [(key, _heading(key), _html_value(value)) for key, value in record.items() if key != "export"]
    return render_to_string("governance/subject_access_export.html", {"export": record["export"], "sections": sections})
