"""The demo's say on the projects: deputy1…deputy5 on the deputies' roll of Banan (巴南区); the 2027
district round of Banan in its deputies' vote, open now (its proposals, shortlist and opinion survey
behind it); a street round of Yudong (鱼洞街道) taking proposals; one consultation open now on the
renovation plan of Yudong's old communities, and an on-site office session held there; two deputies'
verdicts on the city's completed project. Run by `manage.py seed_demo` after the register's demo, with
the demo users; the dates are reckoned from the moment it runs. Running it again changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from banshi.accounts.demo import RESIDENT_PHONE
from banshi.directory.models import Agency, Area
from banshi.polls.models import Answer, Choice, Response
from banshi.projects.models import Consultation, OnSiteSession, Project, Round, Verdict
from banshi.projects.services import consultations, rounds, verdicts

BANAN = "500113"
DISTRICT_ROUND = "2027年巴南区民生实事项目票决"
STREET_ROUND = "2027年鱼洞街道民生实事征集"
CONSULTATION = "鱼洞街道老旧小区改造方案（征求意见稿）"
SESSION = "鱼洞街道老旧小区改造现场办公"

PROPOSALS = [
    ("老旧小区加装电梯", "我们小区都是七层楼，没有电梯，老人上下楼非常困难，希望加装电梯。"),
    ("社区老年食堂", "社区老人多，子女上班，希望在社区办一个老年食堂，解决吃饭难。"),
    ("增加停车位", "小区周边停车难，车辆乱停堵住消防通道，希望规划建设停车场。"),
    ("背街小巷路面修补", "龙洲湾背街小巷路面坑洼，下雨积水，希望修补。"),
]
# name, description, cost (yuan), from the proposal at that position (or None)
CANDIDATES = [
    (
        "既有住宅加装电梯 120 部",
        "在鱼洞、龙洲湾、花溪等街道的老旧小区加装电梯 120 部，群众自愿、政府补贴。",
        36_000_000,
        0,
    ),
    ("社区老年食堂 30 个", "在老年人集中的社区新建或改建老年食堂（助餐点）30 个。", 9_000_000, 1),
    ("公共停车位 3000 个", "利用边角地、闲置地建设公共停车场，新增停车位 3000 个。", 45_000_000, 2),
    ("背街小巷整治 50 条", "整治路面、排水、照明，提升 50 条背街小巷。", 15_000_000, 3),
    ("口袋公园 20 个", "见缝插绿，建设口袋公园 20 个。", 12_000_000, None),
]


def seed(*, users: Mapping[str, Any]) -> None:
    staff = users["supervisor"]
    resident = users[RESIDENT_PHONE]
    deputies = [users[f"deputy{n}"] for n in range(1, 6)]
    now = timezone.now()
    with transaction.atomic():
        banan = Area.objects.get(code=BANAN)
        housing, _created = Agency.objects.get_or_create(
            code="banan_housing",
            defaults={
                "name_zh": "巴南区住房和城乡建设委员会",
                "name_en": "Banan Housing and Urban-Rural Development Commission",
                "area": banan,
            },
        )
        for deputy in deputies:
            rounds.deputy_add(actor=None, user=deputy, area=banan)
        if not Round.objects.filter(title=DISTRICT_ROUND).exists():
            _district_round(
                staff=staff, resident=resident, deputies=deputies, banan=banan, housing=housing, now=now
            )
        if not Round.objects.filter(title=STREET_ROUND).exists():
            _street_round(staff=staff, resident=resident, banan=banan, housing=housing, now=now)
        if not Consultation.objects.filter(title=CONSULTATION).exists():
            _consultation(staff=staff, resident=resident, banan=banan, housing=housing, now=now)
        if not OnSiteSession.objects.filter(title=SESSION).exists():
            _session(staff=staff, banan=banan, housing=housing, now=now)
        _verdicts(deputies=deputies[1:3])


def _district_round(
    *, staff: Any, resident: Any, deputies: list[Any], banan: Area, housing: Agency, now: Any
) -> None:
    round_ = rounds.round_create(
        actor=staff,
        title=DISTRICT_ROUND,
        level=Project.Level.DISTRICT,
        area=banan,
        year=2027,
        organiser=housing,
        places=3,
        proposals_close_at=now - timedelta(days=40),
        survey_opens_at=now - timedelta(days=30),
        survey_closes_at=now - timedelta(days=3),
        vote_opens_at=now - timedelta(hours=2),
        vote_closes_at=now + timedelta(days=14),
    )
    # The demo's past: the proposals arrived while the round took them (its dates are behind it now, so
    # they are written as they were, then moderated and shortlisted through the services).
    proposals = []
    for title, text in PROPOSALS:
        proposal = round_.proposals.create(
            author=resident, title=title, text=text, created_at=now - timedelta(days=50)
        )
        rounds.proposal_moderate(actor=staff, proposal_id=proposal.pk, accept=True)
        proposals.append(proposal)
    rounds.round_advance(actor=staff, round_id=round_.pk, to=Round.Phase.SHORTLISTING)
    candidates = [
        rounds.candidate_shortlist(
            actor=staff,
            round_id=round_.pk,
            name=name,
            description=description,
            cost=str(cost),
            completion_date=date(2027, 12, 31),
            proposal_id=proposals[index].pk if index is not None else None,
        )
        for name, description, cost, index in CANDIDATES
    ]
    rounds.round_advance(actor=staff, round_id=round_.pk, to=Round.Phase.SURVEY)
    round_.refresh_from_db()
    # The demo resident's answers, given while the survey was open.
    survey = round_.survey
    if survey is None:
        return
    response = Response.objects.create(
        survey=survey, respondent=resident, submitted_at=now - timedelta(days=10)
    )
    keys = ["support", "support", "neutral", "support", "oppose"]
    for candidate, key in zip(candidates, keys, strict=True):
        choice = Choice.objects.get(question__survey=survey, question__key=str(candidate.pk), key=key)
        Answer.objects.create(response=response, question=choice.question, choice=choice)
    rounds.round_advance(actor=staff, round_id=round_.pk, to=Round.Phase.VOTE)
    # Two deputies have voted already; deputy1, deputy2 and deputy3 may still.
    for deputy, chosen in (
        (deputies[3], candidates[:3]),
        (deputies[4], [candidates[0], candidates[1], candidates[3]]),
    ):
        rounds.round_vote(actor=deputy, round_id=round_.pk, choices=[c.pk for c in chosen])


def _street_round(*, staff: Any, resident: Any, banan: Area, housing: Agency, now: Any) -> None:
    street = Area.objects.filter(parent=banan, name__contains="鱼洞").first() or banan
    round_ = rounds.round_create(
        actor=staff,
        title=STREET_ROUND,
        level=Project.Level.STREET,
        area=street,
        year=2027,
        organiser=housing,
        places=2,
        proposals_close_at=now + timedelta(days=30),
        survey_opens_at=now + timedelta(days=40),
        survey_closes_at=now + timedelta(days=55),
        vote_opens_at=now + timedelta(days=60),
        vote_closes_at=now + timedelta(days=60, hours=4),
    )
    proposal = rounds.proposal_submit(
        actor=resident, round_id=round_.pk, title="鱼洞老街加装路灯", text="老街晚上太黑，老人走路容易摔倒。"
    )
    rounds.proposal_moderate(actor=staff, proposal_id=proposal.pk, accept=True)


def _consultation(*, staff: Any, resident: Any, banan: Area, housing: Agency, now: Any) -> None:
    parent = Project.objects.filter(code="2026-BN-OLD").first()
    consultation = consultations.consultation_open(
        actor=staff,
        title=CONSULTATION,
        draft=(
            "一、改造范围：鱼洞街道 2000 年以前建成的老旧小区 18 个、住户 5200 户。\n"
            "二、改造内容：雨污分流、外墙整治、加装电梯 40 部、新增停车位 300 个、适老化设施。\n"
            "三、资金：区级财政补助为主，居民自愿出资加装电梯。\n"
            "四、工期：2027 年 3 月至 11 月。"
        ),
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=14),
        organiser=housing,
        area=banan,
        project=parent,
    )
    comment = consultations.comment_add(
        actor=resident,
        consultation_id=consultation.pk,
        stance="agree",
        text="支持改造。希望施工期间保留一条进出通道，方便老人出行。",
    )
    consultations.comment_reply(
        actor=staff, comment_id=comment.pk, reply="感谢您的意见。施工组织方案将为每个小区保留一条无障碍通道。"
    )


def _session(*, staff: Any, banan: Area, housing: Agency, now: Any) -> None:
    session = consultations.session_record(
        actor=staff,
        title=SESSION,
        place="巴南区鱼洞街道新市街社区广场",
        held_at=now - timedelta(days=5),
        organiser=housing,
        units=[housing, Agency.objects.get(code="civil_affairs")],
        area=banan,
        project=Project.objects.filter(code="2026-BN-OLD").first(),
    )
    consultations.session_problem_record(
        actor=staff,
        session_id=session.pk,
        problem="3 栋外墙瓷砖脱落，存在安全隐患。",
        answer="区住建委两周内完成排危，纳入本轮改造外墙整治。",
    )
    consultations.session_problem_record(
        actor=staff,
        session_id=session.pk,
        problem="社区老人多，希望有助餐点。",
        answer="区民政局将评估在社区服务中心设老年助餐点。",
    )


def _verdicts(*, deputies: list[Any]) -> None:
    completed = Project.objects.filter(status__in=verdicts.RATED_STATUSES).order_by("pk").first()
    if completed is None:
        return
    for deputy, rating in zip(deputies, ("satisfied", "fairly_satisfied"), strict=True):
        if not Verdict.objects.filter(project=completed, rater=deputy).exists():
            verdicts.verdict_give(actor=deputy, project_id=completed.pk, rating=rating)
