"""Exact identifiers of persons and places in the partnership register, and their blind index.

A user linking a child finds an existing person or place by an identifier typed exactly as another user may
have recorded it: a phone number, a vehicle registration, a name or alias with an approximate age, a postcode
or an address. The identifiers are held encrypted on the record (never searchable); what is searched is a
keyed hash of each one, normalised so that trivial differences do not matter:

- phone: digits only, +44 and 0044 as 0 ("+44 7700 900123" = "07700900123"); at least 7 digits;
- vehicle: UK registrations found in the text, letters and digits only, upper case ("ab12 cde" = "AB12CDE");
- name: letters, digits and single spaces, lower case ("Dee-Man " = "dee man"); each alias is a name;
- address: the same normalisation as a name, over the whole address.

Postcodes are held in the clear on a place (`Place.postcode`, already normalised) and matched directly.

The key is HOMEWARD_REGISTER_KEY (SECRET_KEY when unset). Changing it needs `manage.py reindex_network_register`.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable

from django.conf import settings

PHONE = "phone"
VEHICLE = "vehicle"
NAME = "name"
ADDRESS = "address"

_DIGITS = re.compile(r"\D+")
_WORDS = re.compile(r"[^a-z0-9]+")
_SEPARATORS = re.compile(r"[\n,;]+")
# Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) UK registrations, spaces allowed.
_REGISTRATION = re.compile(
    r"\b([A-Z]{2}\d{2} ?[A-Z]{3}|[A-Z]\d{1,3} ?[A-Z]{3}|[A-Z]{3} ?\d{1,3}[A-Z])\b", re.IGNORECASE
)
MIN_PHONE_DIGITS = 7


def normalise_phone(text: str) -> str:
    digits = _DIGITS.sub("", text or "")
    if (text or "").strip().startswith("+44"):
        digits = "0" + digits[2:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def normalise_registration(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def normalise_words(text: str) -> str:
    return _WORDS.sub(" ", (text or "").lower()).strip()


def split(text: str) -> list[str]:
    """Entries one a line (or separated by commas or semicolons)."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def phones_in(text: str) -> set[str]:
    return {number for number in (normalise_phone(part) for part in split(text)) if number}


def registrations_in(text: str) -> set[str]:
    return {normalise_registration(match) for match in _REGISTRATION.findall(text or "")}


def names_in(*texts: str) -> set[str]:
    return {name for text in texts for name in (normalise_words(part) for part in split(text)) if name}


def digest(kind: str, normalised: str) -> str:
    key = (settings.HOMEWARD_REGISTER_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def person_identifiers(display_name: str, aliases: str, vehicles: str, phone_numbers: str) -> set[tuple[str, str]]:
    """(kind, digest) for every exact identifier of a person."""
    found: Iterable[tuple[str, str]] = [
        *((PHONE, number) for number in phones_in(phone_numbers)),
        *((VEHICLE, registration) for registration in registrations_in(vehicles)),
        *((NAME, name) for name in names_in(display_name, aliases)),
    ]
    return {(kind, digest(kind, value)) for kind, value in found}


def place_identifiers(address: str) -> set[tuple[str, str]]:
    """(kind, digest) for a place's address (its postcode is matched in the clear)."""
    normalised = normalise_words(address)
    return {(ADDRESS, digest(ADDRESS, normalised))} if normalised else set()
