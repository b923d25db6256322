"""Coded lists for persons of concern, places and the links between them and children."""

from django.db import models


class PersonKind(models.TextChoices):
    ADULT = "adult", "Adult"
    PEER = "peer", "Peer (another young person)"


class Relationship(models.TextChoices):
    """What a person is to the child, which decides how much the link counts in the ranking."""

    ADULT_OF_CONCERN = "adult_of_concern", "Adult of concern"
    PEER = "peer", "Peer (another young person)"
    FAMILY_CARER = "family_carer", "Family member or carer, not of concern"


class PlaceKind(models.TextChoices):
    HOME_ADDRESS = "home_address", "Home address"
    SHOP = "shop", "Shop"
    PARK = "park", "Park or open space"
    TRANSPORT_HUB = "transport_hub", "Bus or railway station, transport hub"
    HOTEL = "hotel", "Hotel or short-let"
    TAKEAWAY = "takeaway", "Takeaway or fast food restaurant"
    TRAP_HOUSE_SUSPECTED = "trap_house_suspected", "Suspected trap house"
    SCHOOL = "school", "School or college"
    OTHER = "other", "Other"


class LinkSource(models.TextChoices):
    POLICE_REPORT = "police_report", "Police report"
    INTERVIEW = "interview", "Return interview"
    FOUND_WITH = "found_with", "Found with"
    SEEN_WITH = "seen_with", "Seen with"
    LAST_SEEN_AT = "last_seen_at", "Last seen at"
    FOUND_AT = "found_at", "Found at"
    OTHER = "other", "Other"


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    PROBABLE = "probable", "Probable"
    POSSIBLE = "possible", "Possible"
