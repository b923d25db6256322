"""Who may see and edit a child's Philomena profile: the philomena app's rules, built on the kernel
(`access.scoping`).

The profile is held by the child's councils and kept for police: council case roles of the child's
councils see and edit it; police see it (and produce the grab-pack) for a child they can see, that is
one living in their force's area or with an episode their force holds, but never change it. Nobody
else sees it.
"""

from access.models import Role, User
from access.scoping import can_see_cases, in_child_councils
from children.models import Child
from children.scoping import in_caseload


def can_view_profile(user: User, child: Child) -> bool:
    if not can_see_cases(user):
        return False
    if in_child_councils(user, child):
        return True
    return user.has_role(Role.POLICE) and in_caseload(user, child.pk)


def can_edit_profile(user: User, child: Child) -> bool:
    return can_see_cases(user) and in_child_councils(user, child)
