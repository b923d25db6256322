"""Fixed word lists for the synthetic data generator.

Every place, agency, street and surname here is invented. Given names are common English given
names, so a given name combined with an invented surname never names a real person. Postcode
areas are letter pairs that are syntactically valid in the UK format but are not real postcode
areas, so no generated postcode is a real address.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ForceSpec:
    code: str  # two-digit force code; 9x is not a real Home Office force code
    name: str
    reference_prefix: str  # police references read PREFIX-YYYY-NNNNNN
    region: str = ""  # an access.models.Region code: the force's councils are in it too


@dataclass(frozen=True)
class CouncilSpec:
    code: str  # three-digit LA code; 9xx is not a real DfE LA code
    name: str
    short: str  # the place name, used in agency, school and place names
    force_code: str
    child_id_prefix: str
    postcode_area: str  # an invented postcode area (not a real one)
    weight: int  # relative number of children
    towns: tuple[str, ...]


FORCES: tuple[ForceSpec, ...] = (
    # Northmoor's and Southvale's forces share a region (the regional picture reaches over their border).
    ForceSpec("91", "Northmoor and Westerleigh Police", "NM", "north-west"),
    ForceSpec("92", "Southvale Constabulary", "SV", "north-west"),
    ForceSpec("93", "Eastbridge and Kingsford Police", "EK", "east-midlands"),
)

# The first council is the one `create_demo_users` puts the demo users in.
COUNCILS: tuple[CouncilSpec, ...] = (
    CouncilSpec(
        "901",
        "Northmoor City Council",
        "Northmoor",
        "91",
        "NM",
        "NM",
        26,
        ("Northmoor", "Harrowfield", "Stanlow Cross", "Bellbrook", "Upper Cardle"),
    ),
    CouncilSpec(
        "902",
        "Westerleigh Borough Council",
        "Westerleigh",
        "91",
        "WL",
        "WY",
        16,
        ("Westerleigh", "Ambergate Vale", "Thornwick", "Colbeck"),
    ),
    CouncilSpec(
        "903",
        "Southvale County Council",
        "Southvale",
        "92",
        "SV",
        "SV",
        22,
        ("Southvale", "Marrowby", "Linford Marsh", "Holtcombe", "Pennick"),
    ),
    CouncilSpec(
        "904",
        "Ashcombe Council",
        "Ashcombe",
        "92",
        "AC",
        "AQ",
        10,
        ("Ashcombe", "Wrenbury Hill", "Scarside"),
    ),
    CouncilSpec(
        "905",
        "Eastbridge Metropolitan Council",
        "Eastbridge",
        "93",
        "EB",
        "EB",
        16,
        ("Eastbridge", "Quaymouth", "Fallowgate", "Dunsley Park"),
    ),
    CouncilSpec(
        "906",
        "Kingsford Borough Council",
        "Kingsford",
        "93",
        "KF",
        "KF",
        10,
        ("Kingsford", "Rookham", "Millbeck"),
    ),
)

# Inward codes use a digit then two of these letters (the UK format never uses C, I, K, M, O or V there).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SCHOOL_PATTERNS: tuple[str, ...] = (
    "{town} Academy",
    "{town} High School",
    "{town} Community College",
    "St Aldwyn's Catholic High School, {town}",
    "{town} Park School",
    "{town} Church of England Academy",
    "{town} Learning Centre",
    "Brackenlea School, {town}",
)

# Common given names (no surname attached, so no real person is named).
GIVEN_NAMES_FEMALE: tuple[str, ...] = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace",
    "Freya", "Poppy", "Ella", "Evie", "Emily", "Chloe", "Jessica", "Ruby", "Holly", "Megan",
    "Lucy", "Millie", "Amber", "Leah", "Keira", "Aaliyah", "Zara", "Maya", "Hannah", "Niamh",
    "Ellie", "Summer", "Layla", "Skye", "Aisha", "Courtney", "Shannon", "Demi", "Kayla", "Jade",
)  # fmt: skip
GIVEN_NAMES_MALE: tuple[str, ...] = (
    "Oliver", "Noah", "George", "Leo", "Harry", "Jack", "Charlie", "Oscar", "Jacob", "Alfie",
    "Thomas", "Joshua", "Riley", "Tyler", "Kyle", "Callum", "Connor", "Liam", "Mason", "Ethan",
    "Jayden", "Lewis", "Kieran", "Reece", "Dylan", "Bradley", "Jordan", "Aaron", "Ryan", "Owen",
    "Mohammed", "Ibrahim", "Yusuf", "Kacper", "Luca", "Theo", "Archie", "Logan", "Kai", "Ashton",
)  # fmt: skip
GIVEN_NAMES_ANY: tuple[str, ...] = (
    "Alex", "Sam", "Jordan", "Charlie", "Riley", "Robin", "Jamie", "Frankie", "Ash", "Morgan",
)  # fmt: skip

# Invented surnames: built to sound ordinary without being a common real surname.
SURNAMES: tuple[str, ...] = (
    "Ablethorpe", "Brackwell", "Carrowby", "Dunmallow", "Elderkin", "Fenwright", "Gallowmere",
    "Harthorne", "Ickerby", "Jessamund", "Kettleborne", "Larchwood", "Marrable", "Nettlecombe",
    "Oakhurst-Vane", "Pellingham", "Quarrendon", "Ravensmere", "Saltmarshe", "Thistlewaite",
    "Umberleigh", "Vellacott", "Wexcombe", "Yarborne", "Ashgrove", "Blackenhall", "Cinderford-Lee",
    "Dapplewick", "Emberlin", "Farrowdale", "Glenmarrow", "Hollinshead", "Inchbold", "Juniperson",
    "Kestrelby", "Lowmarsh", "Mossington", "Northwaite", "Orrelby", "Penhallow", "Quillerby",
    "Rushmere", "Sallowfield", "Tarrowby", "Underhay", "Vantridge", "Wellingby", "Yewdale",
    "Alderbeck", "Birchmoor", "Coldharbour", "Dormerston", "Eastwold", "Fallowfield-Ross",
    "Greymarsh", "Heatherdene", "Ivybridge-Hart", "Kindlewood", "Lanthorne", "Merriwether-Cole",
    "Nuttleby", "Ottermere", "Pryorwick", "Rookwell", "Stonebridge-Hay", "Tumbleton",
    "Underwick", "Wickenham", "Brindlecombe", "Caddenham", "Draycombe", "Foxearth", "Gorringe-Vale",
    "Hazelmere", "Kinnersby", "Larkhill-Shaw", "Mallowby", "Pennygate", "Ravenhill-Ford", "Sedgecombe",
)  # fmt: skip

STREET_FIRST: tuple[str, ...] = (
    "Larkspur", "Copperbeech", "Fennel", "Marigold", "Kestrel", "Hawthorn", "Wrenfield", "Bramble",
    "Sorrel", "Tansy", "Linnet", "Quarry", "Millrace", "Chandlers", "Weavers", "Tannery", "Ropewalk",
    "Coalpit", "Foundry", "Orchard", "Sycamore", "Cloverdale", "Primrose", "Heron", "Juniper",
)  # fmt: skip
STREET_SUFFIX: tuple[str, ...] = (
    "Road", "Street", "Lane", "Avenue", "Close", "Crescent", "Way", "Grove", "Terrace", "Walk",
)  # fmt: skip

LAST_SEEN_PATTERNS: tuple[str, ...] = (
    "{street}, {town}",
    "Outside the shops on {street}, {town}",
    "{town} bus station",
    "{town} railway station",
    "Park off {street}, {town}",
    "{town} retail park",
    "Fast food restaurant, {town} town centre",
    "Friend's address on {street}, {town}",
    "Skate park, {town}",
)
FOUND_PATTERNS: tuple[str, ...] = (
    "Friend's address on {street}, {town}",
    "{town} town centre",
    "{town} railway station",
    "Flat on {street}, {town}",
    "Park off {street}, {town}",
    "Stopped in a car on {street}, {town}",
    "Relative's home, {town}",
    "Boyfriend's or girlfriend's home, {town}",
    "Hospital emergency department, {town}",
)
FOUND_WITH: tuple[tuple[str, int], ...] = (
    ("", 45),
    ("Friends of a similar age", 22),
    ("Boyfriend or girlfriend", 9),
    ("A family member", 7),
    ("An older adult not known to carers", 6),
    ("A group of young people, some not known", 6),
    ("Another child in care who was also missing", 5),
)
CIRCUMSTANCES: tuple[str, ...] = (
    "Left after an argument about being home on time.",
    "Did not return from school at the usual time.",
    "Went out to see friends and stopped answering the phone.",
    "Left the placement late in the evening after a disagreement with staff.",
    "Believed to be travelling to see family in another area.",
    "Phone switched off; last contact by message in the afternoon.",
    "Left with other young people; carers concerned about older associates.",
    "Not in bed when carers checked at night.",
    "Walked out of a planned contact session.",
    "Has gone missing before and usually returns by morning.",
)
HARM_ON_RETURN: tuple[tuple[str, int], ...] = (
    ("", 88),
    ("Appeared to be under the influence of alcohol", 5),
    ("Minor injuries; declined medical attention", 3),
    ("Tired and hungry; no injuries seen", 3),
    ("Taken to hospital as a precaution", 1),
)
RISK_CHANGE_REASONS_UP: tuple[str, ...] = (
    "Missing longer than expected and phone switched off",
    "Information that the child is with adults of concern",
    "Child's medication left behind",
    "Sighting reported in another force area late at night",
)
RISK_CHANGE_REASONS_DOWN: tuple[str, ...] = (
    "Child made contact by phone and said they were safe",
    "Seen by a carer; believed to be at a friend's home",
    "Located in the area; awaiting return",
)
OFFERED_BY: tuple[str, ...] = (
    "Return interview worker by phone",
    "Return interview worker by text message and phone",
    "Return interview worker in person at the home",
    "Social worker passed on the offer",
)
NOT_OFFERED_REASONS: tuple[str, ...] = (
    "The child was missing again before an offer could be made",
    "The child's social worker advised that an interview was not appropriate at this time",
    "The child moved to a placement outside the provider's area",
    "The child was remanded to custody before an offer could be made",
)
WHERE_STAYED: tuple[str, ...] = (
    "At a friend's home in {town}",
    "Moved between friends' homes in {town}",
    "In a flat in {town} belonging to someone the child met online",
    "Stayed out in {town} town centre overnight",
    "With family in {town}",
)
WHO_WITH: tuple[str, ...] = (
    "Friends of a similar age",
    "Boyfriend or girlfriend",
    "Older young people the child knows from the area",
    "Family members",
    "Adults the child would not name",
)
CHILDS_WISHES: tuple[str, ...] = (
    "Wants more say in when they can see friends",
    "Wants to move placement",
    "Wants to see their family more often",
    "Wants help at school",
    "Did not want anything to change",
)
ACTIONS_AGREED: tuple[str, ...] = (
    "Share with the social worker; agree a safety plan with carers",
    "Refer to the exploitation team for screening",
    "Refer to the young people's substance misuse service",
    "Information about places and associates passed to police",
    "Follow-up session booked in two weeks",
)
