"""Coded lists for children, using the DfE's codes where a statutory return needs them."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class LegalStatus(models.TextChoices):
    NOT_KNOWN = "not_known", "Not known to social care"
    CHILD_IN_NEED = "cin", "Child in need"
    CHILD_PROTECTION = "cp", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after (child in care)"
    CARE_LEAVER = "care_leaver", "Care leaver"


class LivingArrangement(models.TextChoices):
    HOME = "home", "At home with family"
    FOSTER_CARE = "foster_care", "Foster care"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SUPPORTED = "supported", "Supported accommodation"
    SECURE = "secure", "Secure accommodation"
    OTHER = "other", "Other"


class Placement(models.TextChoices):
    """PLACE (SSDA903): the type of placement, held on the child's placement and on each episode of care."""

    A3 = "A3", "Placed for adoption with consent, with current foster carer(s)"
    A4 = "A4", "Placed for adoption with consent, not with current foster carer(s)"
    A5 = "A5", "Placed for adoption with placement order, with current foster carer(s)"
    A6 = "A6", "Placed for adoption with placement order, not with current foster carer(s)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home subject to Children's Homes Regulations"
    K3 = "K3", "Registered supported accommodation"
    P1 = "P1", "Placed with own parent(s) or other person(s) with parental responsibility"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution"
    S1 = "S1", "Residential school (not dual-registered as a children's home)"
    T0 = "T0", "Temporary move of any type"
    T1 = "T1", "Temporary period in hospital"
    T2 = "T2", "Temporary absence on holiday"
    T3 = "T3", "Temporary accommodation while the normal foster carer(s) are on holiday"
    T4 = "T4", "Temporary accommodation of seven days or less, not covered by T1 to T3"
    U1 = "U1", "Foster placement with relative(s) or friend(s): long-term fostering"
    U2 = "U2", "Foster placement with relative(s) or friend(s): fostering for adoption"
    U3 = "U3", "Foster placement with relative(s) or friend(s): not long-term or fostering for adoption"
    U4 = "U4", "Foster placement with other foster carer(s): long-term fostering"
    U5 = "U5", "Foster placement with other foster carer(s): fostering for adoption"
    U6 = "U6", "Foster placement with other foster carer(s): not long-term or fostering for adoption"
    Z11 = "Z11", "Other placement (Z11, see the DfE guide)"
    Z12 = "Z12", "Other placement (Z12, see the DfE guide)"
    Z13 = "Z13", "Other placement (Z13, see the DfE guide)"
    Z14 = "Z14", "Other placement (Z14, see the DfE guide)"
