"""A real Chromium on a phone, a project from a resident's proposal to its year-end verdict: a resident
proposes (and is shown a similar earlier proposal while typing); the organiser accepts and shortlists
it; three residents answer the opinion survey; five deputies vote by secret ballot; the chosen candidate
is a project of the register, with its origin on its page; at year end a resident's verdict is public.

The clock is moved through the round's phases (time-machine, running on). The moments are ahead of the
real date, so that the browser, which keeps the real clock, never sees its login cookie as expired."""

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from banshi.cases.tests import test_browser
from banshi.conftest import _user
from banshi.directory.models import Agency, Area, Membership
from banshi.polls.models import Paper, VoterMark
from banshi.projects.models import Candidate, Project, Proposal, Round, Verdict
from banshi.projects.services import rounds
from banshi.ui.tests.test_browser_switches import PHONE_VIEWPORT

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CHINA = ZoneInfo("Asia/Shanghai")
START = datetime(2027, 9, 1, 10, 0, tzinfo=CHINA)


def new_page(browser, base_url: str):
    return test_browser.new_page(browser, base_url, **PHONE_VIEWPORT)


def test_a_residents_proposal_is_surveyed_voted_by_deputies_entered_in_the_register_and_rated(
    production_static, transactional_db, catalog, live_server, browser
):
    banan = Area.objects.get(code="500113")
    housing, _created = Agency.objects.get_or_create(
        code="banan_housing",
        defaults={"name_zh": "巴南区住房和城乡建设委员会", "name_en": "Banan Housing", "area": banan},
    )
    organiser = _user("banan_officer")
    Membership.objects.create(user=organiser, role=Membership.Role.OFFICER, agency=housing)
    residents = [_user(f"1370000010{n}", phone=f"1370000010{n}") for n in range(1, 4)]
    deputies = [_user(f"deputy{n}") for n in range(1, 6)]
    for deputy in deputies:
        rounds.deputy_add(actor=None, user=deputy, area=banan)
    problems: list[str] = []

    def page_of(username: str | None):
        page = new_page(browser, live_server.url)
        page.on("console", lambda message: problems.extend([message.text] if message.type == "error" else []))
        page.on("pageerror", lambda error: problems.append(str(error)))
        if username:
            test_browser.log_in(page, username)
        return page

    with time_machine.travel(START, tick=True) as clock:
        earlier = rounds.round_create(
            actor=organiser,
            title="2027年巴南区民生实事征集",
            level="district",
            area=banan,
            year=2027,
            organiser=housing,
            places=1,
            proposals_close_at=START + timedelta(hours=1),
            survey_opens_at=START + timedelta(hours=2),
            survey_closes_at=START + timedelta(hours=3),
            vote_opens_at=START + timedelta(hours=4),
            vote_closes_at=START + timedelta(hours=5),
        )
        old = rounds.proposal_submit(
            actor=residents[1], round_id=earlier.pk, title="花溪街道加装电梯", text="老人上楼难"
        )
        rounds.proposal_moderate(actor=organiser, proposal_id=old.pk, accept=True)
        round_ = rounds.round_create(
            actor=organiser,
            title="2028年巴南区民生实事票决",
            level="district",
            area=banan,
            year=2028,
            organiser=housing,
            places=1,
            proposals_close_at=START + timedelta(days=10),
            survey_opens_at=START + timedelta(days=11),
            survey_closes_at=START + timedelta(days=20),
            vote_opens_at=START + timedelta(days=21),
            vote_closes_at=START + timedelta(days=21, hours=4),
        )
        round_url = f"/projects/rounds/{round_.pk}/"

        # A resident proposes, and is shown the similar earlier proposal while typing its title.
        page = page_of(residents[0].username)
        page.goto(round_url)
        page.click("#propose")
        page.locator("#id_title").press_sequentially("鱼洞街道加装电梯", delay=20)
        expect(page.locator("#similar")).to_contain_text("花溪街道加装电梯")
        page.fill("#id_text", "七层老楼没有电梯，老人下楼难。")
        page.click("#send-proposal")
        expect(page.locator(".message-success")).to_be_visible()
        proposal = Proposal.objects.get(round=round_)
        assert proposal.status == Proposal.Status.PENDING and proposal.author == residents[0]
        page.context.close()

        # The organiser accepts it, moves on to the shortlist, shortlists it and one more, opens the survey.
        clock.move_to(START + timedelta(days=10, hours=1))
        page = page_of(organiser.username)
        page.goto(round_url)
        page.click(f"#accept-{proposal.pk}")
        expect(page.locator(f"#proposal-{proposal.pk}")).to_be_visible()
        page.click("#advance")
        expect(page.locator("#round-phase")).to_have_attribute("data-phase", "shortlisting")
        page.click(f"#shortlist-{proposal.pk}")
        expect(page.locator("#id_name")).to_have_value("鱼洞街道加装电梯")
        page.fill("#id_cost", "3600000")
        page.fill("#id_completion_date", "2028-12-31")
        page.click("#save-candidate")
        page.click("#shortlist-new")
        page.fill("#id_name", "鱼洞街道口袋公园")
        page.fill("#id_description", "见缝插绿，建设口袋公园 3 个。")
        page.fill("#id_cost", "1200000")
        page.fill("#id_completion_date", "2028-10-31")
        page.click("#save-candidate")
        expect(page.locator("#candidates > li")).to_have_count(2)
        page.click("#advance")
        expect(page.locator("#round-phase")).to_have_attribute("data-phase", "survey")
        page.context.close()
        lift, park = Candidate.objects.filter(round=round_).order_by("pk")
        assert lift.proposal == proposal

        # Three residents answer the survey, in the survey's dates.
        clock.move_to(START + timedelta(days=12))
        for resident, park_answer in zip(residents, ("support", "oppose", "neutral"), strict=True):
            page = page_of(resident.username)
            page.goto(round_url)
            page.click("#answer-survey")
            page.check(f'input[name="c{lift.pk}"][value="support"]')
            page.check(f'input[name="c{park.pk}"][value="{park_answer}"]')
            page.click("#send-survey")
            expect(page.locator("#survey-done")).to_be_visible()
            page.context.close()

        # The survey closes when the vote opens; the organiser moves the round on.
        clock.move_to(START + timedelta(days=20, hours=1))
        page = page_of(organiser.username)
        page.goto(round_url)
        page.click("#advance")
        expect(page.locator("#round-phase")).to_have_attribute("data-phase", "vote")
        expect(page.locator(f"#candidate-{lift.pk} .survey-count")).to_contain_text("3")
        page.context.close()

        # Five deputies vote by secret ballot: nothing is counted while the vote is open.
        clock.move_to(START + timedelta(days=21, hours=1))
        for index, deputy in enumerate(deputies):
            page = page_of(deputy.username)
            page.goto(round_url)
            page.click("#vote")
            page.check(f'input[name="choices"][value="{lift.pk if index < 4 else park.pk}"]')
            page.click("#cast")
            expect(page.locator("#vote-done")).to_be_visible()
            expect(page.locator("#ballot-result")).to_have_count(0)
            page.context.close()
        assert VoterMark.objects.count() == 5 and Paper.objects.count() == 5

        # The vote closes; the counts are public and the chosen candidate is a project of the register.
        clock.move_to(START + timedelta(days=21, hours=5))
        page = page_of(organiser.username)
        page.goto(round_url)
        page.click("#advance")
        expect(page.locator("#ballot-result")).to_be_visible()
        page.context.close()
        lift.refresh_from_db()
        project = lift.project
        assert (
            project is not None
            and project.name == "鱼洞街道加装电梯"
            and project.status == Project.Status.PLANNED
        )
        assert Candidate.objects.get(pk=park.pk).project is None

        page = page_of(None)
        page.goto(round_url)
        expect(page.locator(f"#result-{lift.pk}")).to_contain_text("4")
        page.click(f"#candidate-{lift.pk} a")
        assert page.url.endswith(f"/projects/{project.pk}/")
        expect(page.locator("h1")).to_contain_text("鱼洞街道加装电梯")
        expect(page.locator("#origin")).to_contain_text("2028年巴南区民生实事票决")
        page.context.close()

        # At year end the work is done; a resident gives a verdict, and it is public.
        clock.move_to(datetime(2028, 12, 20, 10, 0, tzinfo=CHINA))
        Project.objects.filter(pk=project.pk).update(
            status=Project.Status.COMPLETED, end_date=date(2028, 12, 15)
        )
        page = page_of(residents[0].username)
        page.goto(f"/projects/{project.pk}/")
        page.check("#rating-satisfied")
        page.click("#send-verdict")
        expect(page.locator("#my-verdict")).to_be_visible()
        page.context.close()
        assert Verdict.objects.get().rating == "satisfied"

        page = page_of(None)
        page.goto("/projects/verdicts/")
        expect(page.locator(f"#verdicts-{project.pk} .verdict-satisfied")).to_contain_text("1")
        page.goto(f"/projects/{project.pk}/")
        expect(page.locator("#participation .verdict-satisfied")).to_contain_text("1")
        page.context.close()
    assert problems == []
    assert Round.objects.get(pk=round_.pk).phase == Round.Phase.CLOSED
