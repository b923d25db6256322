"""Find a child tolerates misspellings (phonetic keys stored on the child, the same on SQLite and PostgreSQL), and
the likely duplicates are scored in Python over children born the same day."""

import datetime as dt

import pytest

from children.codes import Sex
from children.matching import fold, name_key, name_similarity
from children.models import Child
from children.selectors import likely_duplicates, search_children
from tests.factories import ChildFactory


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [("Jordon", "Jordan"), ("Mohamed", "Muhammad"), ("Exampel", "Example"), ("Smyth", "Smith"), ("Zoë", "Zoe")],
)
def test_spelling_variants_share_a_phonetic_key(typed, recorded):
    assert name_key(typed) == name_key(recorded) != ""


def test_keys_and_folding_ignore_hyphens_apostrophes_and_accents():
    assert fold("O'Brien-Smith") == "obrien smith"
    assert name_key("O'Brien") == name_key("OBrien")
    assert name_key("") == "" and name_key("--") == ""


def test_similarity_scores_variants_high_and_different_names_low():
    assert name_similarity("Jordan", "Example", "Jordon", "Exampel") > 0.9
    assert name_similarity("Tom", "Jones", "Jones", "Tom") == 1.0  # first and last names in the wrong boxes
    assert name_similarity("Amy", "Smith", "Zoe", "Smith") < 0.85


def test_the_name_keys_are_kept_by_save_and_update(world):
    child = world.child
    assert (child.first_name_key, child.last_name_key) == ("J635", "E251")
    child.last_name = "Smith"
    child.save(update_fields=["last_name"])
    assert Child.objects.get(pk=child.pk).last_name_key == "S530"


@pytest.mark.parametrize("typed", ["Jordon Exampel", "jordan exampel", "Example", "Jordan Examp", "Exampel Jordon"])
def test_find_a_child_finds_misspelt_names(world, typed):
    assert list(search_children(world.users.coordinator, typed)) == [world.child]


def test_a_sounds_alike_match_stays_inside_the_users_scope(world):
    # Casey Outside (Southvale) sounds like "Casy Outsyde", but Northmoor's coordinator may not see her.
    assert list(search_children(world.users.coordinator_south, "Casy Outsyde")) == [world.south_child]
    assert list(search_children(world.users.coordinator, "Casy Outsyde")) == []


def test_short_words_match_by_letters_only(world):
    ChildFactory(first_name="Tia", last_name="Brown", responsible_council=world.north, la_child_id="N1")
    assert name_key("Ty") == name_key("Tia")
    assert list(search_children(world.users.coordinator, "Ty Brown")) == []
    assert [c.first_name for c in search_children(world.users.coordinator, "Tya Brown")] == ["Tia"]


def test_a_merged_record_is_found_by_its_council_child_id_only(world):
    gone = ChildFactory(first_name="Jordon", last_name="Example", responsible_council=world.north, la_child_id="N9")
    Child.objects.filter(pk=gone.pk).update(merged_into=world.child)
    assert list(search_children(world.users.coordinator, "Jordan Example")) == [world.child]
    assert list(search_children(world.users.coordinator, "n9")) == [gone]


def _child(world, first, last, born, **fields):
    return ChildFactory(first_name=first, last_name=last, date_of_birth=born, responsible_council=world.north, **fields)


def test_likely_duplicates_find_variants_transposed_dates_and_shared_upns(world):
    born = world.child.date_of_birth  # 4 March 2011
    variant = _child(world, "Jordon", "Exampel", born, sex=world.child.sex)
    transposed = _child(world, "Jordan", "Example", dt.date(2011, 4, 3), sex=world.child.sex)
    same_upn = _child(world, "Someone", "Else", dt.date(2009, 1, 1), upn=world.child.upn)
    _child(world, "Zoe", "Example", born, sex=world.child.sex)  # a sibling born the same day: not listed
    _child(world, "Jordan", "Example", born, sex=Sex.MALE if world.child.sex != Sex.MALE else Sex.FEMALE)
    pairs = likely_duplicates(Child.objects.filter(responsible_council=world.north))
    found = {(p.first_id, p.second_id): p.why for p in pairs}
    assert found[(world.child.pk, same_upn.pk)] == "Same UPN"
    assert found[(world.child.pk, variant.pk)] == "Same date of birth, names alike"
    assert found[(world.child.pk, transposed.pk)] == "Day and month of birth transposed, names alike"
    assert len(found) == 4  # and the variant with the transposed record
    assert pairs[0].score == 1.0


def test_likely_duplicates_leave_out_merged_records(world):
    variant = _child(world, "Jordon", "Exampel", world.child.date_of_birth, sex=world.child.sex)
    assert likely_duplicates(Child.objects.all())
    Child.objects.filter(pk=variant.pk).update(merged_into=world.child)
    assert likely_duplicates(Child.objects.all()) == []
