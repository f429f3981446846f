"""The demo's lecture programmes of Yubei (渝北区, 500112): "五老回家讲党史" with a speaker of each of the
five kinds, and the mobile lecture hall "铜锣山下小讲堂" with its quota of two lectures a month; each with
lectures held in the past months (closed, with attendance and ratings) and lectures to come, dated from
the moment of seeding. The demo user `organiser` organises them. Running it again changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from banshi.accounts.demo import RESIDENT_PHONE
from banshi.directory.models import Area
from banshi.outreach.models import Lecture, Organiser, OrganiserUnit, Programme, Quota, Speaker, VenueKind
from banshi.outreach.services import lectures as services

YUBEI = "500112"
UNIT_NAME = "渝北区委宣传部宣讲团"

# name, kind, home unit, topics
VETERANS = [
    ("李德明", Speaker.Kind.CADRE, "渝北区双龙湖街道办事处", "建党百年 · 红岩精神"),
    ("王长福", Speaker.Kind.VILLAGE_SECRETARY, "渝北区石船镇胆子村", "乡村振兴里的党史故事"),
    ("陈淑芬", Speaker.Kind.TEACHER, "渝北区实验小学", "讲给孩子听的党史"),
    ("张铁军", Speaker.Kind.WORKER, "重庆长安汽车渝北工厂", "工人阶级的红色记忆"),
    ("刘正义", Speaker.Kind.POLICE, "渝北区公安分局两路派出所", "人民公安为人民"),
]
HALL_SPEAKERS = [
    ("赵红梅", Speaker.Kind.TEACHER, "渝北区玉峰山镇中心小学", "铜锣山下的红色故事"),
    ("孙建华", Speaker.Kind.VILLAGE_SECRETARY, "渝北区玉峰山镇玉峰山村", "院坝里的党史课"),
]
# Where the lectures go: kind of venue, venue, area code, address.
VENUES: dict[str, tuple[str, str, str]] = {
    VenueKind.OFFICE: ("双龙湖街道办事处会议室", "500112002001", "渝北区双龙大道"),
    VenueKind.VILLAGE: ("玉峰山村村民院坝", "500112018202", "渝北区玉峰山镇玉峰山村"),
    VenueKind.SCHOOL: ("渝北区实验小学报告厅", "500112002002", "渝北区龙昌街"),
    VenueKind.COMPANY: ("长安汽车渝北工厂职工之家", "500112004", "渝北区回兴街道"),
    VenueKind.COMMUNITY: ("五星路社区活动中心", "500112002001", "渝北区五星路"),
    VenueKind.BARRACKS: ("驻渝北某部礼堂", "500112016", "渝北区两路街道"),
}
BASE = (Decimal("29.718000"), Decimal("106.631000"))


def _at(day: datetime, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localtime(day).date(), time(hour)))


def _lecture(
    *,
    actor: Any,
    programme: Programme,
    speaker: Speaker,
    topic: str,
    kind: str,
    starts_at: datetime,
    step: int,
) -> Lecture:
    venue, area_code, address = VENUES[kind]
    return services.lecture_schedule(
        actor=actor,
        programme=programme,
        speaker_id=speaker.pk,
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1, minutes=30),
        venue_kind=kind,
        venue_name=venue,
        area_code=area_code if Area.objects.filter(code=area_code).exists() else YUBEI,
        address=address,
        capacity=60,
        latitude=BASE[0] + Decimal(step) / 200,
        longitude=BASE[1] + Decimal(step) / 250,
        now=starts_at - timedelta(days=10),
    )


def _held(*, actor: Any, lecture: Lecture, resident: Any, walk_ins: int, summary: str) -> None:
    if resident is not None:
        services.checkin_signed_in(user=resident, token=lecture.checkin_token, now=lecture.starts_at)
    services.lecture_close(
        actor=actor,
        lecture=lecture,
        summary=summary,
        walk_ins=walk_ins,
        now=lecture.ends_at + timedelta(hours=1),
    )
    if resident is not None:
        services.lecture_rate(
            user=resident,
            lecture=lecture,
            stars=5,
            comment="讲得生动，很受教育",
            now=lecture.ends_at + timedelta(hours=2),
        )


def seed(*, users: Mapping[str, Any]) -> None:
    organiser = users["organiser"]
    resident = users.get(RESIDENT_PHONE)
    unit, _created = OrganiserUnit.objects.get_or_create(
        name=UNIT_NAME, defaults={"area": Area.objects.get(code=YUBEI)}
    )
    Organiser.objects.get_or_create(user=organiser, unit=unit)
    now = timezone.now()
    start = (timezone.localtime(now).date().replace(day=1) - timedelta(days=100)).replace(day=1)
    if not Programme.objects.filter(unit=unit, name="五老回家讲党史").exists():
        programme = services.programme_create(
            actor=organiser,
            unit=unit,
            name="五老回家讲党史",
            description="离退休干部、老村支书、老教师、老工人、老政法干警回到曾经工作的地方讲党史。",
            venue_kinds=VenueKind.values,
            starts_on=start,
            now=now,
        )
        services.quota_set(
            actor=organiser, programme=programme, kind=Quota.Kind.EACH_VENUE_KIND_PER_QUARTER, minimum=1
        )
        services.quota_set(
            actor=organiser, programme=programme, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=4
        )
        speakers = [
            services.speaker_add(actor=organiser, programme=programme, name=n, kind=k, home_unit=h, topics=t)
            for n, k, h, t in VETERANS
        ]
        kinds = [VenueKind.OFFICE, VenueKind.VILLAGE, VenueKind.SCHOOL, VenueKind.COMPANY, VenueKind.OFFICE]
        for step, (speaker, kind) in enumerate(zip(speakers, kinds, strict=True)):
            past = _lecture(
                actor=organiser,
                programme=programme,
                speaker=speaker,
                topic=f"{speaker.topics.split(' · ')[0]}（回家讲）",
                kind=kind,
                starts_at=_at(now - timedelta(days=40 + step * 6), 9),
                step=step,
            )
            _held(
                actor=organiser,
                lecture=past,
                resident=resident if step == 0 else None,
                walk_ins=30 + step * 5,
                summary=f"{speaker.name}回到{speaker.home_unit}，讲述了亲身经历的党史故事。",
            )
            _lecture(
                actor=organiser,
                programme=programme,
                speaker=speaker,
                topic=speaker.topics.split(" · ")[-1],
                kind=[
                    VenueKind.COMMUNITY,
                    VenueKind.BARRACKS,
                    VenueKind.SCHOOL,
                    VenueKind.COMPANY,
                    VenueKind.VILLAGE,
                ][step],
                starts_at=_at(now + timedelta(days=3 + step * 4), 14),
                step=step + 5,
            )
    if not Programme.objects.filter(unit=unit, name="铜锣山下小讲堂").exists():
        hall = services.programme_create(
            actor=organiser,
            unit=unit,
            name="铜锣山下小讲堂",
            description="流动小讲堂，每月至少两场，走进村社院坝、学校和社区。",
            venue_kinds=[VenueKind.VILLAGE, VenueKind.SCHOOL, VenueKind.COMMUNITY],
            starts_on=start,
            now=now,
        )
        services.quota_set(actor=organiser, programme=hall, kind=Quota.Kind.LECTURES_PER_MONTH, minimum=2)
        teacher, secretary = (
            services.speaker_add(actor=organiser, programme=hall, name=n, kind=k, home_unit=h, topics=t)
            for n, k, h, t in HALL_SPEAKERS
        )
        for months_back in (3, 2, 1):
            for number, (speaker, kind) in enumerate(
                ((teacher, VenueKind.SCHOOL), (secretary, VenueKind.VILLAGE))
            ):
                day = now - timedelta(days=30 * months_back - number * 10)
                lecture = _lecture(
                    actor=organiser,
                    programme=hall,
                    speaker=speaker,
                    topic=speaker.topics,
                    kind=kind,
                    starts_at=_at(day, 19),
                    step=months_back * 2 + number,
                )
                _held(
                    actor=organiser,
                    lecture=lecture,
                    resident=None,
                    walk_ins=40,
                    summary="小讲堂走进院坝，群众反响热烈。",
                )
        _lecture(
            actor=organiser,
            programme=hall,
            speaker=secretary,
            topic="院坝里的党史课（本月）",
            kind=VenueKind.COMMUNITY,
            starts_at=_at(now + timedelta(days=5), 19),
            step=11,
        )
