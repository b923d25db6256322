"""The Standard Safeguarding Dataset's missing table (`ssd_missing`), for one council and collection year.

Councils adopting the SSD (data-to-insight/ssd-data-model) hold their children's social care data in one
shared shape; an export of Homeward's missing episodes in that shape joins to the rest of a council's SSD
without mapping work. One row per missing episode of the council's children that overlaps the year:

| column | holds |
|---|---|
| miss_table_id | Homeward's id of the missing episode (stable across exports) |
| miss_person_id | the council's child ID (the SSD's person id, as in SSDA903 CHILD) |
| miss_mis_epi_start | the date the child went missing (last seen), yyyy-mm-dd in UK time |
| miss_mis_epi_type | M (missing) or A (away from placement without authorisation) |
| miss_mis_epi_end | the date they were found or returned; blank while still missing |
| miss_mis_epi_rhi_offered | Y when a return interview covering the episode was offered, else N |
| miss_mis_epi_rhi_accepted | Y when the child accepted it, else N |
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from access.models import Agency
from episodes.models import MissingEpisode
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from returns.ssda903 import CollectionYear

SSD_MISSING_COLUMNS = [
    "miss_table_id",
    "miss_person_id",
    "miss_mis_epi_start",
    "miss_mis_epi_type",
    "miss_mis_epi_end",
    "miss_mis_epi_rhi_offered",
    "miss_mis_epi_rhi_accepted",
]


def build_ssd_missing(council: Agency, year: CollectionYear) -> list[dict[str, str]]:
    """The rows of `ssd_missing` for the council's children's episodes that overlap the collection year."""
    covering = ReturnInterview.objects.filter(episodes=OuterRef("pk"))
    episodes = (
        MissingEpisode.objects.filter(child__responsible_council=council, last_seen_at__lt=year.ends_before)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=year.starts_at))
        .annotate(
            rhi_offered=Exists(covering.filter(offered_at__isnull=False)),
            rhi_accepted=Exists(covering.filter(outcome=Outcome.ACCEPTED)),
        )
        .order_by("child__la_child_id", "last_seen_at", "pk")
        .values_list(
            "pk", "child__la_child_id", "last_seen_at", "episode_type", "returned_at", "rhi_offered", "rhi_accepted"
        )
    )
    return [
        {
            "miss_table_id": str(pk),
            "miss_person_id": child_id,
            "miss_mis_epi_start": timezone.localdate(started).isoformat(),
            "miss_mis_epi_type": (episode_type or "").upper(),
            "miss_mis_epi_end": timezone.localdate(ended).isoformat() if ended else "",
            "miss_mis_epi_rhi_offered": "Y" if offered else "N",
            "miss_mis_epi_rhi_accepted": "Y" if accepted else "N",
        }
        for pk, child_id, started, episode_type, ended, offered, accepted in episodes
    ]
