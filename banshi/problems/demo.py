"""The demo's problem categories for Chongqing, the units of Yuzhong and Jiangbei and the city's
utilities, the rules that route between them, the hotline's operator and dispatcher, and three reports of
the demo resident (the third closed, and called back as not solved). Called by `manage.py seed_demo`
(banshi.demo) with the demo users, after the directory is loaded; running it again changes nothing."""

from collections.abc import Mapping
from typing import Any

from banshi.accounts.demo import RESIDENT_PHONE
from banshi.directory.models import Agency, Area
from banshi.problems.models import Category, HotlineMember, Report, RoutingRule, Tier, Unit, UnitMember
from banshi.problems.services import (
    report_callback,
    report_close,
    report_contact,
    report_file,
    report_sign,
)

YUZHONG, JIANGBEI = "500103", "500105"

# code, Chinese, English, tier
CATEGORIES = [
    ("safety_hazard", "安全隐患", "Safety hazard", "emergency"),
    ("roads", "道路破损", "Damaged roads", "general"),
    ("street_lights", "路灯故障", "Street lights", "general"),
    ("water", "供水", "Water supply", "utilities"),
    ("power", "供电", "Power supply", "utilities"),
    ("gas", "燃气", "Gas supply", "utilities"),
    ("noise", "噪声扰民", "Noise", "general"),
    ("rubbish", "垃圾清运", "Rubbish", "general"),
    ("old_community", "老旧小区维修", "Old-community repairs", "complex"),
    ("lifts", "电梯", "Lifts", "general"),
    ("parking", "停车", "Parking", "general"),
    ("elderly_care", "养老服务", "Elderly care", "general"),
]

# The questions a category asks, shown to Open311 clients in its service definition.
ATTRIBUTES = {
    "roads": [
        {
            "code": "SIZE",
            "datatype": "singlevaluelist",
            "required": True,
            "description": "坑洞大小 / How large is the damage?",
            "order": 1,
            "values": [
                {"key": "small", "name": "小于 30 厘米 / under 30 cm"},
                {"key": "large", "name": "30 厘米以上 / 30 cm or more"},
            ],
        },
        {
            "code": "LANES",
            "datatype": "multivaluelist",
            "required": False,
            "description": "影响的车道 / Which lanes does it block?",
            "order": 2,
            "values": [
                {"key": "pavement", "name": "人行道 / pavement"},
                {"key": "road", "name": "车行道 / road"},
            ],
        },
    ]
}

# code, Chinese, English, kind, district, directory agency
UNITS = [
    ("jiefangbei", "解放碑街道办事处", "Jiefangbei Street Office", Unit.Kind.STREET_OFFICE, YUZHONG, None),
    ("yuzhong_urban", "渝中区城市管理局", "Yuzhong Urban Management", Unit.Kind.DEPARTMENT, YUZHONG, None),
    (
        "yuzhong_housing",
        "渝中区住房城乡建委",
        "Yuzhong Housing Commission",
        Unit.Kind.DEPARTMENT,
        YUZHONG,
        None,
    ),
    (
        "yuzhong_gov",
        "渝中区人民政府办公室",
        "Yuzhong District Government",
        Unit.Kind.DEPARTMENT,
        YUZHONG,
        None,
    ),
    ("guanyinqiao", "观音桥街道办事处", "Guanyinqiao Street Office", Unit.Kind.STREET_OFFICE, JIANGBEI, None),
    ("jiangbei_urban", "江北区城市管理局", "Jiangbei Urban Management", Unit.Kind.DEPARTMENT, JIANGBEI, None),
    (
        "jiangbei_gov",
        "江北区人民政府办公室",
        "Jiangbei District Government",
        Unit.Kind.DEPARTMENT,
        JIANGBEI,
        None,
    ),
    ("cq_water", "重庆水务集团", "Chongqing Water Group", Unit.Kind.UTILITY, None, None),
    ("cq_power", "国网重庆市电力公司", "State Grid Chongqing", Unit.Kind.UTILITY, None, None),
    ("cq_gas", "重庆燃气集团", "Chongqing Gas Group", Unit.Kind.UTILITY, None, None),
    (
        "cq_traffic_police",
        "重庆市公安局交通管理局",
        "Chongqing Traffic Police",
        Unit.Kind.DEPARTMENT,
        None,
        "traffic_police",
    ),
]

# district (None: the whole city), category (None: the district's fallback unit, 兜底), unit
RULES = [
    (None, "water", "cq_water"),
    (None, "power", "cq_power"),
    (None, "gas", "cq_gas"),
    (None, "parking", "cq_traffic_police"),
    (YUZHONG, "roads", "yuzhong_urban"),
    (YUZHONG, "street_lights", "yuzhong_urban"),
    (YUZHONG, "noise", "jiefangbei"),
    (YUZHONG, "rubbish", "jiefangbei"),
    (YUZHONG, "elderly_care", "jiefangbei"),
    (YUZHONG, "old_community", "yuzhong_housing"),
    (YUZHONG, "lifts", "yuzhong_housing"),
    (YUZHONG, None, "yuzhong_gov"),
    (JIANGBEI, "roads", "jiangbei_urban"),
    (JIANGBEI, "street_lights", "jiangbei_urban"),
    (JIANGBEI, "noise", "guanyinqiao"),
    (JIANGBEI, "rubbish", "guanyinqiao"),
    (JIANGBEI, "elderly_care", "guanyinqiao"),
    (JIANGBEI, "old_community", "guanyinqiao"),
    (JIANGBEI, None, "jiangbei_gov"),
]

# username → unit code, or hotline role
UNIT_OFFICERS = [("street_officer", "jiefangbei"), ("water_officer", "cq_water")]
HOTLINE = [("operator", HotlineMember.Role.OPERATOR), ("dispatcher", HotlineMember.Role.DISPATCHER)]


def seed_reference() -> dict[str, Unit]:
    """The categories, units and routing rules (no people); the units by code."""
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    categories = {}
    for position, (code, name_zh, name_en, tier) in enumerate(CATEGORIES):
        categories[code], _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "tier": tiers[tier],
                "position": position,
                "attributes": ATTRIBUTES.get(code, []),
            },
        )
    areas = {area.code: area for area in Area.objects.filter(code__in=[YUZHONG, JIANGBEI])}
    units = {}
    for code, name_zh, name_en, kind, district, agency in UNITS:
        units[code], _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "kind": kind,
                "district": areas[district] if district else None,
                "agency": Agency.objects.filter(code=agency).first() if agency else None,
            },
        )
    for district, category, unit in RULES:
        RoutingRule.objects.get_or_create(
            district=areas[district] if district else None,
            category=categories[category] if category else None,
            defaults={"unit": units[unit]},
        )
    return units


def seed(*, users: Mapping[str, Any]) -> None:
    units = seed_reference()
    for username, unit in UNIT_OFFICERS:
        UnitMember.objects.get_or_create(unit=units[unit], user=users[username])
    for username, role in HOTLINE:
        HotlineMember.objects.get_or_create(user=users[username], role=role)
    resident = users[RESIDENT_PHONE]
    if not Report.objects.filter(reporter=resident).exists():
        report_file(
            actor=resident,
            channel=Report.Channel.WEB,
            category="noise",
            description="解放碑步行街夜间施工噪声很大，晚上十一点后仍在施工。",
            district=YUZHONG,
            street="解放碑街道",
            community="民权路社区",
            address="民权路 28 号附近",
            lat="29.557300",
            lng="106.577800",
        )
        report_file(
            actor=users["operator"],
            channel=Report.Channel.PHONE,
            category="water",
            description="小区停水一整天，没有接到停水通知。",
            district=JIANGBEI,
            street="观音桥街道",
            address="建新北路 66 号",
            reporter_phone=RESIDENT_PHONE,
        )
        # A private report the unit closed and the resident, called back, was not happy with: the
        # supervisor finds it behind the open numbers' count of dissatisfied callback answers.
        rubbish = report_file(
            actor=resident,
            channel=Report.Channel.WEB,
            category="rubbish",
            description="楼下垃圾桶三天没有清运，气味很大。",
            district=YUZHONG,
            street="解放碑街道",
            community="民权路社区",
            address="民权路 30 号",
            private=True,
        )
        officer = users["street_officer"]
        report_sign(actor=officer, report_id=rubbish.pk)
        report_contact(actor=officer, report_id=rubbish.pk, kind="phone")
        report_close(actor=officer, report_id=rubbish.pk, text="已通知环卫公司清运。")
        report_callback(
            actor=resident,
            report_id=rubbish.pk,
            solved=False,
            satisfaction="dissatisfied",
            comment="只清运了一次，第二天又堆满了。",
        )
