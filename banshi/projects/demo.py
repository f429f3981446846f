"""The demo's register: the city's 15 key livelihood projects of 2026, and Banan's renovation of old
communities (巴南区老旧小区改造) as a parent of 126 community projects, 41,000 households and 3.46 million
m² between them, owned by `project_owner`, with indicators, milestones, stage targets and a few progress
updates. Called by `manage.py seed_demo` (banshi.demo) with the demo users, after the directory is
loaded; running it again changes nothing (each project is entered once, by its code)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from banshi.directory.models import Agency, Area
from banshi.projects.models import Milestone, Project, StageTarget
from banshi.projects.services.register import project_enter, update_post

YEAR = 2026
CITY, BANAN = "500000", "500113"
BANAN_CODE = f"{YEAR}-BN-OLD"
COMMUNITIES = 126
HOUSEHOLDS = 41_000
SQUARE_METRES = 3_460_000
YUAN_PER_SQUARE_METRE = 150

AGENCIES = {
    "cq_housing": (
        "重庆市住房和城乡建设委员会",
        "Chongqing Housing and Urban-Rural Development Commission",
        CITY,
    ),
    "banan_housing": (
        "巴南区住房和城乡建设委员会",
        "Banan Housing and Urban-Rural Development Commission",
        BANAN,
    ),
    "cq_urban_management": ("重庆市城市管理局", "Chongqing Urban Management Bureau", CITY),
    "cq_education": ("重庆市教育委员会", "Chongqing Education Commission", CITY),
    "cq_transport": ("重庆市交通运输委员会", "Chongqing Transport Commission", CITY),
}

# code suffix, name, category, owner unit, budget (10,000 yuan), progress, status, indicator
# (code, name, unit, target, actual)
CITY_PROJECTS: list[tuple[str, str, str, str, int, int, str, tuple[str, str, str, int, int]]] = [
    (
        "01",
        "城镇老旧小区改造",
        "老旧小区改造",
        "cq_housing",
        350000,
        45,
        "in_progress",
        ("communities", "改造小区", "个", 1600, 720),
    ),
    (
        "02",
        "既有住宅加装电梯",
        "加装电梯",
        "cq_housing",
        60000,
        38,
        "in_progress",
        ("lifts", "加装电梯", "部", 2000, 760),
    ),
    (
        "03",
        "社区养老服务设施建设",
        "社区养老",
        "civil_affairs",
        42000,
        52,
        "in_progress",
        ("centres", "社区养老服务站", "个", 300, 156),
    ),
    (
        "04",
        "普惠托育服务扩容",
        "托育",
        "health_commission",
        18000,
        30,
        "in_progress",
        ("places", "新增托位", "个", 10000, 3000),
    ),
    (
        "05",
        "背街小巷整治提升",
        "背街小巷整治",
        "cq_urban_management",
        25000,
        60,
        "in_progress",
        ("lanes", "整治背街小巷", "条", 500, 300),
    ),
    (
        "06",
        "城市停车位增量建设",
        "停车",
        "cq_transport",
        80000,
        41,
        "in_progress",
        ("parking", "新增停车位", "个", 50000, 20500),
    ),
    (
        "07",
        "中小学学位扩容",
        "教育",
        "cq_education",
        120000,
        55,
        "in_progress",
        ("school_places", "新增学位", "个", 60000, 33000),
    ),
    (
        "08",
        "社区食堂（老年助餐点）建设",
        "社区养老",
        "civil_affairs",
        9000,
        70,
        "in_progress",
        ("canteens", "社区食堂", "个", 400, 280),
    ),
    (
        "09",
        "农村供水保障提升",
        "供水",
        "cq_housing",
        36000,
        25,
        "in_progress",
        ("villagers", "受益农村人口", "万人", 100, 25),
    ),
    (
        "10",
        "城市口袋公园建设",
        "公园绿地",
        "cq_urban_management",
        15000,
        48,
        "in_progress",
        ("parks", "口袋公园", "个", 200, 96),
    ),
    (
        "11",
        "基层医疗卫生机构提档升级",
        "医疗",
        "health_commission",
        30000,
        35,
        "in_progress",
        ("clinics", "提档升级卫生院", "个", 150, 52),
    ),
    (
        "12",
        "公共充电桩建设",
        "新能源",
        "cq_transport",
        22000,
        62,
        "in_progress",
        ("chargers", "公共充电桩", "个", 20000, 12400),
    ),
    (
        "13",
        "城市燃气管道老化更新改造",
        "燃气",
        "cq_housing",
        48000,
        20,
        "in_progress",
        ("pipes", "更新燃气管道", "公里", 1200, 240),
    ),
    (
        "14",
        "山城步道建设",
        "步道",
        "cq_urban_management",
        12000,
        80,
        "in_progress",
        ("trails", "新建山城步道", "公里", 150, 120),
    ),
    (
        "15",
        "公交线网优化与候车亭改造",
        "公交",
        "cq_transport",
        8000,
        100,
        "completed",
        ("shelters", "改造候车亭", "个", 800, 800),
    ),
]


def _agencies() -> dict[str, Agency]:
    agencies = {}
    for code, (name_zh, name_en, area_code) in AGENCIES.items():
        agencies[code], _created = Agency.objects.get_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "area": Area.objects.get(code=area_code)},
        )
    for code in ("civil_affairs", "health_commission"):
        agencies[code] = Agency.objects.get(code=code)
    return agencies


def banan_communities() -> list[Area]:
    """126 of Banan's communities from the directory: its residents' committees (社区) first, then its
    villages, by code."""
    areas = list(Area.objects.filter(kind=Area.Kind.COMMUNITY, code__startswith=BANAN).order_by("code"))
    areas.sort(key=lambda area: ("社区" not in area.name, area.code))
    return areas[:COMMUNITIES]


def split(total: int, count: int) -> list[int]:
    """`total` in `count` unequal whole parts that add up to it exactly (old communities differ in size)."""
    raw = [100 + (index * 37) % 160 for index in range(count)]
    parts = [total * weight // sum(raw) for weight in raw]
    for index in range(total - sum(parts)):
        parts[index % count] += 1
    return parts


def seed(*, users: Mapping[str, Any]) -> None:
    owner = users["project_owner"]
    with transaction.atomic():
        agencies = _agencies()
        city = Area.objects.get(code=CITY)
        for suffix, name, category, unit, budget, progress, status, indicator in CITY_PROJECTS:
            code = f"{YEAR}-CQ-{suffix}"
            if Project.objects.filter(code=code).exists():
                continue
            ind_code, ind_name, ind_unit, target, actual = indicator
            project = project_enter(
                actor=None,
                code=code,
                name=f"{YEAR}年{name}",
                description=f"{YEAR}年重庆市重点民生实事之{int(suffix)}：{name}。",
                level=Project.Level.CITY,
                area=city,
                category=category,
                year=YEAR,
                owner_unit=agencies[unit],
                lead=f"{agencies[unit].name_zh}分管负责人",
                budget=Decimal(budget) * 10_000,
                start_date=date(YEAR, 1, 1),
                end_date=date(YEAR, 12, 31),
                status=status,
                progress=Decimal(progress),
                indicators=[
                    {"code": ind_code, "name": ind_name, "unit": ind_unit, "target": target, "actual": actual}
                ],
            )
            Milestone.objects.create(
                project=project,
                title="完成项目清单和实施方案",
                due=date(YEAR, 3, 31),
                done_at=project.created_at,
            )
            Milestone.objects.create(project=project, title="完成年度目标过半", due=date(YEAR, 6, 30))
            Milestone.objects.create(project=project, title="全面完成并验收", due=date(YEAR, 12, 20))
        _banan(owner=owner, agency=agencies["banan_housing"])


def _banan(*, owner: Any, agency: Agency) -> None:
    if Project.objects.filter(code=BANAN_CODE).exists():
        return
    banan = Area.objects.get(code=BANAN)
    communities = banan_communities()
    households = split(HOUSEHOLDS, len(communities))
    metres = split(SQUARE_METRES, len(communities))
    parent = project_enter(
        actor=None,
        owners=[owner],
        code=BANAN_CODE,
        name="巴南区老旧小区改造",
        description=(
            "经群众意见调查，巴南区将126个老旧小区纳入改造，涉及居民4.1万户、建筑面积346万平方米："
            "水电气管网、屋面防水、外墙、道路、停车、加装电梯和适老化设施。"
        ),
        level=Project.Level.DISTRICT,
        area=banan,
        category="老旧小区改造",
        year=YEAR,
        owner_unit=agency,
        lead="巴南区住建委项目负责人",
        budget=Decimal(SQUARE_METRES * YUAN_PER_SQUARE_METRE),
        start_date=date(YEAR, 3, 1),
        end_date=date(YEAR + 1, 10, 31),
        status=Project.Status.IN_PROGRESS,
        address="重庆市巴南区",
        latitude=29.4023,
        longitude=106.5404,
        indicators=[
            {
                "code": "communities",
                "name": "改造小区",
                "unit": "个",
                "target": len(communities),
                "actual": 0,
            },
            {"code": "households", "name": "惠及居民", "unit": "户", "target": HOUSEHOLDS, "actual": 0},
            {
                "code": "floor_area",
                "name": "改造面积",
                "unit": "平方米",
                "target": SQUARE_METRES,
                "actual": 0,
            },
        ],
    )
    StageTarget.objects.create(
        project=parent,
        year=YEAR,
        target_progress=Decimal(60),
        due=date(YEAR, 12, 31),
        description="完成63个小区改造",
    )
    StageTarget.objects.create(
        project=parent,
        year=YEAR + 1,
        target_progress=Decimal(100),
        due=date(YEAR + 1, 10, 31),
        description="全部完成并验收",
    )
    Milestone.objects.create(
        project=parent, title="完成群众意见调查和改造清单", due=date(YEAR, 2, 28), done_at=parent.created_at
    )
    Milestone.objects.create(
        project=parent, title="首批63个小区开工", due=date(YEAR, 5, 31), done_at=parent.created_at
    )
    Milestone.objects.create(project=parent, title="首批63个小区完工", due=date(YEAR, 12, 31))
    for index, (area, homes, floor) in enumerate(zip(communities, households, metres, strict=True)):
        # The first batch (63) is under way or done; the second starts next year.
        first_batch = index < COMMUNITIES // 2
        progress = Decimal(100 if index < 20 else 30 + (index * 7) % 60) if first_batch else Decimal(0)
        done = progress == 100
        name = area.name.removesuffix("居民委员会").removesuffix("村民委员会")
        project_enter(
            actor=None,
            parent=parent,
            code=f"{BANAN_CODE}-{index + 1:03d}",
            name=f"{name}老旧小区改造",
            level=Project.Level.COMMUNITY,
            area=area,
            category="老旧小区改造",
            year=YEAR if first_batch else YEAR + 1,
            owner_unit=agency,
            budget=Decimal(floor * YUAN_PER_SQUARE_METRE),
            start_date=date(YEAR, 4, 1) if first_batch else date(YEAR + 1, 3, 1),
            end_date=date(YEAR, 12, 31) if first_batch else date(YEAR + 1, 10, 31),
            status=Project.Status.COMPLETED
            if done
            else Project.Status.IN_PROGRESS
            if first_batch
            else Project.Status.PLANNED,
            progress=progress,
            indicators=[
                {
                    "code": "communities",
                    "name": "改造小区",
                    "unit": "个",
                    "target": 1,
                    "actual": 1 if done else 0,
                },
                {
                    "code": "households",
                    "name": "惠及居民",
                    "unit": "户",
                    "target": homes,
                    "actual": homes if done else 0,
                },
                {
                    "code": "floor_area",
                    "name": "改造面积",
                    "unit": "平方米",
                    "target": floor,
                    "actual": floor if done else 0,
                },
            ],
        )
    # The owner reports on one community under way.
    working = parent.children.filter(status=Project.Status.IN_PROGRESS).order_by("code").first()
    if working is not None:
        floor_target = working.indicators.get(code="floor_area").target
        update_post(
            actor=owner,
            project_id=working.pk,
            text="完成雨污分流管网改造和屋面防水，外墙整治进行中。",
            progress="55",
            actuals={"floor_area": str((floor_target / 2).quantize(Decimal(1)))},
        )
        update_post(
            actor=owner,
            project_id=parent.pk,
            text="首批小区全部开工，已完工20个小区，居民议事会每月听取意见。",
        )
