"""Every change in the public app: one transaction each, audited inside it with the existing audit actions.

Pages: `save_page` (a new version each time; publishing makes it what the public sees) and `unpublish_page`.
Concerns: `submit_concern` (from the public form: no user), then the MASH's triage: `link_concern_to_child`,
`create_child_from_concern` (a provisional record), `refer_concern` and `close_concern`. What a concern says (names,
contact details, the worry, a triage note) never goes into the audit trail: only that it changed.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import SENSITIVE_MARK, record_event
from access.models import Agency, AuditEvent, User
from children.actions import add_child
from children.codes import LivingArrangement, Sex
from children.models import Child
from core.concurrency import lock_at_version
from core.errors import Errors
from core.validation import check_choice, check_required
from public.codes import CloseReason, ConcernOutcome, MissingNow, ReferTo, ReporterRole
from public.markup import problems_in
from public.models import Concern, PublicPage, PublicPageVersion

# The council child ID of a record made from a concern, until the council records its own.
PROVISIONAL_ID_PREFIX = "PROV-"


# --- pages ------------------------------------------------------------------------------------------------


def _check_page(errors: Errors, *, title: str, summary: str, body: str, slug: str) -> None:
    check_required(errors, "title", title, "the page's title")
    check_required(errors, "summary", summary, "a summary of the page")
    check_required(errors, "body", body, "the page's content")
    check_required(errors, "slug", slug, "the page's address")
    for problem in problems_in(body):
        errors.add("body", problem)


def save_page(
    page: PublicPage | None,
    *,
    council: Agency,
    title: str,
    summary: str,
    body: str,
    slug: str,
    order: int,
    review_by: dt.date,
    publish: bool,
    acting_user: User,
    expected_version: int | None = None,
) -> PublicPage:
    """Save a page as a new version: a draft the public does not see yet, or published (what the public sees).

    `page` None makes a new page for `council`. Content the sanitiser would change is refused, not silently
    cleaned, so what the editor previewed is exactly what the public gets.
    """
    title, summary, body, slug = (title or "").strip(), (summary or "").strip(), (body or "").strip(), slug or ""
    errors = Errors()
    _check_page(errors, title=title, summary=summary, body=body, slug=slug)
    with transaction.atomic():
        if page is not None:
            page = lock_at_version(PublicPage, page.pk, expected_version or 0)
        clash = PublicPage.objects.filter(council=council, slug=slug)
        if page is not None:
            clash = clash.exclude(pk=page.pk)
        if slug and clash.exists():
            errors.add("slug", "Another of your council's pages already has this address")
        errors.raise_if_any()
        before = _page_state(page) if page else {}
        if page is None:
            page = PublicPage.objects.create(council=council, slug=slug, order=order, review_by=review_by)
        number = (page.latest_version.number if page.latest_version else 0) + 1
        saved = PublicPageVersion.objects.create(
            page=page,
            number=number,
            title=title,
            summary=summary,
            body=body,
            published=publish,
            saved_at=timezone.now(),
            saved_by=acting_user,
        )
        page.slug, page.order, page.review_by = slug, order, review_by
        page.latest_version = saved
        if publish:
            page.published_version = saved
        page.version = page.version + (1 if before else 0)
        page.save()
        after = _page_state(page)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
            obj=page,
            summary=f"Public page {'published' if publish else 'saved as a draft'}: version {number} of {title}"[:300],
            changes={key: [before.get(key), value] for key, value in after.items() if before.get(key) != value},
        )
    return page


def _page_state(page: PublicPage) -> dict[str, object]:
    latest = page.latest_version
    return {
        "title": latest.title if latest else None,
        "slug": page.slug,
        "order": page.order,
        "review_by": page.review_by.isoformat(),
        "latest_version": latest.number if latest else None,
        "published_version": page.published_version.number if page.published_version else None,
    }


def unpublish_page(page: PublicPage, *, expected_version: int, acting_user: User) -> PublicPage:
    """Take a page off the public site. Its versions stay; publishing one again puts it back."""
    with transaction.atomic():
        current = lock_at_version(PublicPage, page.pk, expected_version)
        if current.published_version_id is None:
            raise ValidationError("This page is not published")
        before = _page_state(current)
        assert current.latest_version is not None  # save_page writes a version with every page
        current.published_version = None
        current.version += 1
        current.save(update_fields=["published_version", "version", "updated_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            summary=f"Public page unpublished: {current.latest_version.title}"[:300],
            changes={"published_version": [before["published_version"], None]},
        )
    return current


# --- concerns from the public -----------------------------------------------------------------------------

CONCERN_TEXT_LIMITS = {
    "reporter_name": 200,
    "reporter_organisation": 200,
    "reporter_email": 254,
    "reporter_phone": 40,
    "child_name": 200,
    "child_age": 40,
    "child_whereabouts": 1000,
    "worry": 5000,
}


def submit_concern(
    council: Agency,
    *,
    reporter_name: str,
    reporter_role: str,
    missing_now: str,
    worry: str,
    reporter_organisation: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    child_name: str = "",
    child_age: str = "",
    child_whereabouts: str = "",
) -> Concern:
    """Put a concern from the public form into the council's MASH queue. Nobody is signed in: the actor is empty."""
    values = {
        "reporter_name": reporter_name,
        "reporter_organisation": reporter_organisation,
        "reporter_email": reporter_email,
        "reporter_phone": reporter_phone,
        "child_name": child_name,
        "child_age": child_age,
        "child_whereabouts": child_whereabouts,
        "worry": worry,
    }
    values = {name: (value or "").strip() for name, value in values.items()}
    errors = Errors()
    check_required(errors, "reporter_name", values["reporter_name"], "your name")
    check_choice(errors, "reporter_role", reporter_role, ReporterRole, "Where you know the child from")
    check_choice(errors, "missing_now", missing_now, MissingNow, "Whether the child is missing now")
    check_required(errors, "worry", values["worry"], "what worries you")
    if not (values["reporter_email"] or values["reporter_phone"]):
        errors.add("reporter_email", "Enter an email address or a phone number so the team can reply")
    for name, limit in CONCERN_TEXT_LIMITS.items():
        if len(values[name]) > limit:
            errors.add(name, f"Enter {limit} characters or fewer")
    errors.raise_if_any()
    with transaction.atomic():
        concern = Concern.objects.create(
            council=council,
            received_at=timezone.now(),
            reporter_role=reporter_role,
            missing_now=missing_now,
            **values,
        )
        record_event(
            actor=None,
            action=AuditEvent.Action.CREATE,
            obj=concern,
            summary=f"Concern received through {council.name}'s public form",
            changes={"reporter_role": [None, reporter_role], "missing_now": [None, missing_now]},
        )
    return concern


def _locked_open_concern(concern: Concern, expected_version: int) -> Concern:
    current = lock_at_version(Concern, concern.pk, expected_version)
    if not current.is_open:
        raise ValidationError(f"This concern is already {current.get_outcome_display().lower()}")
    return current


def link_concern_to_child(concern: Concern, *, child: Child, expected_version: int, acting_user: User) -> Concern:
    """Say which child the concern is about. `child` must come from `public.scoping.children_to_link`."""
    with transaction.atomic():
        current = _locked_open_concern(concern, expected_version)
        before = current.child_id
        current.child = child
        current.version += 1
        current.save(update_fields=["child", "version"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=child.pk,
            summary="Concern from the public linked to a child's record",
            changes={"child": [before, child.pk]},
        )
    return current


def create_child_from_concern(
    concern: Concern,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None,
    sex: str,
    expected_version: int,
    acting_user: User,
) -> Concern:
    """Make a provisional child's record from what the concern says, and link the concern to it.

    Its council child ID is PROV-<concern number> until the council records its own; the record is the concern
    council's (responsible for and hosting the child until someone knows better).
    """
    errors = Errors()
    check_required(errors, "first_name", (first_name or "").strip(), "the child's first name")
    check_required(errors, "last_name", (last_name or "").strip(), "the child's last name")
    check_required(errors, "date_of_birth", date_of_birth, "the child's date of birth (an estimate if not known)")
    check_choice(errors, "sex", sex or Sex.UNKNOWN, Sex, "Sex")
    errors.raise_if_any()
    with transaction.atomic():
        current = _locked_open_concern(concern, expected_version)
        child = add_child(
            acting_user=acting_user,
            la_child_id=f"{PROVISIONAL_ID_PREFIX}{current.pk}",
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            date_of_birth=date_of_birth,
            sex=sex or Sex.UNKNOWN,
            responsible_council_id=current.council_id,
            placement_council_id=current.council_id,
            living_arrangement=LivingArrangement.OTHER,
        )
        current.child = child
        current.version += 1
        current.save(update_fields=["child", "version"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=child.pk,
            summary="Provisional child's record created from a concern from the public",
            changes={"child": [None, child.pk]},
        )
    return current


def refer_concern(concern: Concern, *, to: str, note: str, expected_version: int, acting_user: User) -> Concern:
    """Pass the concern on to a team: the end of the MASH's triage."""
    note = (note or "").strip()
    errors = Errors()
    check_choice(errors, "to", to, ReferTo, "Who the concern is referred to")
    check_required(errors, "note", note, "what you are asking the team to do")
    errors.raise_if_any()
    return _finish(
        concern,
        outcome=ConcernOutcome.REFERRED,
        fields={"referred_to": to},
        note=note,
        expected_version=expected_version,
        acting_user=acting_user,
        summary=f"Concern from the public referred to {ReferTo(to).label}",
    )


def close_concern(concern: Concern, *, reason: str, note: str, expected_version: int, acting_user: User) -> Concern:
    """Close the concern with a reason: nothing more for the MASH to do."""
    note = (note or "").strip()
    errors = Errors()
    check_choice(errors, "reason", reason, CloseReason, "Why the concern is closed")
    if reason == CloseReason.OUTSIDE_AREA:
        check_required(errors, "note", note, "which council it was passed to")
    errors.raise_if_any()
    return _finish(
        concern,
        outcome=ConcernOutcome.CLOSED,
        fields={"close_reason": reason},
        note=note,
        expected_version=expected_version,
        acting_user=acting_user,
        summary=f"Concern from the public closed: {CloseReason(reason).label}",
    )


def _finish(
    concern: Concern,
    *,
    outcome: str,
    fields: dict[str, str],
    note: str,
    expected_version: int,
    acting_user: User,
    summary: str,
) -> Concern:
    with transaction.atomic():
        current = _locked_open_concern(concern, expected_version)
        for name, value in fields.items():
            setattr(current, name, value)
        current.outcome = outcome
        current.outcome_note = note
        current.triaged_at = timezone.now()
        current.triaged_by = acting_user
        current.version += 1
        current.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=summary[:300],
            changes={
                "outcome": [ConcernOutcome.OPEN, outcome],
                **{name: [None, value] for name, value in fields.items()},
                **({"outcome_note": [None, SENSITIVE_MARK]} if note else {}),
            },
        )
    return current
