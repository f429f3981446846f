import io
from datetime import time
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command

from banshi.catalog import burden as burden_module
from banshi.catalog.burden import (
    burden,
    carried_documents,
    critical_path,
    most_services_answers,
    working_day_hours,
)
from banshi.catalog.definition import parse_bundle
from banshi.catalog.loader import BUNDLES_DIR, read_bundle_file
from banshi.worktime.hours import hours_per_working_day


def label(text: str) -> dict:
    return {"zh-hans": text, "en": text}


def service(agency: str, hours: int, **extra) -> dict:
    return {"name": label(agency), "agency": agency, "time_limit": {"working_hours": hours}, **extra}


def small_bundle():
    """Four services, one switched on by a question:

    s1 (x, 2 h) ─> s2 (y, 5 h) ─> s3 (y, 7 h)
       └────────> s4 (z, 14 h, only when extra=yes)
    """
    return parse_bundle(
        {
            "code": "small",
            "name": label("small"),
            "summary": label("small"),
            "promise": {"working_days": 2},
            "questions": {
                "extra": {"label": label("extra?"), "options": {"yes": label("y"), "no": label("n")}}
            },
            "fields": {
                "a.name": {"type": "text", "label": label("name")},
                "a.id_number": {"type": "id_number", "label": label("id")},
                "a.phone": {"type": "phone", "label": label("phone")},
                "a.note": {"type": "text", "label": label("asked by no service")},
                "b.account": {"type": "bank_account", "when": {"extra": "yes"}, "label": label("account")},
            },
            "materials": {"id_card": {"label": label("id card")}, "bank_card": {"label": label("bank card")}},
            "services": {
                "s1": service(
                    "x",
                    2,
                    needs=["a.name", "a.id_number", "materials.id_card"],
                    produces={"doc1": {"label": label("doc1"), "generate": "number", "document": True}},
                ),
                "s2": service(
                    "y",
                    5,
                    depends_on=["s1"],
                    needs=["doc1", "a.name", "a.phone"],
                    produces={
                        "doc2": {"label": label("doc2"), "generate": "number", "document": True},
                        "n2": {"label": label("a number, not a document"), "generate": "number"},
                    },
                ),
                "s3": service(
                    "y", 7, depends_on=["s2"], needs=["n2", "doc1", "a.id_number", "materials.id_card"]
                ),
                "s4": service(
                    "z",
                    14,
                    when={"extra": "yes"},
                    depends_on=["s1"],
                    needs=["a.name", "b.account", "materials.bank_card"],
                ),
            },
        },
        source="small.yaml",
    )


def test_the_small_bundle_costs_exactly_this_separately_and_as_one_thing():
    result = burden(small_bundle(), {"extra": "yes"})
    assert [(c.code, c.fields, c.materials, c.carried_documents, c.hours) for c in result.services] == [
        ("s1", 2, 1, 0, 2),
        ("s2", 2, 0, 1, 5),  # doc1 from s1
        ("s3", 1, 1, 2, 7),  # doc2 from s2, which it depends on, and doc1, which it names
        ("s4", 2, 1, 1, 14),  # doc1 from s1
    ]
    apart, together = result.separately, result.bundled
    assert (apart.forms, apart.fields, apart.documents, apart.offices, apart.hours) == (4, 7, 7, 3, 28)
    assert apart.working_days == 4
    # a.note is needed by no service, so it is not on the one form either.
    assert (together.forms, together.fields, together.documents, together.offices, together.hours) == (
        1,
        4,
        2,
        1,
        16,
    )
    assert together.working_days == Fraction(16, 7)
    assert result.critical_path == ["s1", "s4"]
    assert result.promise_days == 2
    assert result.over_promise is True


def test_answers_that_switch_a_service_off_take_its_fields_materials_and_time_off():
    result = burden(small_bundle(), {"extra": "no"})
    assert [c.code for c in result.services] == ["s1", "s2", "s3"]
    apart, together = result.separately, result.bundled
    assert (apart.forms, apart.fields, apart.documents, apart.offices, apart.hours) == (3, 5, 5, 2, 14)
    assert (together.fields, together.documents, together.hours) == (3, 1, 14)
    assert result.critical_path == ["s1", "s2", "s3"]
    assert result.over_promise is False


def test_the_default_answers_switch_on_the_most_services_and_keep_fixed_ones():
    bundle = small_bundle()
    assert most_services_answers(bundle) == {"extra": "yes"}
    assert most_services_answers(bundle, {"extra": "no"}) == {"extra": "no"}


def test_the_default_answers_are_found_one_question_at_a_time_when_there_are_too_many(monkeypatch):
    newborn = read_bundle_file(BUNDLES_DIR / "newborn.yaml")
    exhaustive = most_services_answers(newborn)
    monkeypatch.setattr(burden_module, "EXHAUSTIVE_LIMIT", 1)
    assert most_services_answers(small_bundle()) == {"extra": "yes"}
    assert most_services_answers(newborn) == exhaustive


def diamond(b: int, c: int):
    """a ─> b ─> d and a ─> c ─> d."""
    return parse_bundle(
        {
            "code": "diamond",
            "name": label("diamond"),
            "summary": label("diamond"),
            "promise": {"working_days": 1},
            "fields": {"x.name": {"type": "text", "label": label("name")}},
            "services": {
                "a": service("x", 3, needs=["x.name"]),
                "b": service("x", b, depends_on=["a"]),
                "c": service("x", c, depends_on=["a"]),
                "d": service("x", 4, depends_on=["b", "c"]),
            },
        },
        source="diamond.yaml",
    )


def test_the_critical_path_of_a_diamond_takes_the_longer_side():
    assert critical_path(diamond(b=5, c=2)) == (12, ["a", "b", "d"])
    assert critical_path(diamond(b=5, c=10)) == (17, ["a", "c", "d"])
    assert critical_path(diamond(b=5, c=5)) == (12, ["a", "b", "d"])  # a tie: the first in order


def test_the_critical_path_ignores_services_that_do_not_apply():
    bundle = diamond(b=5, c=10)
    assert critical_path(bundle, ["a", "b", "d"]) == (12, ["a", "b", "d"])
    assert critical_path(bundle, ["c"]) == (10, ["c"])
    assert critical_path(bundle, []) == (0, [])


def test_a_service_applied_alone_carries_only_documents_of_services_that_apply():
    bundle = small_bundle()
    assert carried_documents(bundle, "s3", ["s1", "s2", "s3"]) == {"doc1", "doc2"}
    assert carried_documents(bundle, "s3", ["s3"]) == set()


def test_a_working_day_has_the_office_hours_of_the_calendar(settings):
    assert working_day_hours() == hours_per_working_day() == 7
    settings.OFFICE_HOURS = ((time(9), time(12)), (time(14), time(17)))
    assert working_day_hours() == hours_per_working_day() == 6


def test_after_a_death_costs_this_for_a_natural_death_with_every_service():
    bundle = read_bundle_file(BUNDLES_DIR / "after_death.yaml")
    answers = most_services_answers(bundle)
    assert answers["driving_licence"] == "yes" and answers["housing_fund"] == "yes"
    result = burden(bundle, answers)
    apart, together = result.separately, result.bundled
    assert apart.forms == 8 and together.forms == 1
    assert apart.offices == 7 and together.offices == 1
    assert together.fields < apart.fields and together.documents < apart.documents
    assert result.critical_path == ["medical_death_certificate", "cremation_certificate", "survivor_benefits"]
    assert together.hours == 65
    assert not result.over_promise
    unnatural = burden(bundle, {**answers, "death_kind": "abnormal"})
    assert unnatural.critical_path[0] == "police_death_certificate"
    assert unnatural.bundled.working_days <= bundle.promise.working_days


def run(*args) -> str:
    out = io.StringIO()
    call_command("burden", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("code", ["newborn", "after_death"])
def test_the_command_prints_the_table_of_each_shipped_bundle(code):
    bundle = read_bundle_file(BUNDLES_DIR / f"{code}.yaml")
    result = burden(bundle, most_services_answers(bundle))
    text = run(code, "--lang", "en")
    assert f"({code})" in text
    forms = next(line for line in text.splitlines() if line.startswith("Forms to fill"))
    assert forms.split()[-3:] == [str(len(result.services)), "1", str(len(result.services) - 1)]
    assert "Critical path:" in text
    markdown = run(code, "--format", "markdown", "--lang", "en")
    assert "|---|---:|---:|---:|" in markdown
    assert f"| Fields typed | {result.separately.fields} | {result.bundled.fields} |" in markdown
    chinese = run(code, "--lang", "zh-hans", "-v", "2")
    assert "分别办理" in chinese and "关键路径" in chinese
    assert str(bundle.name.zh_hans) in chinese


def test_the_command_takes_answers_and_refuses_unknown_ones():
    text = run("after_death", "--lang", "en", "--answer", "death_kind=abnormal")
    assert "death_kind=abnormal" in text
    assert "Police death certificate" in text
    with pytest.raises(CommandError, match="not a question"):
        run("newborn", "--answer", "death_kind=abnormal")
    with pytest.raises(CommandError, match="not an option"):
        run("after_death", "--answer", "death_kind=sudden")
    with pytest.raises(CommandError, match="question=option"):
        run("after_death", "--answer", "death_kind")
    with pytest.raises(CommandError, match="no bundle"):
        run("no_such_bundle")


def test_the_command_prints_every_bundle_by_default():
    text = run("--lang", "en")
    assert "(newborn)" in text and "(after_death)" in text
