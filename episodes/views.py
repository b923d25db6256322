"""Pages for a missing episode: the report, the episode itself, and each change to it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from access.audit import record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import User
from children.scoping import caseload_children_for, get_child_for_user
from core import sections
from core.formatting import duration_text, yes_no_not_known
from core.forms import submitted
from core.pages import crumb
from core.templatetags.govuk import govuk_datetime
from episodes import hooks
from episodes.actions import (
    DETAIL_FIELDS,
    add_log_entry,
    change_risk_grade,
    record_found_with,
    record_return,
    report_missing,
    update_episode_details,
)
from episodes.forms import (
    ChangeRiskForm,
    EpisodeDetailsForm,
    FoundWithForm,
    LogEntryForm,
    RecordReturnForm,
    ReportMissingForm,
)
from episodes.models import MissingEpisode
from episodes.scoping import (
    can_add_to_log,
    can_edit_episode,
    can_report_missing,
    episodes_for,
    found_with_for,
    get_episode_for_user,
    log_entries_for,
    redact_episode,
)

CANNOT_EDIT = "Only the child's council or the police force holding the report can change this episode."


def _child_crumbs(child) -> list[dict[str, str]]:
    return [crumb("My work", "core:my-work"), crumb(child.full_name, "children:detail", child.pk)]


def _episode_crumbs(episode: MissingEpisode) -> list[dict[str, str]]:
    return [*_child_crumbs(episode.child), crumb("Missing episode", "episodes:detail", episode.pk)]


def _editable_episode(user: User, episode_id: int) -> MissingEpisode:
    """The episode if the user may see it (else 404) and change it (else 403)."""
    episode = get_episode_for_user(user, episode_id)
    if not can_edit_episode(user, episode):
        raise PermissionDenied(CANNOT_EDIT)
    return episode


def report(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    if not can_report_missing(user):
        raise PermissionDenied("Your role does not include reporting children missing.")
    child = get_child_for_user(user, child_id)
    if not caseload_children_for(user).filter(pk=child.pk).exists():
        # Seen through a share or emergency access: read only.
        raise PermissionDenied("You can report missing only the children your own role covers.")
    open_episode = episodes_for(user).open().filter(child=child).first()
    form = ReportMissingForm(submitted(request), user=user, child=child)
    if request.method == "POST":
        # form.submit: the action's checks that compare two answers (reported before last seen) show with the
        # form's own errors, all at once (issue 15).
        episode = form.submit(lambda: report_missing(acting_user=user, child=child, **form.action_kwargs()))
        if episode is not None:
            messages.success(request, f"{child.full_name} has been reported missing")
            return redirect("episodes:detail", episode.pk)
    return render(
        request,
        "episodes/report.html",
        {
            "form": form,
            "child": child,
            "own_force": form.own_force,
            "open_episode": open_episode,
            "show_form": open_episode is None or form.is_bound,
            "breadcrumbs": _child_crumbs(child),
        },
        status=form.status_code,
    )


def detail(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    user = request.user
    # The free text is shown only to those episodes.scoping.redact_episodes allows (not an episode summary share).
    episode = redact_episode(user, get_episode_for_user(user, episode_id))
    record_page_viewed(user, episode, child_id=episode.child_id, summary="Missing episode viewed")
    now = timezone.now()
    end = episode.returned_at or now
    editable = can_edit_episode(user, episode)
    context = {
        "episode": episode,
        "child": episode.child,
        "duration": duration_text(end - episode.last_seen_at),
        "risk_changes": episode.risk_changes.select_related("changed_by"),
        "prevention_interview": yes_no_not_known(episode.prevention_interview_done),
        "interviews": [
            {"interview": interview, "status": interview.status(now)}
            for interview in hooks.covering_interviews(user, episode).order_by("due_by")
        ],
        "free_text_withheld": bool(episode.withheld_fields),
        "found_with": found_with_for(user, [episode])[episode.pk],
        "log_entries": log_entries_for(user)
        .filter(episode=episode)
        .select_related("recorded_by", "recorded_by_agency"),
        "can_add_to_log": episode.is_open and can_add_to_log(user, episode),
        "can_edit": editable,
        "can_change_open_episode": editable and episode.is_open,
        "breadcrumbs": _child_crumbs(episode.child),
        # The grab-pack link and the "Share" button (Philomena, sharing), each built by its app.
        "sections_actions": sections.build("episode:actions", user, episode=episode),
    }
    return render(request, "episodes/detail.html", context)


def add_to_log(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Add a timed, attributed entry to the log of an open episode."""
    user = request.user
    episode = get_episode_for_user(user, episode_id)
    if not can_add_to_log(user, episode):
        raise PermissionDenied(CANNOT_EDIT)
    form = LogEntryForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        entry = form.call_action(add_log_entry, episode, acting_user=user, **form.cleaned_data)
        if entry is not None:
            messages.success(request, f"Added to the log: {entry.get_kind_display().lower()}")
            return redirect("episodes:detail", episode.pk)
    return render(
        request,
        "episodes/add_to_log.html",
        {"form": form, "episode": episode, "child": episode.child, "breadcrumbs": _child_crumbs(episode.child)},
        status=form.status_code,
    )


def change_risk(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    user = request.user
    episode = _editable_episode(user, episode_id)
    form = ChangeRiskForm(submitted(request), initial={"version": episode.version})
    if request.method == "POST" and form.is_valid():
        changed = form.call_action(
            change_risk_grade,
            episode,
            grade=form.cleaned_data["grade"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if changed is not None:
            messages.success(request, f"Risk grade changed to {changed.get_risk_grade_display().lower()}")
            return redirect("episodes:detail", episode.pk)
    return render(
        request,
        "episodes/change_risk.html",
        {"form": form, "episode": episode, "child": episode.child, "breadcrumbs": _episode_crumbs(episode)},
        status=form.status_code,
    )


def record_return_view(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    user = request.user
    episode = _editable_episode(user, episode_id)
    form = RecordReturnForm(submitted(request), initial={"version": episode.version}, user=user, episode=episode)
    if request.method == "POST":
        returned = form.submit(
            lambda: record_return(
                episode,
                expected_version=form.cleaned_data["version"],
                acting_user=user,
                **form.action_kwargs(),
            )
        )
        if returned is not None:
            interview = hooks.covering_interviews(user, returned).order_by("-due_by").first()
            if interview is None:
                messages.success(
                    request,
                    f"Return recorded for {episode.child.full_name}. Their council offers a return home interview "
                    f"within {settings.HOMEWARD_RHI_DUE_HOURS} hours of the return.",
                )
                return redirect("episodes:detail", episode.pk)
            messages.success(
                request,
                f"Return recorded for {episode.child.full_name}. "
                f"The return interview is due by {govuk_datetime(interview.due_by)}.",
            )
            return redirect("interviews:detail", interview.pk)
    return render(
        request,
        "episodes/record_return.html",
        {"form": form, "episode": episode, "child": episode.child, "breadcrumbs": _episode_crumbs(episode)},
        status=form.status_code,
    )


def edit(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    user = request.user
    episode = _editable_episode(user, episode_id)
    initial = {name: getattr(episode, name) for name in DETAIL_FIELDS} | {"version": episode.version}
    form = EpisodeDetailsForm(submitted(request), initial=initial)
    if request.method == "POST":

        def update() -> MissingEpisode:
            answers = dict(form.cleaned_data)
            version = answers.pop("version")
            return update_episode_details(episode, expected_version=version, acting_user=user, **answers)

        # As for reporting: "last seen after the report" shows with the other errors at once.
        updated = form.submit(update)
        if updated is not None:
            messages.success(request, "The episode's details were changed")
            return redirect("episodes:detail", episode.pk)
    return render(
        request,
        "episodes/edit.html",
        {"form": form, "episode": episode, "child": episode.child, "breadcrumbs": _episode_crumbs(episode)},
        status=form.status_code,
    )


def found_with_view(request: AuthenticatedHttpRequest, episode_id: int) -> HttpResponse:
    """Change who a returned child was found with: the other children the user may see, and how many not known."""
    user = request.user
    episode = _editable_episode(user, episode_id)
    if episode.is_open:
        messages.error(request, "Record the child's return first: who they were found with is part of it")
        return redirect("episodes:detail", episode.pk)
    form = FoundWithForm(submitted(request), user=user, episode=episode)
    if request.method == "POST" and form.is_valid():
        changed = form.call_action(
            record_found_with,
            episode,
            expected_version=form.cleaned_data["version"],
            acting_user=user,
            **form.found_with_kwargs(),
        )
        if changed is not None:
            messages.success(request, "Who the child was found with was saved")
            return redirect("episodes:detail", episode.pk)
    return render(
        request,
        "episodes/found_with.html",
        {"form": form, "episode": episode, "child": episode.child, "breadcrumbs": _episode_crumbs(episode)},
        status=form.status_code,
    )
