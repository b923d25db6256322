"""The permission matrix (issue 4): ONE table of every URL the project serves, who may open it, and what everyone
else gets.

Each entry names a page (by URL name) or an API operation (by method and path), says how to build its URL
arguments from the records `tests/test_permission_matrix.py` creates on top of the `world` fixture, and lists
the users (the `world` users plus an auditor) for whom it is allowed. Everyone else is denied with the entry's
`denied` status (404 for a record the user cannot see, 403 for a refused action or a page their role has no
part in) unless `overrides` names a different status for that user. For the allowed users, `sees` names which
field groups (below) each of them sees: those users must get the group's values, any other allowed user must not.
API writes (`write=True`) are made by every user with a token and the entry's `body`: allowed users succeed,
everyone else gets their status and the database is unchanged. Anonymous visitors are redirected to sign-in
(pages) or get 401 (API). A URL that is not in this table fails `test_every_url_is_in_the_matrix`.

The public pages (issue 16) are open to everyone, signed in or not; a council's content editors (`editor`, Northmoor)
edit its pages only; a concern sent through Northmoor's public form (its worry carries MATRIX-SECRET-CONCERN) is
seen by Northmoor's MASH worker (`mash`) only: Southvale's (`mash_south`) gets 404, every other role 403.

The protected record is Jordan Example (Northmoor, council child ID N000123): an episode, a return interview,
an alert, a screening, a referral, a share, a Philomena profile and photo, persons and places, all with a
MATRIX-SECRET marker in their free text. An emergency access is requested by `health` for Casey (Southvale).
"""

import datetime as dt
from dataclasses import dataclass, field

USERS = (
    "coordinator",
    "social_worker",
    "manager",
    "coordinator_south",
    "police",
    "police_south",
    "school_dsl",
    "other_school_dsl",
    "practitioner",
    "other_practitioner",
    "health",
    "analyst",
    "admin",
    "auditor",
    "mash",
    "mash_south",
    "editor",
    "editor_south",
    "exploitation",
)

# Markers planted in the protected records' free text; none may reach a denied user.
MARKERS = {
    "episode": "MATRIX-SECRET-EPISODE",
    "risk_reason": "MATRIX-SECRET-RISK-REASON",
    "interview": "MATRIX-SECRET-INTERVIEW",
    "screening": "MATRIX-SECRET-SCREENING",
    "referral": "MATRIX-SECRET-REFERRAL",
    "philomena": "MATRIX-SECRET-PHILOMENA",
    "intelligence": "MATRIX-SECRET-INTEL",
    "share": "MATRIX-SECRET-SHARE",
    "concern": "MATRIX-SECRET-CONCERN",
}
PROTECTED_VALUES = ("Jordan Example", "N000123", *MARKERS.values())

# Field groups: what an allowed user may or may not see, each with the protected values that show it. An entry's
# `sees` names, per group, the allowed users who see it; the test checks those users DO get its values and every
# other allowed user does NOT (and a denied user gets none at all).
IDENTITY = "the child's identity"
EPISODE_WORDS = "the episode's free text (circumstances, found with, harm, risk grade reasons)"
CHILD_SAID = "what the child said in the return interview"
SCREENING = "exploitation screening notes"
REFERRAL = "the referral's reason"
PHILOMENA = "the Philomena profile"
INTELLIGENCE = "police-only intelligence"
SHARE_PURPOSE = "a share's purpose"
CONCERN = "what a concern from the public says"
GROUPS = {
    IDENTITY: ("Jordan Example", "N000123"),
    EPISODE_WORDS: (MARKERS["episode"], MARKERS["risk_reason"]),
    CHILD_SAID: (MARKERS["interview"],),
    SCREENING: (MARKERS["screening"],),
    REFERRAL: (MARKERS["referral"],),
    PHILOMENA: (MARKERS["philomena"],),
    INTELLIGENCE: (MARKERS["intelligence"],),
    SHARE_PURPOSE: (MARKERS["share"],),
    CONCERN: (MARKERS["concern"],),
}
assert {value for values in GROUPS.values() for value in values} == set(PROTECTED_VALUES)

NORTH_CASE = frozenset({"coordinator", "social_worker", "manager"})
# Who sees Jordan's identifiers: Northmoor case roles, Northmoor Police (Jordan lives in its area), Jordan's
# school, and the practitioner assigned Jordan's interview.
CHILD_SEERS = NORTH_CASE | {"police", "school_dsl", "practitioner"}
# Jordan's whole record (network, screening, Philomena...): own case roles of Jordan's councils and force.
NETWORK_USERS = NORTH_CASE | {"police", "coordinator_south", "police_south"}
INTERVIEW_SEERS = NORTH_CASE | {"practitioner"}
BREAK_GLASS_USERS = frozenset({*NORTH_CASE, "coordinator_south", "police", "police_south", "health"})
CASE_WORKERS = frozenset({*NORTH_CASE, "coordinator_south", "police", "police_south"})
# Partnership reports: exactly the council dashboard's users (Northmoor's coordinator, manager and analyst, and
# Southvale's coordinator, each for their own council).
REPORT_USERS = frozenset({"coordinator", "manager", "analyst", "coordinator_south"})
# Statutory returns: each council's coordinator and analysts (Northmoor's coordinator and analyst, Southvale's
# coordinator), each for their own council.
RETURN_USERS = frozenset({"coordinator", "analyst", "coordinator_south"})
# A month that has surely ended (two months back, whatever the time zone), as the reports page offers it.
ENDED_MONTH = f"{(dt.datetime.now(dt.UTC).date().replace(day=1) - dt.timedelta(days=32)):%Y-%m}"


# The MASH workers and content editors of issue 16, and Northmoor's exploitation team and MACE panel member
# (`exploitation`, issue 14: the cross-border picture and the partnership register only), work no child's case:
# they neither search for children nor receive shares.
NO_CASE_WORK = ("mash", "mash_south", "editor", "editor_south", "exploitation")
# The matrix's meeting: a MACE panel called by Northmoor about Jordan, chaired by Northmoor's coordinator, with
# Northmoor Police, Jordan's school and the return interview provider invited (and Northmoor's social worker, who
# owns its action). Its organisers (the chair, Northmoor's manager) run it; each invited agency's staff who receive
# its shares read it, each seeing of Jordan what their own rules allow.
MEETING_ORGANISERS = frozenset({"coordinator", "manager"})
MEETING_SEERS = NORTH_CASE | {"police", "school_dsl", "practitioner", "other_practitioner"}
# Who sees Jordan at the meeting: the meeting's seers who see Jordan (the second practitioner does not).
MEETING_CHILD_SEERS = MEETING_SEERS - {"other_practitioner"}
# An agency's pack is the agency's view (meetings.scoping.agency_reader): the provider's has no Jordan (only the
# assigned practitioner, in person, sees Jordan), the school's only what was shared with it.
PACK_SEES = {
    IDENTITY: NORTH_CASE | {"police", "school_dsl"},
    EPISODE_WORDS: NORTH_CASE | {"police"},
    CHILD_SAID: NORTH_CASE,
    SCREENING: NORTH_CASE,
    INTELLIGENCE: {"police"},
}
NOT_ORGANISER = dict.fromkeys(MEETING_SEERS - MEETING_ORGANISERS, 403)

# Who sees the episode but may not change it: the practitioner (through the interview) and the school (share).
SEES_CANNOT_EDIT = {"practitioner": 403, "school_dsl": 403}
# Roles with no part in persons, places and links are refused before any record is looked up.
NOT_NETWORK = dict.fromkeys(set(USERS) - CASE_WORKERS, 403)


@dataclass(frozen=True)
class Entry:
    """One page or API operation. `args` maps each URL argument to a record name (or a literal value)."""

    key: str  # "namespace:name" for a page, "METHOD /api/v1/path" for an API operation
    args: dict = field(default_factory=dict)
    allowed: frozenset = frozenset()
    denied: int = 404
    overrides: dict = field(default_factory=dict)
    allowed_status: int = 200
    public: str = ""  # why anyone (signed in or not) may open it
    query: dict = field(default_factory=dict)  # the query string of a GET, or the form body of a POST
    method: str = "get"  # "post" for a POST-only page (posted empty) or a posted search (posted with `query`)
    body: dict | None = None  # the JSON body of an API operation that takes one
    write: bool = False  # an API write: checked for every user against records of its own (see the test)
    sees: dict = field(default_factory=dict)  # field group -> the allowed users who see it; nobody else does
    pdf: bool = False  # a PDF download: its text is read back (pdfplumber) and checked for the field groups
    # Users who may open the page but whose post (the action it offers) is refused, with the status they get.
    post_refused: dict = field(default_factory=dict)

    @property
    def is_api(self) -> bool:
        return self.key.split(" ")[0] in {"GET", "POST", "PATCH", "PUT", "DELETE"}

    def expected(self, user: str) -> int:
        if user in self.allowed:
            return self.allowed_status
        return self.overrides.get(user, self.denied)


def forbid(users, status: int = 403) -> dict:
    """Denied with `status` (403: a refused action on a record they can see) for these users, unless allowed."""
    return dict.fromkeys(users, status)


def page(name: str, allowed, denied: int = 404, **kwargs) -> Entry:
    return Entry(key=name, allowed=frozenset(allowed), denied=denied, **kwargs)


def api(method: str, path: str, allowed=(), **kwargs) -> Entry:
    return Entry(key=f"{method} /api/v1{path}", allowed=frozenset(allowed), **kwargs)


def everyone_but(*users: str) -> frozenset:
    return frozenset(USERS) - set(users)


MATRIX: list[Entry] = [
    # --- sign-in and the shell --------------------------------------------------------------------------
    page("login", USERS, public="the sign-in page"),
    page("accounts:two-factor", USERS, public="the second sign-in step", allowed_status=302),
    page("accounts:enrol", USERS, public="setting up the authenticator during sign-in", allowed_status=302),
    page("logout", USERS, public="signing out: POST only, so a GET is 405 for everyone", allowed_status=405),
    # My work (the task inbox): the coordinator's alert, the school's share of Jordan's episode and the force's
    # interview intelligence to acknowledge, and the social worker's meeting action about Jordan.
    page("core:my-work", USERS, sees={IDENTITY: {"coordinator", "school_dsl", "police", "social_worker"}}),
    # --- notifications: everyone has their own, and nobody sees anyone else's -----------------------------
    page("notifications:list", USERS),
    page("notifications:preferences", USERS),
    page("notifications:read-all", USERS, method="post", allowed_status=302),
    page(
        "notifications:read",
        {"coordinator"},
        args={"notification_id": "notification"},
        method="post",
        allowed_status=302,
    ),
    # --- children ---------------------------------------------------------------------------------------
    page("children:search", everyone_but("health", "analyst", "admin", "auditor", *NO_CASE_WORK), denied=403),
    # A saved search's results (Post/Redirect/Get): Northmoor users who search; anyone else cannot tell it exists.
    page(
        "children:results",
        NORTH_CASE,
        args={"token": "saved_search"},
        overrides=forbid({"health", "analyst", "admin", "auditor", *NO_CASE_WORK}),
        sees={IDENTITY: NORTH_CASE},
    ),
    page("children:add", {"coordinator", "social_worker", "coordinator_south"}, denied=403),
    page("children:detail", CHILD_SEERS, args={"child_id": "child"}, sees={IDENTITY: CHILD_SEERS}),
    # Changing Jordan's placement (issue 14): those who may edit the child (children.scoping.can_edit_child,
    # Northmoor's coordinator and social worker); anyone else who sees Jordan is refused (403), the rest get 404.
    page(
        "children:change-placement",
        {"coordinator", "social_worker"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS - {"coordinator", "social_worker"}),
        sees={IDENTITY: {"coordinator", "social_worker"}},
    ),
    # Reviewing and merging a likely duplicate (Jordan recorded twice): Northmoor's coordinator and administrator
    # only; Southvale's coordinator cannot tell the records exist (404); any other role is refused (403).
    page(
        "children:merge",
        {"coordinator", "admin"},
        args={"first_id": "child", "second_id": "duplicate"},
        denied=403,
        overrides={"coordinator_south": 404},
        sees={IDENTITY: {"coordinator", "admin"}},
    ),
    # --- episodes ---------------------------------------------------------------------------------------
    # Reporting missing is for council case roles and police; any other role is refused outright (403).
    page(
        "episodes:report",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        denied=403,
        overrides={"coordinator_south": 404, "police_south": 404},
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "episodes:detail",
        CHILD_SEERS,
        args={"episode_id": "episode"},
        sees={IDENTITY: CHILD_SEERS, EPISODE_WORDS: CHILD_SEERS - {"school_dsl"}},
    ),
    page(
        "episodes:change-risk",
        NORTH_CASE | {"police"},
        args={"episode_id": "episode"},
        overrides=SEES_CANNOT_EDIT,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "episodes:record-return",
        NORTH_CASE | {"police"},
        args={"episode_id": "episode"},
        overrides=SEES_CANNOT_EDIT,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "episodes:found-with",
        NORTH_CASE | {"police"},
        args={"episode_id": "episode"},
        overrides=SEES_CANNOT_EDIT,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "episodes:add-to-log",
        NORTH_CASE | {"police"},
        args={"episode_id": "episode"},
        overrides=SEES_CANNOT_EDIT,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "episodes:edit",
        NORTH_CASE | {"police"},
        args={"episode_id": "episode"},
        overrides=SEES_CANNOT_EDIT,
        sees={IDENTITY: NORTH_CASE | {"police"}, EPISODE_WORDS: NORTH_CASE | {"police"}},
    ),
    # --- return interviews ------------------------------------------------------------------------------
    page(
        "interviews:detail",
        NORTH_CASE | {"practitioner"},
        args={"interview_id": "interview"},
        sees={IDENTITY: INTERVIEW_SEERS, CHILD_SAID: INTERVIEW_SEERS},
    ),
    page(
        "interviews:assign",
        {"coordinator"},
        args={"interview_id": "interview"},
        overrides=forbid(INTERVIEW_SEERS),
        sees={IDENTITY: {"coordinator"}},
    ),
    page(
        "interviews:offer",
        {"coordinator", "practitioner"},
        args={"interview_id": "interview"},
        overrides=forbid(INTERVIEW_SEERS),
        sees={IDENTITY: {"coordinator", "practitioner"}},
    ),
    page(
        "interviews:record",
        {"coordinator", "practitioner"},
        args={"interview_id": "interview"},
        overrides=forbid(INTERVIEW_SEERS),
        sees={IDENTITY: {"coordinator", "practitioner"}, CHILD_SAID: {"coordinator", "practitioner"}},
    ),
    # --- risk -------------------------------------------------------------------------------------------
    page("risk:alerts", CASE_WORKERS, denied=403, sees={IDENTITY: NORTH_CASE | {"police"}}),
    page(
        "risk:acknowledge",
        NORTH_CASE | {"police"},
        args={"alert_id": "alert"},
        sees={IDENTITY: NORTH_CASE | {"police"}},
        # The alert is for coordinators: only they decide it.
        post_refused=forbid({"social_worker", "manager", "police"}),
    ),
    # Handing an alert on: whoever may decide it (the coordinator) and the council's managers.
    page(
        "risk:assign",
        {"coordinator", "manager"},
        args={"alert_id": "alert"},
        overrides=forbid({"social_worker", "police"}),
        sees={IDENTITY: {"coordinator", "manager"}},
    ),
    page(
        "risk:screen",
        NORTH_CASE,
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE},
    ),
    page(
        "risk:screening",
        NORTH_CASE,
        args={"screening_id": "screening"},
        sees={IDENTITY: NORTH_CASE, SCREENING: NORTH_CASE},
    ),
    page(
        "risk:refer",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "risk:referral",
        NORTH_CASE | {"police"},
        args={"referral_id": "referral"},
        sees={IDENTITY: NORTH_CASE | {"police"}, REFERRAL: NORTH_CASE | {"police"}},
        post_refused=forbid({"police"}),  # the council's referral: the police read it, the council updates it
    ),
    # --- network ----------------------------------------------------------------------------------------
    page("network:graph", CASE_WORKERS, denied=403, sees={IDENTITY: NORTH_CASE | {"police"}, INTELLIGENCE: {"police"}}),
    page("network:persons", CASE_WORKERS, denied=403, sees={INTELLIGENCE: {"police"}}),
    page("network:person-add", CASE_WORKERS, denied=403),
    page(
        "network:person",
        {"police"},
        args={"pk": "intel_person"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: {"police"}, INTELLIGENCE: {"police"}},
    ),
    page("network:places", CASE_WORKERS, denied=403),
    page("network:place-add", CASE_WORKERS, denied=403),
    page(
        "network:place",
        NORTH_CASE | {"police"},
        args={"pk": "place"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "network:child",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}, INTELLIGENCE: {"police"}},
    ),
    page(
        "network:link-person",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}, INTELLIGENCE: {"police"}},
    ),
    page(
        "network:link-place",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    # The partnership register's search: shows the records found, never another agency's children.
    page(
        "network:find-person",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "network:find-place",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page(
        "network:end-person-link",
        {"police"},
        args={"pk": "intel_link"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: {"police"}, INTELLIGENCE: {"police"}},
    ),
    page(
        "network:end-place-link",
        NORTH_CASE | {"police"},
        args={"pk": "place_link"},
        overrides=NOT_NETWORK,
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    page("network:hotspots", CASE_WORKERS, denied=403),
    # The cross-border picture across the force area (police and MASH): a child the user's own role does not reach
    # is a counted, anonymous node. Jordan is named to Northmoor's police only; Northmoor's MASH worker sees the
    # takeaway Jordan is linked to with "1 child of Northmoor Council", never Jordan (the IDENTITY group).
    # Northmoor's exploitation team and MACE panel member sees it as MASH does: every child counted, none named.
    page(
        "network:partnership",
        {"police", "police_south", "mash", "mash_south", "exploitation"},
        denied=403,
        sees={IDENTITY: {"police"}, INTELLIGENCE: {"police"}},
    ),
    # The partnership register's search for no child (issue 14): the network's users and the exploitation team and
    # MACE panel member; the records found, never a child.
    page("network:register-persons", CASE_WORKERS | {"exploitation"}, denied=403),
    page("network:register-places", CASE_WORKERS | {"exploitation"}, denied=403),
    page("network:missing-together", CASE_WORKERS, denied=403),
    # Likely duplicates (issue 14): the council's coordinator and the police merge them, each among the records they
    # see in full. The force's intelligence subject recorded twice (same phone) is proposed to Northmoor's police
    # only; the takeaway recorded twice by Northmoor (same address) to Northmoor's coordinator and police.
    page(
        "network:duplicates",
        {"coordinator", "coordinator_south", "police", "police_south"},
        denied=403,
        sees={INTELLIGENCE: {"police"}},
    ),
    page(
        "network:compare-persons",
        {"police"},
        args={"first_id": "intel_person", "second_id": "intel_twice"},
        denied=403,
        overrides={"coordinator": 404, "coordinator_south": 404, "police_south": 404},
        sees={IDENTITY: {"police"}, INTELLIGENCE: {"police"}},
    ),
    page(
        "network:compare-places",
        {"coordinator", "police"},
        args={"first_id": "place", "second_id": "place_twice"},
        denied=403,
        overrides={"coordinator_south": 404, "police_south": 404},
        sees={IDENTITY: {"coordinator", "police"}},
    ),
    # --- Philomena --------------------------------------------------------------------------------------
    page(
        "philomena:profile",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE | {"police"}, PHILOMENA: NORTH_CASE | {"police"}},
    ),
    page(
        "philomena:version",
        NORTH_CASE | {"police"},
        args={"child_id": "child", "number": 1},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE | {"police"}, PHILOMENA: NORTH_CASE | {"police"}},
    ),
    page(
        "philomena:edit",
        NORTH_CASE,
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE, PHILOMENA: NORTH_CASE},
    ),
    page(
        "philomena:upload-photo",
        NORTH_CASE,
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE},
    ),
    page("philomena:grab-pack", NORTH_CASE | {"police"}, args={"child_id": "child"}, overrides=forbid(CHILD_SEERS)),
    page("philomena:photo", NORTH_CASE | {"police"}, args={"photo_id": "photo"}, overrides=forbid(CHILD_SEERS)),
    # --- governance -------------------------------------------------------------------------------------
    # The search is posted (a child's ID never goes in a URL): the body searches for Jordan's council child ID.
    # A valid search is answered with a redirect to its results page (governance:audit-results, below).
    page(
        "governance:audit",
        {"auditor"},
        denied=403,
        method="post",
        query={"child": "N000123", "username": "", "action": ""},
        allowed_status=302,
    ),
    page(
        "governance:audit-results",
        {"auditor"},
        args={"token": "saved_audit_search"},
        denied=403,
        sees={IDENTITY: {"auditor"}},
    ),
    page("governance:child-audit", {"auditor"}, args={"child_id": "child"}, denied=403, sees={IDENTITY: {"auditor"}}),
    page(
        "governance:subject-access",
        {"coordinator"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: {"coordinator"}},
    ),
    page(
        "governance:subject-access-download",
        {"coordinator"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        method="post",
        # Everything held about the child, except police-only intelligence (withheld: docs/security.md). The
        # matrix's concern from the public is linked to no child, so it is not Jordan's.
        sees={group: {"coordinator"} for group in GROUPS if group not in (INTELLIGENCE, CONCERN)},
    ),
    # --- sharing ----------------------------------------------------------------------------------------
    # Police share the intelligence their force recorded about the child.
    page(
        "sharing:share",
        NORTH_CASE | {"practitioner", "police"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE | {"practitioner", "police"}, INTELLIGENCE: {"police"}},
    ),
    page(
        "sharing:detail",
        NORTH_CASE | {"school_dsl"},
        args={"share_id": "share"},
        sees={IDENTITY: NORTH_CASE | {"school_dsl"}, SHARE_PURPOSE: NORTH_CASE | {"school_dsl"}},
    ),
    page(
        "sharing:withdraw",
        NORTH_CASE,
        args={"share_id": "share"},
        overrides={"school_dsl": 403},
        sees={IDENTITY: NORTH_CASE},
    ),
    page(
        "sharing:received",
        everyone_but("analyst", "admin", "auditor", *NO_CASE_WORK),
        denied=403,
        sees={IDENTITY: {"school_dsl", "police"}},  # the school's episode share; the force's interview intelligence
    ),
    # Intelligence from Jordan's interview, passed by the practitioner to Northmoor Police: the coordinator or the
    # interview's practitioner passes it (social workers and managers, who see the interview, are refused); Northmoor
    # Police's staff list and acknowledge it (Southvale's see an empty list); the child's words are not in it.
    page(
        "sharing:share-intelligence",
        {"coordinator", "practitioner"},
        args={"interview_id": "interview"},
        overrides=forbid({"social_worker", "manager"}),
        sees={IDENTITY: {"coordinator", "practitioner"}},
    ),
    page("sharing:intelligence", {"police", "police_south"}, denied=403, sees={IDENTITY: {"police"}}),
    # Acknowledging a share received (POST only, posted empty: the form answers that it is stale): its recipient;
    # for interview intelligence, the receiving force's police staff (the school acknowledges its share in
    # tests/sharing/test_acknowledge.py).
    page(
        "sharing:acknowledge",
        {"police"},
        args={"share_id": "intelligence_share"},
        method="post",
        overrides=forbid(NORTH_CASE | {"practitioner"}),
        sees={IDENTITY: {"police"}},
    ),
    page(
        "sharing:break-glass",
        CASE_WORKERS | {"health"},
        denied=403,
    ),
    page(
        "sharing:break-glass-result",
        {"health"},
        args={"access_id": "emergency_access"},
        denied=403,
        overrides=forbid(BREAK_GLASS_USERS, 404),
    ),
    page("sharing:break-glass-review", {"coordinator", "coordinator_south", "admin"}, denied=403),
    page(
        "sharing:break-glass-mark-reviewed",
        {"coordinator_south"},
        args={"access_id": "emergency_access"},
        denied=403,
        overrides={"coordinator": 404, "admin": 404},
    ),
    # --- analytics --------------------------------------------------------------------------------------
    page(
        "analytics:dashboard",
        {"coordinator", "manager", "coordinator_south", "police", "police_south", "analyst"},
        denied=403,
    ),
    page(
        "analytics:download",
        {"coordinator", "manager", "coordinator_south", "police", "police_south", "analyst"},
        args={"slug": "headline", "fmt": "csv"},
        denied=403,
    ),
    page(
        "analytics:workbook",
        {"coordinator", "manager", "coordinator_south", "police", "police_south", "analyst"},
        denied=403,
    ),
    page("analytics:regional", (), denied=403),
    page("analytics:regional-download", (), args={"slug": "headline", "fmt": "csv"}, denied=403),
    page("analytics:regional-workbook", (), denied=403),
    # The council's coordinator, team managers and analysts (issue 15); child IDs only, never a name.
    page(
        "analytics:data-quality",
        {"coordinator", "coordinator_south", "manager", "analyst"},
        denied=403,
        sees={IDENTITY: {"coordinator", "manager", "analyst"}},
    ),
    # --- reports ----------------------------------------------------------------------------------------
    # The statutory returns: each council's coordinator and analysts, for their own council only.
    page("returns:returns", RETURN_USERS, denied=403, query={"year": "2025"}),
    page("returns:download", RETURN_USERS, denied=403, method="post", query={"year": "2025", "file": "ssd-missing"}),
    # Importing a council's SSDA903 files: its coordinator only (an analyst reads figures, adds no children); an
    # upload of Northmoor's is not found for Southvale's coordinator. Its errors name child IDs (Jordan's here).
    page("returns:import", {"coordinator", "coordinator_south"}, denied=403),
    page(
        "returns:import-detail",
        {"coordinator"},
        args={"import_id": "return_import"},
        denied=403,
        overrides={"coordinator_south": 404},
        sees={IDENTITY: {"coordinator"}},
    ),
    page("reports:index", REPORT_USERS, denied=403),
    page("reports:download", REPORT_USERS, denied=403, query={"kind": "monthly", "period": ENDED_MONTH}),
    page("reports:stored", REPORT_USERS, denied=403),
    page(
        "reports:stored-download",
        REPORT_USERS - {"coordinator_south"},
        args={"report_id": "stored_report"},
        denied=403,
        overrides={"coordinator_south": 404},
    ),
    # --- identity: single sign-on and administration ----------------------------------------------------
    # Single sign-on is off in the test settings (no OIDC_RP_CLIENT_ID), so its two addresses answer 404 for
    # everyone; tests/identity/test_single_sign_on.py runs them against a real provider.
    page("identity:sign-on", USERS, public="single sign-on's start: 404 unless configured", allowed_status=404),
    page(
        "identity:sign-on-callback", USERS, public="single sign-on's return: 404 unless configured", allowed_status=404
    ),
    # Administrators only, for the accounts of their own agency and (a council's) the agencies in its area; another
    # council's administrator gets 404 for them (tests/identity/test_administration.py).
    page("identity:users", {"admin"}, denied=403),
    page("identity:user-add", {"admin"}, denied=403),
    page("identity:bulk-add", {"admin"}, denied=403),
    page("identity:user", {"admin"}, args={"user_id": "staff_user"}, denied=403),
    page("identity:user-status", {"admin"}, args={"user_id": "staff_user"}, denied=403),
    page("identity:user-two-factor", {"admin"}, args={"user_id": "staff_user"}, denied=403),
    page("identity:agencies", {"admin"}, denied=403),
    page("identity:agency-add", {"admin"}, denied=403),
    page("identity:group-mappings", {"admin"}, denied=403),
    page("identity:group-mapping-remove", {"admin"}, args={"mapping_id": "group_mapping"}, denied=403),
    # API credentials and webhooks (issue 17): administrators only, for the accounts and system clients of the
    # agencies they administer (tests/identity/test_api_credentials.py, tests/webhooks/test_pages.py).
    page("identity:api-credentials", {"admin"}, denied=403),
    page(
        "identity:api-token-revoke",
        {"admin"},
        args={"token_id": "api_token"},
        denied=403,
        method="post",
        allowed_status=302,
    ),
    page(
        "identity:api-client-revoke",
        {"admin"},
        args={"client_id": "system_client"},
        denied=403,
        method="post",
        allowed_status=302,
    ),
    page("webhooks:subscriptions", {"admin"}, denied=403),
    page("webhooks:deliveries", {"admin"}, args={"subscription_id": "subscription"}, denied=403),
    page(
        "webhooks:end",
        {"admin"},
        args={"subscription_id": "subscription"},
        denied=403,
        method="post",
        allowed_status=302,
    ),
    page("webhooks:replay", {"admin"}, args={"delivery_id": "delivery"}, denied=403, method="post", allowed_status=302),
    # --- meetings -----------------------------------------------------------------------------------------
    # The list: those who may call a meeting, and anyone invited (in person or by agency) to one.
    page(
        "meetings:list",
        MEETING_SEERS | {"coordinator_south"},
        denied=403,
    ),
    page(
        "meetings:call-about-child",
        MEETING_ORGANISERS,
        args={"child_id": "child"},
        denied=403,
        overrides={"coordinator_south": 404},
        sees={IDENTITY: MEETING_ORGANISERS},
    ),
    page(
        "meetings:call-from-alert",
        MEETING_ORGANISERS,
        args={"alert_id": "alert"},
        denied=403,
        overrides={"coordinator_south": 404},
        sees={IDENTITY: MEETING_ORGANISERS},
    ),
    page(
        "meetings:detail",
        MEETING_SEERS,
        args={"meeting_id": "meeting"},
        sees={
            IDENTITY: MEETING_CHILD_SEERS,
            EPISODE_WORDS: NORTH_CASE | {"police", "practitioner"},
            CHILD_SAID: NORTH_CASE | {"practitioner"},
            SCREENING: NORTH_CASE,
            INTELLIGENCE: {"police"},
        },
    ),
    page("meetings:attendance", MEETING_ORGANISERS, args={"meeting_id": "meeting"}, overrides=NOT_ORGANISER),
    page("meetings:add-child", MEETING_ORGANISERS, args={"meeting_id": "meeting"}, overrides=NOT_ORGANISER),
    # The persons and places linking the panel's children: never another agency's police-only intelligence.
    page("meetings:link", MEETING_ORGANISERS, args={"meeting_id": "meeting"}, overrides=NOT_ORGANISER),
    page(
        "meetings:discussion",
        MEETING_ORGANISERS,
        args={"meeting_id": "meeting", "child_id": "child"},
        overrides=NOT_ORGANISER,
        sees={IDENTITY: MEETING_ORGANISERS},
    ),
    page(
        "meetings:new-action",
        MEETING_ORGANISERS,
        args={"meeting_id": "meeting"},
        overrides=NOT_ORGANISER,
        sees={IDENTITY: MEETING_ORGANISERS},
    ),
    page("meetings:pack", MEETING_SEERS, args={"meeting_id": "meeting"}, pdf=True, sees=PACK_SEES),
    page(
        "meetings:minutes",
        MEETING_SEERS,
        args={"meeting_id": "meeting"},
        pdf=True,
        sees={IDENTITY: NORTH_CASE | {"police", "school_dsl"}},
    ),
    page(
        "meetings:action",
        MEETING_CHILD_SEERS,
        args={"action_id": "meeting_action"},
        sees={IDENTITY: MEETING_CHILD_SEERS},
        # Only the action's owner (the social worker) or the meeting's organisers close it.
        post_refused=forbid(MEETING_CHILD_SEERS - NORTH_CASE),
    ),
    # --- operations (ops app): probes and metrics hold no case data; the figures need the metrics token ----------
    page("ops:live", USERS, public="the load balancer's liveness probe: says only that the process answers"),
    page("ops:ready", USERS, public="the readiness probe: ok or warning per check, figures only with the token"),
    page(
        "ops:metrics",
        USERS,
        public="Prometheus scrapes it with HOMEWARD_METRICS_TOKEN; a session is not enough: 404 for everyone",
        allowed_status=404,
    ),
    # --- the API ----------------------------------------------------------------------------------------
    page("api:openapi-json", USERS, public="the API's published description"),
    page("api:openapi-view", USERS, public="the API's published documentation"),
    page("api:api-root", USERS, public="the API's root", allowed_status=404),
    api("GET", "/children", everyone_but(), sees={IDENTITY: CHILD_SEERS}),
    api("GET", "/children/{id}", CHILD_SEERS, args={"id": "child"}, sees={IDENTITY: CHILD_SEERS}),
    api("POST", "/children/search", everyone_but(), body={"text": "Jordan Example"}, sees={IDENTITY: CHILD_SEERS}),
    api("GET", "/episodes", everyone_but(), sees={IDENTITY: CHILD_SEERS, EPISODE_WORDS: CHILD_SEERS - {"school_dsl"}}),
    api(
        "GET",
        "/episodes/{id}",
        CHILD_SEERS,
        args={"id": "episode"},
        sees={IDENTITY: CHILD_SEERS, EPISODE_WORDS: CHILD_SEERS - {"school_dsl"}},
    ),
    api("GET", "/return-interviews", everyone_but(), sees={IDENTITY: INTERVIEW_SEERS}),
    api(
        "GET",
        "/return-interviews/{id}",
        NORTH_CASE | {"practitioner"},
        args={"id": "interview"},
        sees={IDENTITY: INTERVIEW_SEERS, CHILD_SAID: INTERVIEW_SEERS},
    ),
    api("GET", "/meetings", everyone_but()),
    api("GET", "/meetings/{id}", MEETING_SEERS, args={"id": "meeting"}, sees={IDENTITY: MEETING_CHILD_SEERS}),
    api("GET", "/meeting-actions", everyone_but(), sees={IDENTITY: MEETING_CHILD_SEERS}),
    api(
        "GET",
        "/meeting-actions/{id}",
        MEETING_CHILD_SEERS,
        args={"id": "meeting_action"},
        sees={IDENTITY: MEETING_CHILD_SEERS},
    ),
    # Issue 17's resources, each scoped as its pages (a record outside the caller's scope is 404, as everywhere in
    # the API): risk grade changes as their episode, with the reasons as the episode's free text.
    api(
        "GET",
        "/risk-changes",
        everyone_but(),
        sees={IDENTITY: CHILD_SEERS, EPISODE_WORDS: CHILD_SEERS - {"school_dsl"}},
    ),
    api(
        "GET",
        "/risk-changes/{id}",
        CHILD_SEERS,
        args={"id": "risk_change"},
        sees={IDENTITY: CHILD_SEERS, EPISODE_WORDS: CHILD_SEERS - {"school_dsl"}},
    ),
    api("GET", "/alerts", everyone_but(), sees={IDENTITY: NORTH_CASE | {"police"}}),
    api("GET", "/alerts/{id}", NORTH_CASE | {"police"}, args={"id": "alert"}, sees={IDENTITY: NORTH_CASE | {"police"}}),
    api("GET", "/screenings", everyone_but(), sees={IDENTITY: NORTH_CASE, SCREENING: NORTH_CASE}),
    api(
        "GET",
        "/screenings/{id}",
        NORTH_CASE,
        args={"id": "screening"},
        sees={IDENTITY: NORTH_CASE, SCREENING: NORTH_CASE},
    ),
    api(
        "GET",
        "/referrals",
        everyone_but(),
        sees={IDENTITY: NORTH_CASE | {"police"}, REFERRAL: NORTH_CASE | {"police"}},
    ),
    api(
        "GET",
        "/referrals/{id}",
        NORTH_CASE | {"police"},
        args={"id": "referral"},
        sees={IDENTITY: NORTH_CASE | {"police"}, REFERRAL: NORTH_CASE | {"police"}},
    ),
    api("GET", "/persons", everyone_but(), sees={INTELLIGENCE: {"police"}}),
    api("GET", "/persons/{id}", {"police"}, args={"id": "intel_person"}, sees={INTELLIGENCE: {"police"}}),
    # The partnership register's search answers everyone (empty for those without the network), and shows the
    # record found, never a child.
    api("POST", "/persons/find", everyone_but(), body={"phone": "07700 900123"}),
    api("POST", "/places/find", everyone_but(), body={"postcode": "NM4 7AB"}),
    # The cross-border picture: police and MASH; children they do not reach are counts by council.
    api(
        "GET",
        "/partnership-picture",
        {"police", "police_south", "mash", "mash_south", "exploitation"},
        denied=403,
        sees={INTELLIGENCE: {"police"}},
    ),
    api("GET", "/places", everyone_but()),
    api("GET", "/places/{id}", NORTH_CASE | {"police"}, args={"id": "place"}),
    api("GET", "/person-links", everyone_but(), sees={IDENTITY: {"police"}, INTELLIGENCE: {"police"}}),
    api(
        "GET",
        "/person-links/{id}",
        {"police"},
        args={"id": "intel_link"},
        sees={IDENTITY: {"police"}, INTELLIGENCE: {"police"}},
    ),
    api("GET", "/place-links", everyone_but(), sees={IDENTITY: NORTH_CASE | {"police"}}),
    api(
        "GET",
        "/place-links/{id}",
        NORTH_CASE | {"police"},
        args={"id": "place_link"},
        sees={IDENTITY: NORTH_CASE | {"police"}},
    ),
    api(
        "GET",
        "/shares",
        everyone_but(),
        # Police see the child's ID on the interview intelligence shared with them, and the practitioner on the
        # share they made from their interview (issue 12); the purpose of the other shares stays with the council.
        sees={
            IDENTITY: NORTH_CASE | {"school_dsl", "police", "practitioner"},
            SHARE_PURPOSE: NORTH_CASE | {"school_dsl"},
        },
    ),
    api(
        "GET",
        "/shares/{id}",
        NORTH_CASE | {"school_dsl"},
        args={"id": "share"},
        sees={IDENTITY: NORTH_CASE | {"school_dsl"}, SHARE_PURPOSE: NORTH_CASE | {"school_dsl"}},
    ),
    api(
        "GET",
        "/philomena-profiles/{child_id}",
        NORTH_CASE | {"police"},
        args={"child_id": "child"},
        overrides=forbid(CHILD_SEERS),
        sees={IDENTITY: NORTH_CASE | {"police"}, PHILOMENA: NORTH_CASE | {"police"}},
    ),
    api(
        "GET",
        "/episodes/{id}/log",
        CHILD_SEERS,
        args={"id": "episode"},
        sees={EPISODE_WORDS: CHILD_SEERS - {"school_dsl"}},
    ),
    # Tasks name records, never children; every user has a (maybe empty) inbox.
    api("GET", "/tasks", everyone_but()),
    api("GET", "/notifications", everyone_but()),
    api("GET", "/notifications/{id}", {"coordinator"}, args={"id": "notification"}),
    # API writes, each user with a token and a valid body (`@name` is a record's id, `@name.version` its version as
    # stored now, other `@name`s a value the test makes). The test also checks that a refused write wrote nothing.
    # Riley (Southvale's child placed in Northmoor) is reported missing: her councils and Northmoor Police may.
    api(
        "POST",
        "/episodes",
        NORTH_CASE | {"police", "coordinator_south"},
        allowed_status=201,
        denied=403,
        # Southvale Police may report, but not Riley (outside their force) to Northmoor Police: refused as input,
        # the same answer as for a child who does not exist.
        overrides={"police_south": 400},
        body={
            "child": "@placed_child",
            "episode_type": "M",
            "missing_from": "home",
            "last_seen_at": "@hours_ago_5",
            "last_seen_place": "Matrix bus station",
            "reported_at": "@hours_ago_4",
            "reported_by": "Carer",
            "police_force": "@police_north",
            "risk_grade": "medium",
        },
        write=True,
    ),
    api(
        "PATCH",
        "/episodes/{id}",
        NORTH_CASE | {"police"},
        args={"id": "episode"},
        overrides=SEES_CANNOT_EDIT,
        body={"version": "@episode.version", "last_seen_place": "Matrix park"},
        write=True,
    ),
    api(
        "POST",
        "/episodes/{id}/risk-grade",
        NORTH_CASE | {"police"},
        args={"id": "open_episode"},
        body={"grade": "high", "reason": "Matrix: seen with an adult of concern", "version": "@open_episode.version"},
        write=True,
    ),
    api(
        "POST",
        "/episodes/{id}/return",
        NORTH_CASE | {"police"},
        args={"id": "open_episode"},
        body={
            "returned_at": "@hours_ago_1",
            "found_place": "Home",
            "found_by": "police",
            "version": "@open_episode.version",
        },
        write=True,
    ),
    api(
        "POST",
        "/return-interviews/{id}/assign",
        {"coordinator"},
        args={"id": "open_interview"},
        overrides=forbid(INTERVIEW_SEERS),
        body={"practitioner": "@practitioner", "version": "@open_interview.version"},
        write=True,
    ),
    api(
        "POST",
        "/return-interviews/{id}/offer",
        {"coordinator", "practitioner"},
        args={"id": "open_interview"},
        overrides=forbid(INTERVIEW_SEERS),
        body={
            "outcome": "accepted",
            "offered_at": "@hours_ago_5",
            "offered_by": "Sam Tester",
            "version": "@open_interview.version",
        },
        write=True,
    ),
    api(
        "POST",
        "/return-interviews/{id}/interview",
        {"coordinator", "practitioner"},
        args={"id": "open_interview"},
        overrides=forbid(INTERVIEW_SEERS),
        body={
            "completed_at": "@hours_ago_1",
            "episode_ids": ["@covered_episode"],
            "consent_to_share": "yes",
            "narrative": "Matrix write-up",
            "version": "@open_interview.version",
        },
        write=True,
    ),
    # Coordinators and social workers add their own council's children (as on the "Add a child" page): Southvale's
    # coordinator names Northmoor as the responsible council, refused as input.
    api(
        "POST",
        "/children",
        {"coordinator", "social_worker"},
        allowed_status=201,
        denied=403,
        overrides={"coordinator_south": 400},
        body={
            "la_child_id": "MATRIX-NEW-1",
            "first_name": "Alex",
            "last_name": "Matrix",
            "date_of_birth": "2012-05-01",
            "sex": "F",
            "ethnicity": "WBRI",
            "legal_status": "looked_after",
            "responsible_council": "@north",
            "living_arrangement": "foster_care",
            "placement_council": "@north",
        },
        write=True,
    ),
    # ... and change the records of their council's children; others who see Jordan may not.
    api(
        "PATCH",
        "/children/{id}",
        {"coordinator", "social_worker"},
        args={"id": "child"},
        overrides=forbid(CHILD_SEERS - {"coordinator", "social_worker"}),
        body={"version": "@child.version", "preferred_name": "Jo"},
        write=True,
    ),
    # The alert is for Northmoor's coordinator role: only its holders decide; others who see it may not.
    api(
        "POST",
        "/alerts/{id}/decision",
        {"coordinator"},
        args={"id": "alert"},
        overrides=forbid({"social_worker", "manager", "police"}),
        body={"decision": "no_further_action", "reason": "Matrix: seen and safe"},
        write=True,
    ),
    # Jordan's open episode shared with Jordan's school: Northmoor's case roles may; those who see Jordan but may
    # share nothing about them are refused (403); an episode they may not share is refused as input (400), and so
    # is a child they cannot see (the same answer as an id that does not exist).
    api(
        "POST",
        "/shares",
        NORTH_CASE,
        allowed_status=201,
        denied=400,
        overrides={"school_dsl": 403},
        body={
            "child": "@child",
            "what": "episode_summary",
            "episode": "@open_episode",
            "to_agency": "@school",
            "lawful_basis": "children_act_s47",
            "child_consent": "not_sought_with_reason",
            "child_consent_reason": "Seeking consent would put the child at risk",
            "purpose": "Matrix: keep an eye out at school",
        },
        write=True,
    ),
    api(
        "POST",
        "/shares/{id}/withdraw",
        NORTH_CASE,
        args={"id": "share"},
        overrides={"school_dsl": 403},
        body={"reason": "Matrix: no longer needed", "version": "@share.version"},
        write=True,
    ),
    # The action's owner (Northmoor's social worker) and the panel's organisers close it; others who see it may not.
    api(
        "POST",
        "/meeting-actions/{id}/status",
        NORTH_CASE,
        args={"id": "meeting_action"},
        overrides=forbid({"police", "school_dsl", "practitioner"}),
        body={"status": "done", "version": "@meeting_action.version"},
        write=True,
    ),
]

# --- public pages, the content editor and the MASH queue (issue 16) ----------------------------------------------
EDITORS = frozenset({"editor", "editor_south"})
MASH_USERS = frozenset({"mash", "mash_south"})
PUBLIC_SLUG = "if-your-child-is-missing"
MATRIX += [
    page("public:index", USERS, public="the public site: no sign-in"),
    page("public:cookies", USERS, public="the public site's cookies page"),
    page("public:privacy", USERS, public="the public site's privacy notice"),
    page("public:accessibility", USERS, public="the public site's accessibility statement"),
    page("public:council", USERS, args={"code": "901"}, public="a council's public pages"),
    page("public:page", USERS, args={"code": "901", "slug": PUBLIC_SLUG}, public="a published public page"),
    page("public:concern", USERS, args={"code": "901"}, public="the public concern form"),
    page("public:concern-sent", USERS, args={"code": "901"}, public="the concern form's confirmation"),
    page("public:editor-pages", EDITORS, denied=403),
    page("public:editor-new", EDITORS, denied=403),
    page("public:editor-edit", {"editor"}, args={"page_id": "public_page"}, overrides=forbid(set(USERS) - EDITORS)),
    page(
        "public:editor-unpublish",
        {"editor"},
        args={"page_id": "public_page"},
        method="post",
        overrides=forbid(set(USERS) - EDITORS),
    ),
    page("public:editor-versions", {"editor"}, args={"page_id": "public_page"}, overrides=forbid(set(USERS) - EDITORS)),
    page(
        "public:editor-version",
        {"editor"},
        args={"page_id": "public_page", "number": 1},
        overrides=forbid(set(USERS) - EDITORS),
    ),
    page("public:mash-queue", MASH_USERS, denied=403),
    *(
        page(
            f"public:{name}",
            {"mash"},
            args={"concern_id": "concern"},
            overrides=forbid(set(USERS) - MASH_USERS),
            sees={CONCERN: {"mash"}},
        )
        for name in ("mash-concern", "mash-link", "mash-new-child", "mash-refer", "mash-close")
    ),
    api(
        "POST",
        "/episodes/{id}/log",
        NORTH_CASE | {"police"},
        args={"id": "open_episode"},
        allowed_status=201,
        body={"kind": "sighting", "occurred_at": "@hours_ago_1", "note": "Matrix: seen at the station"},
        write=True,
    ),
    # Handing the alert on: whoever may decide it (the coordinator) and the council's managers.
    api(
        "POST",
        "/alerts/{id}/assign",
        {"coordinator", "manager"},
        args={"id": "alert"},
        overrides=forbid({"social_worker", "police"}),
        body={"assigned_to": "@coordinator", "version": "@alert.version"},
        write=True,
    ),
    api(
        "POST",
        "/notifications/{id}/read",
        {"coordinator"},
        args={"id": "notification"},
        body={},
        write=True,
    ),
]

BY_KEY = {entry.key: entry for entry in MATRIX}
assert len(BY_KEY) == len(MATRIX), "an entry appears twice in the permission matrix"

# --- police notifications in: the upload page, its progress, the match queue and the quarantine (issue 12) --------
# The matrix's notification is in Northmoor Police's match queue, proposing Jordan by a misspelt name. Who works a
# force's queue: its police and MASH users, and the coordinators and MASH workers of the councils it covers; each
# sees of a proposal only the children their own scoping shows (Northmoor's coordinator and police see Jordan).
MATRIX_NOTIFICATION = {
    "kind": "missing",
    "force_code": "41",
    "police_reference": "41-MATRIX-1",
    "event_at": "2026-01-10T10:00:00+00:00",
    "first_name": "Jordyn",
    "last_name": "Exampal",
    "date_of_birth": "2011-03-04",
    "missing_from": "home",
    "last_seen_at": "2026-01-10T08:00:00+00:00",
    "last_seen_place": "Northmoor bus station",
    "reported_by": "Parent",
    "risk_grade": "medium",
}
UPLOADERS = frozenset({"police", "police_south", "mash", "mash_south"})
QUEUE_WORKERS = UPLOADERS | {"coordinator", "coordinator_south"}
NORTH_QUEUE = frozenset({"police", "mash", "coordinator"})
MATRIX += [
    page("intake:upload", UPLOADERS, denied=403),
    page("intake:batch", {"police"}, args={"batch_id": "import_batch"}, overrides=forbid(set(USERS) - UPLOADERS)),
    page(
        "intake:batch-import-valid",
        {"police"},
        args={"batch_id": "import_batch"},
        method="post",
        allowed_status=302,
        overrides=forbid(set(USERS) - UPLOADERS),
    ),
    page("intake:queue", QUEUE_WORKERS, denied=403),
    page("intake:quarantine", QUEUE_WORKERS, denied=403),
    page(
        "intake:queued",
        NORTH_QUEUE,
        args={"notification_id": "queued_notification"},
        overrides=forbid(set(USERS) - QUEUE_WORKERS),
        sees={IDENTITY: {"police", "coordinator"}},
    ),
    # Provisional records (a child the police reported whom Homeward did not know): each council's coordinator
    # confirms its own; the matrix's record is Northmoor's (Southvale's coordinator cannot tell it exists).
    page("intake:provisional-list", {"coordinator", "coordinator_south"}, denied=403),
    page(
        "intake:provisional",
        {"coordinator"},
        args={"provisional_id": "provisional_record"},
        overrides=forbid(set(USERS) - {"coordinator", "coordinator_south"}),
    ),
    # The push endpoint (scope police-notifications:write) is for a police force's own staff; an empty batch is
    # refused as malformed (tests/intake covers real batches, the scope and the force).
    api(
        "POST", "/police-notifications", {"police", "police_south"}, denied=403, body={"notifications": []}, write=True
    ),
]
BY_KEY = {entry.key: entry for entry in MATRIX}
