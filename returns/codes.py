"""The DfE's SSDA903 code lists for episodes of care (children looked after, England).

Codes are stored exactly as the return writes them (upper case). Labels follow the DfE's guide;
where the guide's wording is long it is shortened.
"""

from django.db import models

from children.codes import Placement as _Placement


class ReasonNewEpisode(models.TextChoices):
    """RNE: why a new episode of care started."""

    S = "S", "Started to be looked after"
    P = "P", "Change of placement and carer(s) only"
    L = "L", "Change of legal status only"
    T = "T", "Change of placement (but same carer(s)) only"
    U = "U", "Change of legal status and change of placement (but same carer(s)) at the same time"
    B = "B", "Change of legal status and placement and carer(s) at the same time"


class CareLegalStatus(models.TextChoices):
    """LS: the legal status under which the child is looked after."""

    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Short-term breaks, individual episodes recorded"
    V4 = "V4", "Short-term breaks, agreements recorded"
    J1 = "J1", "Remanded to local authority or youth detention accommodation"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = "J3", "Sentenced to a youth rehabilitation order with residence or fostering requirement"
    L1 = "L1", "Under police protection and in local authority accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under a child assessment order and in local authority accommodation"


class CategoryOfNeed(models.TextChoices):
    """CIN: the main reason the child is looked after."""

    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


# PLACE now lives with the child (children.codes): the child's current placement carries its type too.
Placement = _Placement


# Placements with no provider: PLACE_PROVIDER is blank for these and required for every other.
PLACEMENTS_WITHOUT_PROVIDER = frozenset({"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"})


class PlacementProvider(models.TextChoices):
    """PLACE_PROVIDER: who provides the placement."""

    PR0 = "PR0", "Parent(s) or other person(s) with parental responsibility"
    PR1 = "PR1", "Own provision (by the local authority)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonEpisodeCeased(models.TextChoices):
    """REC: why the episode ended. X1 continues the period of care; every E code ends it."""

    E11 = "E11", "Adopted: application for an adoption order unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority in the UK"
    E4A = "E4A", "Returned home to parent(s) or others with parental responsibility, as part of care planning"
    E4B = "E4B", "Returned home to parent(s) or others with parental responsibility, not part of care planning"
    E13 = "E13", "Left care to live with parent(s), relative(s) or others with no parental responsibility"
    E41 = "E41", "Child arrangement order (residence order) granted"
    E45 = "E45", "Special guardianship order to former foster carer(s) who are relatives or friends"
    E46 = "E46", "Special guardianship order to former foster carer(s) other than relatives or friends"
    E47 = "E47", "Special guardianship order to carer(s), not former foster carers, who are relatives or friends"
    E48 = "E48", "Special guardianship order to carer(s), not former foster carers, other than relatives or friends"
    E5 = "E5", "Moved into independent living with formal advice and support"
    E6 = "E6", "Moved into independent living without formal advice and support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined the child is aged 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 or over and remained with current carers (including staying put)"
    X1 = "X1", "Episode ceases and a new episode begins on the same day"


# The one REC code that does not end the period of care.
EPISODE_CONTINUES = "X1"


class ReasonPlaceChange(models.TextChoices):
    """REASON_PLACE_CHANGE: why the placement changed."""

    CARPL = "CARPL", "Change to or implementation of the care plan"
    CLOSE = "CLOSE", "Resignation or closure of the provision"
    ALLEG = "ALLEG", "Allegation (section 47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer(s) requested the placement end because of the child's behaviour"
    CREQO = "CREQO", "Carer(s) requested the placement end for another reason"
    CHILD = "CHILD", "Child requested the placement end"
    LAREQ = "LAREQ", "Responsible or area authority requested the placement end"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"
