"""What My work says to a user whose roles give them no kind of task (core.inbox.register_no_tasks_page): the
kernel knows the roles, so it holds the notes."""

from access.models import Role, User
from access.scoping import sees_case_work

# What each role without case work can do, for the page shown instead of case lists.
ROLE_NOTES = {
    Role.SCHOOL_DSL: (
        "As your school's designated safeguarding lead you can find your pupils' records with Find a child. "
        "Missing episodes and return interviews are shown to a school only when they are shared with it."
    ),
    Role.HEALTH: (
        "As a health practitioner you see what other agencies share with your service or with you about a child: "
        "find it under Shared with my agency."
    ),
    Role.ANALYST: (
        "As an analyst you work with aggregate and pseudonymised figures. "
        "Your role does not give access to individual children's records."
    ),
    Role.ADMINISTRATOR: (
        "As a system administrator you look after users and reference data. Your role does not give access to "
        "children's records: if you also need to work cases, ask for a case role."
    ),
    Role.AUDITOR: (
        "As an auditor you can search the audit trail: who viewed or changed records, when and from where. "
        "Your role does not give access to children's records. Open Audit trail to start."
    ),
}
NO_ROLE_NOTE = "Your account has no role yet. Ask your administrator to give you one."


def no_tasks_context(user: User) -> dict:
    notes = [note for role, note in ROLE_NOTES.items() if user.has_role(role)] or [NO_ROLE_NOTE]
    return {"role_notes": notes, "can_find_children": sees_case_work(user)}
