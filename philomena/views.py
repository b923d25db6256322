"""Pages for a child's Philomena profile, its photo and the grab-pack.

The child is reached through children.scoping and philomena.scoping:
a child the user may not see is a 404 (an outsider cannot
learn the child exists); a child they can see but whose profile their role does not include is a 403, as is
an edit by someone who may only view (police). Every read of profile content is audited.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from access.audit import record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import User
from children.models import Child
from children.scoping import get_child_for_user
from core.forms import submitted
from core.pages import crumb
from philomena.actions import add_photo, record_grab_pack_produced, save_profile
from philomena.forms import PhotoForm, ProfileForm
from philomena.grabpack import build_grab_pack
from philomena.models import CONTENT_FIELDS, PhilomenaProfile, ProfilePhoto, ProfileVersion, profile_applies
from philomena.scoping import can_edit_profile, can_view_profile
from philomena.selectors import grab_pack_for, profile_of

CANNOT_VIEW = "Your role does not include Philomena profiles."
CANNOT_EDIT = "Only the coordinator, social workers and managers of the child's council can change a Philomena profile."


def _child_for_profile(user: User, child_id: int) -> Child:
    child = get_child_for_user(user, child_id)
    if not can_view_profile(user, child):
        raise PermissionDenied(CANNOT_VIEW)
    return child


def _child_for_editing(user: User, child_id: int) -> Child:
    child = _child_for_profile(user, child_id)
    if not can_edit_profile(user, child):
        raise PermissionDenied(CANNOT_EDIT)
    return child


def _crumbs(child: Child, *, with_profile: bool = False) -> list[dict[str, str]]:
    crumbs = [crumb("My work", "core:my-work"), crumb(child.full_name, "children:detail", child.pk)]
    if with_profile:
        crumbs.append(crumb("Philomena profile", "philomena:profile", child.pk))
    return crumbs


def _label(name: str) -> str:
    return "Photo" if name == "photo" else str(ProfileForm.base_fields[name].label)


def _what_changed(version: ProfileVersion) -> str:
    if version.number == 1:
        return "Profile started" + (" with a photo" if version.changed_fields == ["photo"] else "")
    return ", ".join(_label(name) for name in version.changed_fields)


def _sections(version: ProfileVersion) -> list[dict]:
    return [
        {"title": title, "rows": [{"label": _label(name), "value": getattr(version, name)} for name in names]}
        for title, names in ProfileForm.SECTIONS
    ]


def _show(
    request: AuthenticatedHttpRequest, child: Child, profile: PhilomenaProfile | None, shown: ProfileVersion | None
) -> HttpResponse:
    user = request.user
    history = []
    if profile is not None:
        history = [
            {"version": past, "changed": _what_changed(past)}
            for past in profile.versions.select_related("created_by").order_by("-number")
        ]
    return render(
        request,
        "philomena/profile.html",
        {
            "child": child,
            "profile": profile,
            "shown": shown,
            "is_current": shown is not None and profile is not None and shown.number == profile.version,
            "sections": _sections(shown) if shown else [],
            "history": history,
            "can_edit": can_edit_profile(user, child),
            "can_start": profile is not None or profile_applies(child),
            "breadcrumbs": _crumbs(child),
        },
    )


def profile(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = _child_for_profile(user, child_id)
    current = profile_of(child)
    shown = current.current_version() if current else None
    if current is None:
        record_page_viewed(user, child, child_id=child.pk, summary="Philomena profile viewed (none recorded)")
    else:
        record_page_viewed(user, current, child_id=child.pk, summary="Philomena profile viewed")
    return _show(request, child, current, shown)


def version(request: AuthenticatedHttpRequest, child_id: int, number: int) -> HttpResponse:
    user = request.user
    child = _child_for_profile(user, child_id)
    current = profile_of(child)
    shown = current.versions.select_related("photo", "created_by").filter(number=number).first() if current else None
    if shown is None or current is None:
        raise Http404("No such version of the profile.")
    record_page_viewed(user, current, child_id=child.pk, summary=f"Philomena profile version {number} viewed")
    return _show(request, child, current, shown)


def edit(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = _child_for_editing(user, child_id)
    current = profile_of(child)
    latest = current.current_version() if current else None
    initial = {name: getattr(latest, name) for name in CONTENT_FIELDS} if latest else {}
    initial["version"] = current.version if current else None
    form = ProfileForm(submitted(request), initial=initial)
    can_start = current is not None or profile_applies(child)
    if request.method == "POST" and can_start and form.is_valid():
        saved = form.call_action(
            save_profile,
            child,
            acting_user=user,
            expected_version=form.cleaned_data["version"],
            **form.content(),
        )
        if saved is not None:
            messages.success(request, f"Philomena profile saved: version {saved.number}")
            return redirect("philomena:profile", child.pk)
    if request.method == "GET" and current is not None:
        record_page_viewed(user, current, child_id=child.pk, summary="Philomena profile opened for editing")
    return render(
        request,
        "philomena/edit.html",
        {
            "child": child,
            "profile": current,
            "form": form,
            "can_start": can_start,
            "breadcrumbs": _crumbs(child, with_profile=current is not None),
        },
        status=form.status_code,
    )


def upload_photo(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = _child_for_editing(user, child_id)
    current = profile_of(child)
    form = PhotoForm(
        submitted(request),
        request.FILES if request.method == "POST" else None,
        initial={"version": current.version if current else None},
    )
    can_start = current is not None or profile_applies(child)
    if request.method == "POST" and can_start and form.is_valid():
        saved = form.call_action(
            add_photo,
            child,
            photo=form.cleaned_data["photo"],
            taken_on=form.cleaned_data["taken_on"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if saved is not None:
            messages.success(request, f"Photo added: Philomena profile version {saved.number}")
            return redirect("philomena:profile", child.pk)
    return render(
        request,
        "philomena/photo.html",
        {
            "child": child,
            "profile": current,
            "form": form,
            "can_start": can_start,
            "breadcrumbs": _crumbs(child, with_profile=current is not None),
        },
        status=form.status_code,
    )


def photo(request: AuthenticatedHttpRequest, photo_id: int) -> FileResponse:
    """The photo's bytes, for a user who may see the profile. Never cached, never sniffed, never a download
    page of its own: an <img> on the profile page and the grab-pack are its only uses."""
    user = request.user
    found = ProfilePhoto.objects.select_related("profile").filter(pk=photo_id).first()
    if found is None:
        raise Http404("No such photo, or you do not have access to it.")
    child = _child_for_profile(user, found.profile.child_id)
    try:
        handle = found.image.open("rb")
    except FileNotFoundError:
        raise Http404("The photo's file is missing.") from None
    record_page_viewed(user, found, child_id=child.pk, summary="Philomena profile photo viewed")
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="photo-{found.pk}.{found.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    return response


def grab_pack(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = _child_for_profile(user, child_id)
    current = profile_of(child)
    pdf = build_grab_pack(grab_pack_for(user, child, current))
    record_grab_pack_produced(child, viewer=user, profile=current)
    response = HttpResponse(pdf, content_type="application/pdf")
    # The child's id only: a name in a file name ends up in download folders, browser history and logs.
    response["Content-Disposition"] = f'attachment; filename="grab-pack-{child.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
