"""What governance adds to the child's record through core.sections: the subject access export link, for the
coordinator of the child's council."""

from typing import Any

from access.models import User
from governance.scoping import can_export_subject_access


def subject_access_section(user: User, *, child: Any, full_record: bool) -> dict[str, Any] | None:
    if not can_export_subject_access(user, child):
        return None
    return {"shown": True, "child": child}
