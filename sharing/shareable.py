"""The kind of share the sharing app owns (through the kernel's registry `access.share_kinds`): intelligence from a
return interview. Persons, places, vehicles, phone numbers and addresses of concern a return interview named, passed
to the police force as structured intelligence (`sharing.IntelligenceItem`, `sharing.actions.
share_interview_intelligence`). It names the interview it comes from but grants no access to it: what the child
said reaches the police only where the sharer chose to include it (`CHILDS_WORDS`).

It is the one kind whose item (the interview) another app registered: the kind is sharing's own flow, the item is
the interviews app's record, named here through `interviews.shareable`."""

from typing import Any

from access.models import Role, User
from access.scoping import in_child_councils
from access.share_kinds import ShareKind, register_kind
from interviews.models import ReturnInterview
from interviews.shareable import INTERVIEW, holds_interview

INTERVIEW_INTELLIGENCE = "interview_intelligence"  # Share.what

# What the child said, which goes with the intelligence only where the sharer included it.
CHILDS_WORDS = frozenset({"who_with", "where_stayed", "disclosure_details", "narrative"})


def _may_pass_intelligence(user: User, child: Any, interview: ReturnInterview | None) -> bool:
    """The coordinator of the child's councils, or the practitioner who holds the interview."""
    if interview is None or interview.child_id != child.pk:
        return False
    return (user.has_role(Role.COORDINATOR) and in_child_councils(user, child)) or holds_interview(
        user, child, interview
    )


register_kind(
    ShareKind(
        code=INTERVIEW_INTELLIGENCE,
        label="Intelligence from a return interview",
        app_label="sharing",
        order=40,
        item=INTERVIEW,
        may_share=_may_pass_intelligence,
        receiver_fields=CHILDS_WORDS,
        missing_item="Choose the return interview the intelligence comes from",
        on_share_page=False,
        own_page="sharing:share-intelligence",
        own_page_label="Pass intelligence to the police",
    )
)
