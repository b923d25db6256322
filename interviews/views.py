"""Pages for a return home interview: the interview itself, who does it, the offer and the write-up."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from access.audit import record_page_viewed
from access.http import AuthenticatedHttpRequest
from access.models import Role, User
from core import sections
from core.formatting import yes_no_not_known
from core.forms import submitted
from core.pages import crumb
from core.templatetags.govuk import govuk_datetime
from episodes.scoping import episodes_for
from interviews.actions import assign_interview, record_interview, record_offer
from interviews.codes import FactorKind, Outcome
from interviews.forms import AssignForm, OfferForm, RecordInterviewForm
from interviews.models import ReturnInterview
from interviews.scoping import can_assign_interview, can_work_interview, get_interview_for_user, redact_interview

CANNOT_WORK = "Only the coordinator or the practitioner assigned to this interview can record it."
CANNOT_ASSIGN = "Only a coordinator at the child's council can assign this interview."


def _crumbs(interview: ReturnInterview, *, with_interview: bool = True) -> list[dict[str, str]]:
    crumbs = [crumb("My work", "core:my-work"), crumb(interview.child.full_name, "children:detail", interview.child_id)]
    if with_interview:
        crumbs.append(crumb("Return interview", "interviews:detail", interview.pk))
    return crumbs


def _workable_interview(user: User, interview_id: int) -> ReturnInterview:
    interview = get_interview_for_user(user, interview_id)
    if not can_work_interview(user, interview):
        raise PermissionDenied(CANNOT_WORK)
    # Those who work an interview see all of it; the forms still show only what visible_interview_fields allows.
    return redact_interview(user, interview)


def _episode_label(episode) -> str:
    returned = f", returned {govuk_datetime(episode.returned_at)}" if episode.returned_at else ""
    return f"Last seen {govuk_datetime(episode.last_seen_at)} at {episode.last_seen_place}{returned}"


def _render(
    request: AuthenticatedHttpRequest, template: str, interview: ReturnInterview, form, **extra
) -> HttpResponse:
    context = {"form": form, "interview": interview, "child": interview.child, "breadcrumbs": _crumbs(interview)}
    return render(request, template, context | extra, status=form.status_code)


def detail(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    user = request.user
    # What the child said is shown only to those interviews.scoping.visible_interview_fields allows.
    interview = redact_interview(user, get_interview_for_user(user, interview_id))
    record_page_viewed(user, interview, child_id=interview.child_id, summary="Return interview viewed")
    may_work = can_work_interview(user, interview)
    offered_in_time = interview.offered_in_time
    context = {
        "interview": interview,
        "child": interview.child,
        "status": interview.status(timezone.now()),
        "episodes": episodes_for(user).filter(return_interviews=interview).order_by("last_seen_at"),
        "offered_in_time": "Not offered yet" if offered_in_time is None else yes_no_not_known(offered_in_time),
        "push_factors": interview.factor_labels(FactorKind.PUSH),
        "pull_factors": interview.factor_labels(FactorKind.PULL),
        "disclosures": interview.factor_labels(FactorKind.DISCLOSURE),
        "free_text_withheld": bool(interview.withheld_fields),
        "can_assign": can_assign_interview(user, interview),
        "can_record_offer": may_work and interview.completed_at is None,
        "can_record_interview": may_work and interview.outcome == Outcome.ACCEPTED,
        "breadcrumbs": _crumbs(interview, with_interview=False),
        # The screening prompt (risk) and the "Share" buttons (sharing), each built by its app.
        "sections_top": sections.build("interview:top", user, interview=interview),
        "sections_actions": sections.build("interview:actions", user, interview=interview),
    }
    return render(request, "interviews/detail.html", context)


def _practitioners(interview: ReturnInterview) -> list[User]:
    """Active return interview practitioners at the interview's provider or the child's council."""
    agencies = {pk for pk in (interview.provider_id, interview.child.responsible_council_id) if pk is not None}
    return list(
        User.objects.filter(is_active=True, agency_id__in=agencies, role_assignments__role=Role.RHI_PRACTITIONER)
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def assign(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    user = request.user
    interview = get_interview_for_user(user, interview_id)
    if not can_assign_interview(user, interview):
        raise PermissionDenied(CANNOT_ASSIGN)
    initial = {"version": interview.version, "assigned_to": str(interview.assigned_to_id or "") or None}
    form = AssignForm(submitted(request), initial=initial, practitioners=_practitioners(interview))
    if request.method == "POST" and form.is_valid():
        practitioner = form.chosen_practitioner()
        assigned = form.call_action(
            assign_interview,
            interview,
            practitioner=practitioner,
            expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if assigned is not None:
            messages.success(
                request, f"Interview assigned to {practitioner}" if practitioner else "The interview is not assigned"
            )
            return redirect("interviews:detail", interview.pk)
    return _render(request, "interviews/assign.html", interview, form)


def offer(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    user = request.user
    interview = _workable_interview(user, interview_id)
    answered = bool(interview.offered_at or interview.outcome)
    # My work's and the data quality page's "close as not offered" link for a long-overdue offer: the same page,
    # with "Not offered" chosen, so the coordinator only gives the reason.
    closing = not answered and request.GET.get("outcome") == Outcome.NOT_OFFERED
    initial = {
        "version": interview.version,
        "outcome": interview.outcome if answered else (Outcome.NOT_OFFERED if closing else None),
        "offered_at": interview.offered_at,
        "offered_by": interview.offered_by or ("" if closing else str(user)),
        "not_offered_reason": interview.not_offered_reason,
    }
    form = OfferForm(submitted(request), initial=initial)
    if request.method == "POST":
        recorded = form.submit(
            lambda: record_offer(
                interview,
                expected_version=form.cleaned_data["version"],
                acting_user=user,
                **form.action_kwargs(),
            )
        )
        if recorded is not None:
            messages.success(request, "The offer was recorded")
            return redirect("interviews:detail", interview.pk)
    return _render(request, "interviews/offer.html", interview, form, closing=closing)


def record(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    user = request.user
    interview = _workable_interview(user, interview_id)
    returned = episodes_for(user).filter(child_id=interview.child_id).returned().order_by("-last_seen_at")
    covered = episodes_for(user).filter(return_interviews=interview).values_list("pk", flat=True)
    initial = {
        "version": interview.version,
        "completed_at": interview.completed_at,
        "episode_ids": list(covered),
        "push_factors": interview.factor_codes(FactorKind.PUSH),
        "pull_factors": interview.factor_codes(FactorKind.PULL),
        "disclosures": interview.factor_codes(FactorKind.DISCLOSURE),
        "consent_to_share": interview.consent_to_share or None,
        **{
            name: getattr(interview, name)
            for name in (
                "where_stayed",
                "who_with",
                "harm_suffered",
                "disclosure_details",
                "childs_wishes",
                "actions_agreed",
                "narrative",
            )
        },
    }
    form = RecordInterviewForm(
        submitted(request),
        initial=initial,
        episodes=[(episode, _episode_label(episode)) for episode in returned],
    )
    if request.method == "POST":
        recorded = form.submit(
            lambda: record_interview(
                interview,
                expected_version=form.cleaned_data["version"],
                acting_user=user,
                **form.action_kwargs(),
            )
        )
        if recorded is not None:
            messages.success(request, "The interview was recorded")
            return redirect("interviews:detail", interview.pk)
    accepted = interview.outcome == Outcome.ACCEPTED
    return _render(request, "interviews/record.html", interview, form, show_form=accepted or form.is_bound)
