"""What the risk app adds to other apps' pages through core.sections: the child record's "Risk" section and an
interview's screening prompt. The queries are in risk.selectors, scoped to the user."""

from typing import Any

from access.models import User
from risk.scoping import can_screen
from risk.selectors import child_risk, screening_prompt_reasons


def child_risk_section(user: User, *, child: Any, full_record: bool) -> dict[str, Any] | None:
    """Open alerts, the current screening, open referrals and the screening prompt, on the whole record only."""
    if not full_record:
        return None
    return {"child": child, "risk": child_risk(user, child)}


def interview_screening_prompt(user: User, *, interview: Any) -> dict[str, Any] | None:
    """On an interview that recorded an exploitation disclosure, or push and pull factors that point to exploitation:
    prompt a screening if none has been done since, naming what prompted it."""
    if not can_screen(user, interview.child):
        return None
    reasons = screening_prompt_reasons(interview)
    if not reasons:
        return None
    return {"prompt": True, "child": interview.child, "reasons": reasons}
