"""A small world of problems: categories of three tiers, units of Yuzhong and Jiangbei and a city-wide
water company, the rules between them, and the people who file and handle reports."""

from dataclasses import dataclass

import pytest
import time_machine

from banshi.accounts.models import User
from banshi.directory.models import Area
from banshi.problems.models import Category, HotlineMember, Report, RoutingRule, Tier, Unit, UnitMember
from banshi.problems.services import report_file

YUZHONG = "500103"
JIANGBEI = "500105"
SHAPINGBA = "500106"  # no rule at all: a report there waits for the dispatcher


@dataclass
class World:
    roads: Category
    water: Category
    gas_leak: Category
    noise: Category
    street_office: Unit
    yuzhong_fallback: Unit
    water_company: Unit
    jiangbei_fallback: Unit
    street_officer: User
    fallback_officer: User
    water_officer: User
    jiangbei_officer: User
    dispatcher: User
    operator: User
    resident: User
    other_resident: User


def _user(username: str, phone: str | None = None, name: str = "") -> User:
    return User.objects.create_user(
        username=username, phone=phone, password="a password", display_name=name or username
    )


def _unit(code: str, name: str, kind: str, district: str | None) -> Unit:
    area = Area.objects.get(code=district) if district else None
    return Unit.objects.create(code=code, name_zh=name, name_en=code, kind=kind, district=area)


def _member(unit: Unit, username: str) -> User:
    user = _user(username)
    UnitMember.objects.create(unit=unit, user=user)
    return user


@pytest.fixture
def world(db) -> World:
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    roads = Category.objects.create(code="roads", name_zh="道路", name_en="Roads", tier=tiers["general"])
    water = Category.objects.create(code="water", name_zh="供水", name_en="Water", tier=tiers["utilities"])
    gas_leak = Category.objects.create(
        code="gas_leak", name_zh="燃气泄漏", name_en="Gas leak", tier=tiers["emergency"]
    )
    noise = Category.objects.create(code="noise", name_zh="噪声", name_en="Noise", tier=tiers["general"])
    street_office = _unit("jiefangbei", "解放碑街道办事处", Unit.Kind.STREET_OFFICE, YUZHONG)
    yuzhong_fallback = _unit("yuzhong_gov", "渝中区人民政府办公室", Unit.Kind.DEPARTMENT, YUZHONG)
    water_company = _unit("cq_water", "重庆水务", Unit.Kind.UTILITY, None)
    jiangbei_fallback = _unit("jiangbei_gov", "江北区人民政府办公室", Unit.Kind.DEPARTMENT, JIANGBEI)
    yuzhong, jiangbei = Area.objects.get(code=YUZHONG), Area.objects.get(code=JIANGBEI)
    RoutingRule.objects.create(district=yuzhong, category=roads, unit=street_office)
    RoutingRule.objects.create(district=None, category=water, unit=water_company)
    RoutingRule.objects.create(district=yuzhong, category=None, unit=yuzhong_fallback)
    RoutingRule.objects.create(district=jiangbei, category=None, unit=jiangbei_fallback)
    dispatcher, operator = _user("dispatcher"), _user("operator")
    HotlineMember.objects.create(user=dispatcher, role=HotlineMember.Role.DISPATCHER)
    HotlineMember.objects.create(user=operator, role=HotlineMember.Role.OPERATOR)
    return World(
        roads=roads,
        water=water,
        gas_leak=gas_leak,
        noise=noise,
        street_office=street_office,
        yuzhong_fallback=yuzhong_fallback,
        water_company=water_company,
        jiangbei_fallback=jiangbei_fallback,
        street_officer=_member(street_office, "street_officer"),
        fallback_officer=_member(yuzhong_fallback, "fallback_officer"),
        water_officer=_member(water_company, "water_officer"),
        jiangbei_officer=_member(jiangbei_fallback, "jiangbei_officer"),
        dispatcher=dispatcher,
        operator=operator,
        resident=_user("13800000001", phone="13800000001", name="张丽"),
        other_resident=_user("13900000002", phone="13900000002", name="王强"),
    )


def file_web(world: World, *, category: str = "roads", district: str | None = YUZHONG, **place) -> Report:
    return report_file(
        actor=world.resident,
        channel=Report.Channel.WEB,
        category=category,
        description="路面塌陷，有一个大坑",
        district=district,
        address=place.pop("address", "解放碑步行街 8 号"),
        **place,
    )


# A Monday morning of an ordinary week, for the tests whose result does not turn on the hour.
MONDAY_MORNING = "2026-12-07 10:00 +08:00"


@pytest.fixture
def monday_morning():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller
