"""Who may see and do what in the public app, built on the kernel (`access.scoping`).

- Anyone, signed in or not, reads a council's *published* pages and sends it a concern; a council appears on the
  public site only once it has published a page.
- A council's content editors edit that council's pages, and no other council's.
- MASH workers triage the concerns sent to their council; a police force's MASH workers those of the councils in
  its area. A concern outside the user's scope is a 404. Only a council's own MASH workers create a child's record
  from a concern (a police user cannot own a council's record).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from access.models import Agency, AgencyKind, Role, User
from access.scoping import get_or_404
from children.models import Child
from public.models import Concern, PublicPage


def public_councils() -> QuerySet[Agency]:
    """Councils with at least one published page: the only ones the public site shows."""
    return (
        Agency.objects.filter(kind=AgencyKind.COUNCIL, public_pages__published_version__isnull=False)
        .distinct()
        .order_by("name")
    )


def get_public_council(code: str) -> Agency:
    council = public_councils().filter(code=code).first()
    if council is None:
        raise Http404("No public pages for that council")
    return council


def published_pages(council: Agency) -> QuerySet[PublicPage]:
    return (
        PublicPage.objects.filter(council=council, published_version__isnull=False)
        .select_related("published_version")
        .order_by("order", "slug")
    )


def get_published_page(council: Agency, slug: str) -> PublicPage:
    page = published_pages(council).filter(slug=slug).first()
    if page is None:
        raise Http404("No such published page")
    return page


# --- content editors --------------------------------------------------------------------------------------


def edits_public_pages(user: User) -> bool:
    return (
        user.is_authenticated and user.is_active and user.agency_id is not None and user.has_role(Role.CONTENT_EDITOR)
    )


def pages_for_editor(user: User) -> QuerySet[PublicPage]:
    if not edits_public_pages(user):
        return PublicPage.objects.none()
    return PublicPage.objects.filter(council_id=user.agency_id).select_related("latest_version", "published_version")


def get_page_for_editor(user: User, page_id: object) -> PublicPage:
    return get_or_404(pages_for_editor(user), page_id)


# --- the MASH queue ---------------------------------------------------------------------------------------


def sees_mash_queue(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.agency_id is not None and user.has_role(Role.MASH)


def concerns_for(user: User) -> QuerySet[Concern]:
    if not sees_mash_queue(user):
        return Concern.objects.none()
    return Concern.objects.filter(Q(council_id=user.agency_id) | Q(council__police_force_id=user.agency_id))


def get_concern_for_user(user: User, concern_id: object) -> Concern:
    return get_or_404(concerns_for(user).select_related("council", "child", "triaged_by"), concern_id)


def can_create_child_from(user: User, concern: Concern) -> bool:
    """A provisional child's record belongs to the concern's council: only that council's MASH workers add it."""
    return sees_mash_queue(user) and user.agency_id == concern.council_id


def children_to_link(concern: Concern) -> QuerySet[Child]:
    """The children a concern may be linked to: those the concern's council is responsible for or hosts."""
    return Child.objects.filter(
        Q(responsible_council_id=concern.council_id) | Q(placement_council_id=concern.council_id)
    )
