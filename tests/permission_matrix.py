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
GROUPS = {
    IDENTITY: ("Jordan Example", "N000123"),
    EPISODE_WORDS: (MARKERS["episode"], MARKERS["risk_reason"]),
    CHILD_SAID: (MARKERS["interview"],),
    SCREENING: (MARKERS["screening"],),
    REFERRAL: (MARKERS["referral"],),
    PHILOMENA: (MARKERS["philomena"],),
    INTELLIGENCE: (MARKERS["intelligence"],),
    SHARE_PURPOSE: (MARKERS["share"],),
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
    page("core:my-work", USERS, sees={IDENTITY: {"coordinator"}}),
    # --- children ---------------------------------------------------------------------------------------
    page("children:search", everyone_but("health", "analyst", "admin", "auditor"), denied=403),
    # A saved search's results (Post/Redirect/Get): Northmoor users who search; anyone else cannot tell it exists.
    page(
        "children:results",
        NORTH_CASE,
        args={"token": "saved_search"},
        overrides=forbid({"health", "analyst", "admin", "auditor"}),
        sees={IDENTITY: NORTH_CASE},
    ),
    page("children:add", {"coordinator", "social_worker", "coordinator_south"}, denied=403),
    page("children:detail", CHILD_SEERS, args={"child_id": "child"}, sees={IDENTITY: CHILD_SEERS}),
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
    page("network:missing-together", CASE_WORKERS, denied=403),
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
        # Everything held about the child, except police-only intelligence (withheld: docs/security.md).
        sees={group: {"coordinator"} for group in GROUPS if group != INTELLIGENCE},
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
    page("sharing:received", everyone_but("analyst", "admin", "auditor"), denied=403, sees={IDENTITY: {"school_dsl"}}),
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
]

BY_KEY = {entry.key: entry for entry in MATRIX}
assert len(BY_KEY) == len(MATRIX), "an entry appears twice in the permission matrix"
