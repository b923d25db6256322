"""Each dashboard figure on the hand-checked data set (tests/analytics/conftest.py), with exact numbers."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics import figures
from analytics.filters import Filters, Scope
from analytics.rollups import compute_facts
from analytics.values import Change, Rate
from network.codes import Confidence, LinkSource, PlaceKind
from network.models import ChildPlaceLink, Place
from risk.codes import ReferralStatus, ReferralTo
from risk.models import Referral

JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


def only(period: Filters, **chosen) -> Filters:
    return dataclasses.replace(period, **chosen)


def column(rows, key, value_key):
    return {row[key]: row[value_key] for row in rows}


# --- Episodes and children -------------------------------------------------------------------------------


def test_episodes_and_distinct_children_per_month(dataset):
    assert figures.episodes_by_month(dataset.north, dataset.period) == [
        {"month": JAN, "episodes": 4, "children": 3},  # A1 A2 B1 D1: A, B, D
        {"month": FEB, "episodes": 3, "children": 2},  # A3 C1 C2: A, C
        {"month": MAR, "episodes": 3, "children": 3},  # A4 B2 C3: A, B, C
    ]


def test_months_without_episodes_are_listed_with_zeros(dataset):
    autumn = Filters(start=dt.date(2024, 8, 1), end=dt.date(2024, 10, 1))
    assert figures.episodes_by_month(dataset.north, autumn) == [
        {"month": dt.date(2024, 8, 1), "episodes": 0, "children": 0},
        {"month": dt.date(2024, 9, 1), "episodes": 0, "children": 0},
        {"month": dt.date(2024, 10, 1), "episodes": 0, "children": 0},
    ]


def test_an_episode_counts_in_its_local_month_weekday_and_hour(dataset):
    """A5: 23:30 UTC on Monday 1 July 2024 is 00:30 on Tuesday 2 July in British Summer Time."""
    fact = compute_facts([dataset.children.a.pk]).episodes[dataset.episodes.a5.pk]
    assert (fact.month, fact.weekday, fact.hour) == (dt.date(2024, 7, 1), 1, 0)
    july = Filters(start=dt.date(2024, 7, 1), end=dt.date(2024, 7, 1))
    assert figures.episodes_by_month(dataset.north, july) == [
        {"month": dt.date(2024, 7, 1), "episodes": 1, "children": 1}
    ]
    tuesday = figures.time_of_day(dataset.north, july)[1]
    assert (tuesday["weekday"], tuesday["h00"], tuesday["total"]) == ("Tuesday", 1, 1)


def test_repeat_children_and_the_share_of_episodes_they_account_for(dataset):
    # A 4 episodes, C 3 (repeat at 3 or more); B 2; D 1: 10 episodes.
    assert figures.repeat_children(dataset.north, dataset.period) == [
        {"group": "1", "children": 1, "episodes": 1, "share": Rate(1, 10)},
        {"group": "2", "children": 1, "episodes": 2, "share": Rate(2, 10)},
        {"group": "3 or more (repeat)", "children": 2, "episodes": 7, "share": Rate(7, 10)},
    ]
    assert Rate(7, 10).percent == 70.0


def test_the_repeat_threshold_is_the_setting(dataset, settings):
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 4
    rows = figures.repeat_children(dataset.north, dataset.period)
    assert [(r["group"], r["children"], r["episodes"]) for r in rows] == [
        ("1", 1, 1),
        ("2", 1, 2),
        ("3", 1, 3),
        ("4 or more (repeat)", 1, 4),
    ]


def test_duration_bands(dataset):
    assert figures.duration_bands(dataset.north, dataset.period) == [
        {"band": "Under 6 hours", "episodes": 3, "share": Rate(3, 10)},  # A1 4h, B1 4h, C1 1h
        {"band": "6 to 24 hours", "episodes": 3, "share": Rate(3, 10)},  # A2 18h, C2 10h, D1 12h
        {"band": "1 to 3 days", "episodes": 1, "share": Rate(1, 10)},  # A3 35h
        {"band": "3 to 7 days", "episodes": 1, "share": Rate(1, 10)},  # B2 76h
        {"band": "Over 7 days", "episodes": 1, "share": Rate(1, 10)},  # A4 8 days
        {"band": "Still missing", "episodes": 1, "share": Rate(1, 10)},  # C3
    ]


def test_time_of_day_by_day_of_week(dataset):
    rows = figures.time_of_day(dataset.north, dataset.period)
    assert [row["weekday"] for row in rows] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    cells = {(row["weekday"], hour): row[f"h{hour:02d}"] for row in rows for hour in range(24)}
    expected = {
        ("Monday", 22): 1,  # A1
        ("Monday", 23): 1,  # A3
        ("Monday", 16): 1,  # B2
        ("Thursday", 19): 1,  # A4
        ("Friday", 22): 1,  # C2
        ("Friday", 8): 1,  # D1
        ("Saturday", 15): 1,  # A2
        ("Saturday", 21): 1,  # B1
        ("Saturday", 2): 1,  # C1
        ("Saturday", 23): 1,  # C3
    }
    assert {key: n for key, n in cells.items() if n} == expected
    assert [row["total"] for row in rows] == [3, 0, 0, 1, 2, 4, 0]
    assert all(len(row) == 26 for row in rows)  # weekday, 24 hours, total


def test_risk_grades(dataset):
    assert figures.risk_grades(dataset.north, dataset.period) == [
        {"grade": "No apparent risk", "episodes": 1, "share": Rate(1, 10)},
        {"grade": "Low", "episodes": 2, "share": Rate(2, 10)},
        {"grade": "Medium", "episodes": 4, "share": Rate(4, 10)},
        {"grade": "High", "episodes": 3, "share": Rate(3, 10)},
    ]


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        (
            "legal_status",
            {
                "Not known to social care": (1, 1),
                "Child in need": (2, 1),
                "Child protection plan": (0, 0),
                "Looked after (child in care)": (7, 2),
                "Care leaver": (0, 0),
            },
        ),
        ("age_band", {"Under 10": (1, 1), "10 to 12": (2, 1), "13 to 15": (4, 1), "16 to 17": (3, 1)}),
        ("sex", {"Male": (5, 2), "Female": (5, 2), "Not known": (0, 0)}),
        (
            "ethnicity_group",
            {
                "White": (4, 1),
                "Mixed or multiple ethnic groups": (3, 1),
                "Asian or Asian British": (1, 1),
                "Black, Black British, Caribbean or African": (2, 1),
                "Other ethnic group": (0, 0),
                "Refused or not yet obtained": (0, 0),
            },
        ),
        (
            "placement_type",
            {
                "At home with family": (3, 2),
                "Foster care": (4, 1),
                "Children's home": (3, 1),
                "Supported accommodation": (0, 0),
                "Secure accommodation": (0, 0),
                "Other": (0, 0),
            },
        ),
        ("area", {"In the responsible council's area": (7, 3), "Placed out of area": (3, 1)}),
    ],
)
def test_breakdowns_by_the_childs_characteristics(dataset, dimension, expected):
    rows = figures.breakdown(dataset.north, dataset.period, dimension)
    assert {row["value"]: (row["episodes"], row["children"]) for row in rows} == expected
    assert [row["share"] for row in rows] == [Rate(episodes, 10) for episodes, _ in expected.values()]


# --- Where ------------------------------------------------------------------------------------------------


def test_top_last_seen_places_are_normalised_and_need_two_children(dataset):
    # "Northtown Bus Station", "northtown bus station." and "Northtown bus station" (x3) are one place;
    # "Skate park, Northtown" (B only) and the school (D only) are one child's and are not listed.
    assert figures.places(dataset.north, dataset.period, "last_seen") == [
        {"place": "Northtown bus station", "episodes": 5, "children": 2},
        {"place": "Retail park Northtown", "episodes": 2, "children": 2},
    ]


def test_top_found_places(dataset):
    # The flat on Mill Lane is A's twice: one child, not listed.
    assert figures.places(dataset.north, dataset.period, "found") == [
        {"place": "Returned home", "episodes": 2, "children": 2}
    ]


def test_the_minimum_number_of_children_for_a_place_is_a_setting(dataset, settings):
    settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN = 1
    settings.HOMEWARD_DASHBOARD_TOP_PLACES = 3
    assert figures.places(dataset.north, dataset.period, "found") == [
        {"place": "Returned home", "episodes": 2, "children": 2},
        {"place": "Flat on Mill Lane, Northtown", "episodes": 2, "children": 1},
        {"place": "Returned to placement", "episodes": 2, "children": 1},
    ]


def test_postcode_districts_where_the_place_has_a_postcode(dataset):
    assert figures.districts(dataset.north, dataset.period, "last_seen") == [
        {"district": "SV1", "episodes": 1, "children": 1}
    ]
    assert figures.districts(dataset.north, dataset.period, "found") == [
        {"district": "NM5", "episodes": 2, "children": 1}
    ]


def _place(world, name, lat, lon, *, police_only=False):
    return Place.objects.create(
        owning_agency=world.police_north,
        kind=PlaceKind.TRANSPORT_HUB,
        name=name,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        police_only=police_only,
        created_by=world.users.police,
    )


def _link(world, place, episode, source=LinkSource.LAST_SEEN_AT):
    return ChildPlaceLink.objects.create(
        child=episode.child,
        place=place,
        episode=episode,
        source=source,
        linked_on=episode.last_seen_at.date(),
        confidence=Confidence.CONFIRMED,
        owning_agency=world.police_north,
        recorded_by=world.users.police,
    )


def test_the_map_rounds_linked_places_with_coordinates_to_about_a_kilometre(dataset):
    world, eps = dataset.world, dataset.episodes
    station = _place(world, "Bus station", "53.80123", "-1.54876")
    kiosk = _place(world, "Kiosk by the station", "53.80399", "-1.55102")  # the same 0.01 degree cell
    park = _place(world, "Park", "53.7612", "-1.6049")
    secret = _place(world, "Police-only address", "53.9", "-1.4", police_only=True)
    _link(world, station, eps.a1)
    _link(world, kiosk, eps.c1)
    _link(world, station, eps.c1, LinkSource.FOUND_AT)  # the same episode twice in a cell counts once
    _link(world, park, eps.b1, LinkSource.FOUND_AT)
    _link(world, secret, eps.a2)
    _link(world, park, eps.f1)  # Southvale's child: not Northmoor's figures
    _link(world, park, eps.a0)  # December 2024: not in the period
    _link(world, park, eps.d1, LinkSource.SEEN_WITH)  # not where last seen or found
    assert figures.map_points(dataset.north, dataset.period) == [
        {"latitude": Decimal("53.80"), "longitude": Decimal("-1.55"), "episodes": 2},
        {"latitude": Decimal("53.76"), "longitude": Decimal("-1.60"), "episodes": 1},
    ]


# --- Return interviews and what children said --------------------------------------------------------------


def test_return_interviews_due_offered_in_time_and_their_outcomes(dataset):
    rows = figures.interviews(dataset.north, dataset.period)
    assert [(row["measure"], row["interviews"]) for row in rows] == [
        ("Due (the child returned and an interview was owed)", 8),
        ("Offered", 6),
        ("Offered within 72 hours", 5),  # A2's interview was offered late
        ("Accepted", 3),
        ("Completed", 3),
        ("Declined by the child", 1),
        ("Could not make contact", 1),
        ("Not offered", 1),
        ("No outcome recorded yet", 2),  # D1 offered, no answer; A4 not yet offered
    ]
    assert [row["share"] for row in rows][:3] == [Rate(8, 8), Rate(6, 8), Rate(5, 8)]
    assert Rate(5, 8).percent == 62.5


def test_push_and_pull_factors_and_disclosures_per_month(dataset):
    assert figures.factor_trend(dataset.north, dataset.period) == [
        {"month": JAN, "push": 1, "pull": 1, "disclosure": 0},
        {"month": FEB, "push": 1, "pull": 1, "disclosure": 1},
        {"month": MAR, "push": 1, "pull": 1, "disclosure": 2},
    ]
    push = {row["factor"]: row for row in figures.factors_by_month(dataset.north, dataset.period, "push")}
    assert push["Conflict at home or in the placement"] == {
        "factor": "Conflict at home or in the placement",
        "2025-01": 1,
        "2025-02": 1,
        "2025-03": 0,
        "total": 2,
    }
    assert push["Bullying"]["total"] == 1
    assert sum(row["total"] for row in push.values()) == 3
    pull = {row["factor"]: row["total"] for row in figures.factors_by_month(dataset.north, dataset.period, "pull")}
    assert {k: v for k, v in pull.items() if v} == {
        "Wanting to be with friends": 2,
        "Adults offering gifts, money or somewhere to stay": 1,
    }
    disclosed = figures.factors_by_month(dataset.north, dataset.period, "disclosure")
    assert {row["factor"]: row["total"] for row in disclosed if row["total"]} == {
        "Signs of child criminal exploitation": 2,
        "Online grooming or harm": 1,
    }
    assert len(disclosed) == 11  # every disclosure code is a row, recorded or not


# --- Open referrals -------------------------------------------------------------------------------------


@pytest.fixture
def referrals(dataset):
    now = timezone.now()
    kids, coordinator = dataset.children, dataset.world.users.coordinator

    def refer(child, to, status, days_ago):
        made = now - dt.timedelta(days=days_ago)
        return Referral.objects.create(
            child=child,
            to=to,
            made_at=made,
            made_by=coordinator,
            reason="Synthetic reason",
            status=status,
            status_changed_at=made,
        )

    return [
        refer(kids.a, ReferralTo.EXPLOITATION_TEAM, ReferralStatus.MADE, 40),
        refer(kids.c, ReferralTo.MASH, ReferralStatus.ACCEPTED, 5),
        refer(kids.b, ReferralTo.MASH, ReferralStatus.CLOSED, 50),
        refer(kids.f, ReferralTo.MASH, ReferralStatus.MADE, 3),  # Southvale's child
    ]


def test_open_referrals_now_by_where_they_went(dataset, referrals):
    rows = figures.open_referrals(dataset.north, dataset.period)
    assert [(r["to"], r["status"], r["referrals"], r["older"]) for r in rows] == [
        ("The MASH (multi-agency safeguarding hub)", "Made", 0, 0),
        ("The MASH (multi-agency safeguarding hub)", "Accepted", 1, 0),
        ("The exploitation team", "Made", 1, 1),
        ("The exploitation team", "Accepted", 0, 0),
    ]
    girls = figures.open_referrals(dataset.north, only(dataset.period, sex="F"))
    assert [r["referrals"] for r in girls] == [0, 0, 1, 0]
    out_of_area = figures.open_referrals(dataset.north, only(dataset.period, area="out"))
    assert [r["referrals"] for r in out_of_area] == [0, 1, 0, 0]
    regional = figures.open_referrals(dataset.regional, dataset.period)
    assert [r["referrals"] for r in regional] == [1, 1, 1, 0]


# --- The comparison with the previous period -------------------------------------------------------------


def test_the_previous_period_is_the_same_length_just_before(dataset):
    previous = dataset.period.previous()
    assert (previous.start, previous.end, previous.length) == (dt.date(2024, 10, 1), dt.date(2024, 12, 1), 3)
    assert only(dataset.period, sex="M").previous().sex == "M"


def test_headline_figures_with_the_previous_period_and_the_change(dataset):
    rows = {
        row["measure"]: (row["current"], row["previous"], row["change"])
        for row in figures.headline(dataset.north, dataset.period)
    }
    assert rows == {
        "Missing episodes": (10, 2, Change(10, 2)),  # before: A0 (December), D0 (November)
        "Children who went missing": (4, 2, Change(4, 2)),
        "Repeat children (3 or more episodes)": (2, 0, Change(2, 0)),
        "Share of episodes that were repeat children's": (Rate(7, 10), Rate(0, 2), Change(Rate(7, 10), Rate(0, 2))),
        "Episodes lasting more than 24 hours": (3, 0, Change(3, 0)),
        "Episodes graded high risk": (3, 0, Change(3, 0)),
        "Episodes still open": (1, 0, Change(1, 0)),
        "Return interviews due": (8, 1, Change(8, 1)),
        "Return interviews offered within 72 hours": (Rate(5, 8), Rate(1, 1), Change(Rate(5, 8), Rate(1, 1))),
        "Return interviews completed": (3, 1, Change(3, 1)),
    }
    assert Change(10, 2).amount == 8
    assert Change(Rate(7, 10), Rate(0, 2)).amount == 70.0
    assert Change(Rate(5, 8), Rate(1, 1)).amount == -37.5


# --- Scopes and filters ----------------------------------------------------------------------------------


def test_a_council_can_add_the_children_placed_in_its_area(dataset):
    with_placed = figures.episodes_by_month(dataset.north_with_placed, dataset.period)
    assert [(r["episodes"], r["children"]) for r in with_placed] == [(4, 3), (4, 3), (3, 3)]  # + E1 in February
    southvale = Scope("council", name="Southvale", agency_id=dataset.world.south.pk)
    assert [r["episodes"] for r in figures.episodes_by_month(southvale, dataset.period)] == [1, 1, 0]  # F1, E1


def test_a_police_force_sees_the_episodes_it_holds_and_no_interviews(dataset):
    north = figures.episodes_by_month(dataset.police_north, dataset.period)
    assert [(r["episodes"], r["children"]) for r in north] == [(4, 3), (4, 3), (2, 2)]  # not B2; E1 added
    south = figures.episodes_by_month(dataset.police_south, dataset.period)
    assert [(r["episodes"], r["children"]) for r in south] == [(1, 1), (0, 0), (1, 1)]  # F1, B2
    assert [row["interviews"] for row in figures.interviews(dataset.police_north, dataset.period)] == [0] * 9
    measures = [row["measure"] for row in figures.headline(dataset.police_north, dataset.period)]
    assert "Return interviews due" not in measures and len(measures) == 7


def test_the_regional_view_compares_councils(dataset):
    assert [(r["episodes"], r["children"]) for r in figures.episodes_by_month(dataset.regional, dataset.period)] == [
        (5, 4),
        (4, 3),
        (3, 3),
    ]
    assert figures.by_council(dataset.regional, dataset.period) == [
        {
            "council": "Northmoor Council",
            "episodes": 10,
            "children": 4,
            "repeat_children": 2,
            "offered_in_time": Rate(5, 8),
        },
        {
            "council": "Southvale Council",
            "episodes": 2,
            "children": 2,
            "repeat_children": 0,
            "offered_in_time": Rate(0, 0),
        },
    ]
    one = Scope("regional", name="Southvale Council", council_id=dataset.world.south.pk)
    assert [r["episodes"] for r in figures.episodes_by_month(one, dataset.period)] == [1, 1, 0]


@pytest.mark.parametrize(
    ("chosen", "episodes", "children"),
    [
        ({"legal_status": "looked_after"}, 7, 2),
        ({"legal_status": "cin"}, 2, 1),
        ({"age_band": "16_17"}, 3, 1),
        ({"age_band": "under_10"}, 1, 1),
        ({"sex": "M"}, 5, 2),
        ({"ethnicity_group": "black"}, 2, 1),
        ({"placement_type": "home"}, 3, 2),
        ({"area": "out"}, 3, 1),
        ({"area": "in"}, 7, 3),
        ({"risk_grade": "high"}, 3, 2),
        ({"sex": "M", "risk_grade": "medium"}, 2, 2),
        ({"start": FEB, "end": FEB}, 3, 2),
        ({"legal_status": "care_leaver"}, 0, 0),
    ],
)
def test_each_filter(dataset, chosen, episodes, children):
    filters = only(dataset.period, **chosen)
    rows = figures.episodes_by_month(dataset.north, filters)
    assert (sum(r["episodes"] for r in rows), len(figures.episodes_per_child(dataset.north, filters))) == (
        episodes,
        children,
    )
    assert sum(r["episodes"] for r in figures.duration_bands(dataset.north, filters)) == episodes
    assert sum(r["total"] for r in figures.time_of_day(dataset.north, filters)) == episodes


def test_filters_apply_to_repeat_children_and_interviews(dataset):
    high = only(dataset.period, risk_grade="high")
    assert figures.repeat_children(dataset.north, high)[-1] == {
        "group": "3 or more (repeat)",
        "children": 0,
        "episodes": 0,
        "share": Rate(0, 3),
    }
    boys = figures.interviews(dataset.north, only(dataset.period, sex="M"))  # B1 B2 C1 C2
    assert [row["interviews"] for row in boys] == [4, 3, 3, 1, 1, 1, 1, 1, 0]
    # An interview's risk grade is the highest of the episodes it covers: A2's (A2, A3) is high.
    assert figures.interviews(dataset.north, high)[0]["interviews"] == 1
