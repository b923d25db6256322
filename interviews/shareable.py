"""What the interviews app lets a share name (sharing.Share, through the kernel's registry `access.share_kinds`):
one return interview, as its summary or in full. Loaded by `sharing.models` before it defines `Share` (ADR 0016).

The scoped lookups are imported where they are used: `interviews.scoping` reads this module's codes and fields."""

from typing import Any

from access.models import Role, User
from access.scoping import in_child_councils
from access.share_kinds import ShareableItem, ShareKind, register_item, register_kind
from core.encryption import encrypted_fields
from core.templatetags.govuk import govuk_datetime
from interviews.models import ReturnInterview

INTERVIEW = "interview"  # the Share column
INTERVIEW_SUMMARY = "interview_summary"  # Share.what
FULL_INTERVIEW = "full_interview"
INTERVIEW_SHARES = (INTERVIEW_SUMMARY, FULL_INTERVIEW)

# The interview's free text (what the child said, the notes, why it was not offered): every EncryptedTextField.
INTERVIEW_FREE_TEXT_FIELDS = frozenset(encrypted_fields(ReturnInterview))
# What an interview summary shows: the dates, the people, the outcome, coded factors and consent.
INTERVIEW_SUMMARY_FIELDS = frozenset(
    {
        "id",
        "version",
        "child",
        "episodes",
        "due_by",
        "provider",
        "assigned_to",
        "offered_at",
        "offered_by",
        "outcome",
        "completed_at",
        "completed_by",
        "consent_to_share",
        "push_factors",
        "pull_factors",
        "disclosures",
        "status",
        "created_at",
        "updated_at",
    }
)
ALL_INTERVIEW_FIELDS = INTERVIEW_SUMMARY_FIELDS | INTERVIEW_FREE_TEXT_FIELDS


def _visible_to(user: User) -> Any:
    from interviews.scoping import interviews_for

    return interviews_for(user)


def _candidates(user: User, child: Any) -> Any:
    return _visible_to(user).filter(child=child).select_related("child").order_by("-due_by", "-pk")


def holds_interview(user: User, child: Any, interview: ReturnInterview | None) -> bool:
    """Whether the interview is the child's and the user is the practitioner assigned it."""
    return (
        interview is not None
        and interview.child_id == child.pk
        and user.has_role(Role.RHI_PRACTITIONER)
        and interview.assigned_to_id == user.pk
    )


def _may_share_about(user: User, child: Any) -> bool:
    """The child's councils, and the practitioner assigned one of the child's interviews."""
    if in_child_councils(user, child):
        return True
    return (
        user.has_role(Role.RHI_PRACTITIONER) and ReturnInterview.objects.filter(child=child, assigned_to=user).exists()
    )


def _may_share_interview(user: User, child: Any, interview: ReturnInterview | None) -> bool:
    """Council case roles of the child's councils share the child's interviews; the practitioner assigned an
    interview shares that interview."""
    if interview is None or interview.child_id != child.pk:
        return False
    return in_child_councils(user, child) or holds_interview(user, child, interview)


register_item(
    ShareableItem(
        field=INTERVIEW,
        model="interviews.ReturnInterview",
        app_label="interviews",
        label="return interview",
        order=20,
        visible_to=_visible_to,
        candidates=_candidates,
        option_label=lambda interview: f"due by {govuk_datetime(interview.due_by)}",
        may_share_about=_may_share_about,
        unseen_error="Choose a return interview of this child's that you can see",
        url_name="interviews:detail",
        actions_slot="interview:actions",
    )
)
register_kind(
    ShareKind(
        code=INTERVIEW_SUMMARY,
        label="Return interview summary",
        app_label="interviews",
        order=20,
        item=INTERVIEW,
        may_share=_may_share_interview,
        receiver_fields=INTERVIEW_SUMMARY_FIELDS,
        missing_item="Choose the return interview to share",
        hint=(
            "When it was offered and held, the outcome, the coded push and pull factors and disclosures, and "
            "consent. Not what the child said in their own words."
        ),
    )
)
register_kind(
    ShareKind(
        code=FULL_INTERVIEW,
        label="Full return interview",
        app_label="interviews",
        order=21,
        item=INTERVIEW,
        may_share=_may_share_interview,
        receiver_fields=ALL_INTERVIEW_FIELDS,
        missing_item="Choose the return interview to share",
        hint="Everything recorded, including what the child said and the interview notes",
    )
)
