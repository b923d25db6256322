"""Tolerant name matching, the same on SQLite and PostgreSQL: computed in Python, stored, compared in Python.

Two tools, used together:

- a **phonetic key** for each name (`name_key`: Soundex over the name's letters, accents folded, hyphens and
  apostrophes dropped), stored on the child (`Child.first_name_key`, `Child.last_name_key`, indexed). Find a
  child matches a typed word by its key as well as by its letters, so "Jordon" finds "Jordan" and "Mohamed"
  finds "Muhammad", on either database, through an index;
- a **similarity score** (`name_similarity`, Jaro-Winkler over the folded full name, the better of the name
  as given and with first and last names swapped) that ranks a small candidate set already narrowed by the
  database (same date of birth, or day and month transposed). The likely duplicates list is built this way.

No database extension (pg_trgm, fuzzystrmatch) is needed, so the tests on SQLite prove what runs on PostgreSQL.
"""

import unicodedata

_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def fold(text: str) -> str:
    """Lower case, accents removed, only letters and single spaces (hyphens and apostrophes join or split)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("'", "").replace("\u2019", "")
    return " ".join("".join(ch if ch.isalpha() else " " for ch in plain).split())


def name_key(name: str) -> str:
    """The Soundex key of a name's letters ("Jordan" and "Jordon" are both J635), or "" for no letters.

    A hyphenated or two-word name is keyed as one word ("Smith-Jones" as "smithjones"): its parts are found by
    their letters, as before."""
    letters = fold(name).replace(" ", "")
    if not letters:
        return ""
    first = letters[0]
    digits = []
    previous = _SOUNDEX_CODES.get(first, "")
    for ch in letters[1:]:
        code = _SOUNDEX_CODES.get(ch, "")
        if code and code != previous:
            digits.append(code)
        if ch not in "hw":  # h and w do not separate letters with the same code; vowels do
            previous = code
    return (first.upper() + "".join(digits) + "000")[:4]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two strings: 1.0 the same, 0.0 nothing in common."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_matched = [False] * len(a)
    b_matched = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_matched[j] and b[j] == ch:
                a_matched[i] = b_matched[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_chars = [ch for ch, hit in zip(a, a_matched, strict=True) if hit]
    b_chars = [ch for ch, hit in zip(b, b_matched, strict=True) if hit]
    transpositions = sum(x != y for x, y in zip(a_chars, b_chars, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def name_similarity(first_a: str, last_a: str, first_b: str, last_b: str) -> float:
    """How alike two people's names are (0 to 1): the full names compared letter by letter, first and last
    names also tried the other way round (a name recorded in the wrong box), hyphens and accents ignored."""
    full_a = fold(f"{first_a} {last_a}").replace(" ", "")
    straight = jaro_winkler(full_a, fold(f"{first_b} {last_b}").replace(" ", ""))
    swapped = jaro_winkler(full_a, fold(f"{last_b} {first_b}").replace(" ", ""))
    return round(max(straight, swapped), 3)
