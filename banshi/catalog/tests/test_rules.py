"""Checks across fields and of names: the parents' ages on the day of the birth, their two ID numbers,
names as Chinese names are written, ethnicity as one of GB/T 3304's groups; and how a bundle declares
such rules in its file."""

import pytest
import time_machine
import yaml

from banshi.catalog.definition import BundleError, parse_bundle
from banshi.catalog.ethnic_groups import ETHNIC_GROUPS
from banshi.catalog.loader import BUNDLES_DIR, read_bundle_file
from banshi.catalog.rules import person_name
from banshi.catalog.validation import check_values
from banshi.catalog.values import ValueProblem
from banshi.conftest import ANSWERS, FATHER_ID, MOTHER_ID, make_id, newborn_values

NEWBORN = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
BIRTH = "2026-11-28 08:30"


@pytest.fixture(autouse=True)
def _in_november_2026():
    with time_machine.travel("2026-12-01 10:00 +08:00", tick=False):
        yield


def checked(**overrides):
    values = newborn_values(**{"newborn.birth_datetime": BIRTH, **overrides})
    return check_values(NEWBORN, NEWBORN.plan(ANSWERS), values)


def test_the_default_values_pass_every_rule(catalog):
    clean, errors = checked()
    assert errors == {}
    assert clean["mother.ethnicity"] == "汉族"


def test_a_mother_aged_ten_on_the_day_of_the_birth_is_refused(catalog):
    clean, errors = checked(**{"mother.id_number": make_id(birth="20160301", sequence="042")})
    assert "age of 10 on 2026-11-28" in errors["fields.mother.id_number"]
    assert "between 14 and 60" in errors["fields.mother.id_number"]
    assert "fields.father.id_number" not in errors


def test_an_age_counts_whole_years_up_to_the_day_of_the_birth(catalog):
    fourteen_tomorrow = make_id(birth="20121129", sequence="042")
    assert "age of 13" in checked(**{"mother.id_number": fourteen_tomorrow})[1]["fields.mother.id_number"]
    fourteen_today = make_id(birth="20121128", sequence="042")
    assert checked(**{"mother.id_number": fourteen_today})[1] == {}


def test_the_fathers_id_number_must_differ_from_the_mothers(catalog):
    _clean, errors = checked(**{"father.id_number": MOTHER_ID})
    assert errors["fields.father.id_number"] == "must not be the same as Mother's ID number"
    assert "fields.mother.id_number" not in errors


@pytest.mark.parametrize(
    "name", ["王小明2", "王小明！", "王-小明", "王", "·小明", "王··明", "王John", "A", "12"]
)
def test_a_name_with_digits_punctuation_or_mixed_scripts_is_refused(catalog, name):
    _clean, errors = checked(**{"newborn.name": name})
    assert "fields.newborn.name" in errors


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("王小明", "王小明"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽 • 买买提", "阿依古丽·买买提"),
        ("John  Smith", "John Smith"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("José Müller", "José Müller"),
    ],
)
def test_a_chinese_minority_or_foreign_name_is_kept_with_its_dot_normalised(typed, stored):
    assert person_name(typed) == stored


def test_a_name_of_one_character_is_refused_as_too_short():
    with pytest.raises(ValueProblem, match="at least two characters"):
        person_name("王")


def test_ethnicity_is_one_of_the_56_groups_or_other_or_foreign(catalog):
    assert "fields.mother.ethnicity" in checked(**{"mother.ethnicity": "火星族"})[1]
    assert checked(**{"father.ethnicity": "外国籍"})[1] == {}
    assert checked(**{"mother.ethnicity": "维吾尔族"})[1] == {}
    options = NEWBORN.fields["mother.ethnicity"].options
    assert len([name for name, *_ in ETHNIC_GROUPS if name.endswith("族")]) == 56
    assert list(options)[:3] == ["汉族", "蒙古族", "回族"] and len(options) == 59


def test_a_correction_is_checked_against_the_values_it_does_not_change(catalog):
    known = newborn_values(**{"newborn.birth_datetime": BIRTH})
    plan = NEWBORN.plan(ANSWERS)
    _clean, errors = check_values(
        NEWBORN, plan, {"father.id_number": MOTHER_ID}, only=["father.id_number"], known=known
    )
    assert "fields.father.id_number" in errors
    # A rule broken by fields not being entered now blames none of them.
    broken = {**known, "father.id_number": MOTHER_ID}
    _clean, errors = check_values(
        NEWBORN, plan, {"newborn.name": "王小红"}, only=["newborn.name"], known=broken
    )
    assert errors == {}
    _clean, errors = check_values(
        NEWBORN, plan, {"father.id_number": FATHER_ID}, only=["father.id_number"], known=broken
    )
    assert errors == {}


def newborn_with(**changes) -> dict:
    data = yaml.safe_load((BUNDLES_DIR / "newborn.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        ([{"differ": ["mother.id_number"]}], "at least two fields"),
        ([{"differ": ["mother.id_number", "uncle.id_number"]}], "unknown field 'uncle.id_number'"),
        ([{"age": {"birth": "mother.name", "at": "newborn.birth_datetime"}}], "an ID number or a date"),
        ([{"age": {"birth": "mother.id_number", "at": "mother.name"}}], "a date or date-and-time"),
        (
            [{"age": {"birth": "mother.id_number", "at": "newborn.birth_datetime", "min": 60, "max": 14}}],
            "min",
        ),
        ([{}], "one of: differ, age"),
    ],
)
def test_a_bundle_file_with_a_broken_rule_is_refused(rules, words):
    with pytest.raises(BundleError) as caught:
        parse_bundle(newborn_with(rules=rules), source="newborn.yaml")
    assert words in str(caught.value)


def test_a_format_or_an_option_list_only_fits_its_type():
    data = newborn_with()
    data["fields"]["mother.phone"]["format"] = "person_name"
    data["fields"]["mother.id_number"]["options_from"] = "ethnic_groups"
    with pytest.raises(BundleError) as caught:
        parse_bundle(data, source="newborn.yaml")
    assert "only a text field has a format" in str(caught.value)
    assert "only a choice field takes its options from a list" in str(caught.value)
