from decimal import Decimal

from banshi.audit.models import Event
from banshi.projects.events import EventType
from banshi.projects.models import Project
from banshi.projects.services.register import project_move, roll_up, update_post


def test_a_parents_progress_is_its_childrens_weighted_by_budget(reg):
    reg.parent.refresh_from_db()
    # 20% of 3 million and 60% of 1 million: (20*3 + 60*1) / 4 = 30.
    assert reg.parent.progress == Decimal("30.00")


def test_a_parent_weighted_by_set_weights_uses_them_and_one_for_a_child_without(reg):
    Project.objects.filter(pk=reg.parent.pk).update(roll_up=Project.RollUp.WEIGHT)
    Project.objects.filter(pk=reg.first.pk).update(weight=Decimal(3))
    roll_up(project_id=reg.parent.pk, actor=None)
    reg.parent.refresh_from_db()
    # (20*3 + 60*1) / 4 with the second's weight unset, counted as 1.
    assert reg.parent.progress == Decimal("30.00")
    Project.objects.filter(pk=reg.second.pk).update(weight=Decimal(1))
    Project.objects.filter(pk=reg.first.pk).update(weight=Decimal(1))
    roll_up(project_id=reg.parent.pk, actor=None)
    reg.parent.refresh_from_db()
    assert reg.parent.progress == Decimal("40.00")


def test_children_without_budgets_count_equally_and_cancelled_ones_not_at_all(reg):
    Project.objects.filter(parent=reg.parent).update(budget=0)
    roll_up(project_id=reg.parent.pk, actor=None)
    reg.parent.refresh_from_db()
    assert reg.parent.progress == Decimal("40.00")
    project_move(actor=reg.owner, project_id=reg.second.pk, status=Project.Status.CANCELLED)
    reg.parent.refresh_from_db()
    assert reg.parent.progress == Decimal("20.00")


def test_a_childs_update_recomputes_the_parent_and_its_indicator_totals_with_an_audit_event(reg):
    reg.parent.refresh_from_db()
    assert {i.code: (i.target, i.actual) for i in reg.parent.indicators.all()} == {
        "communities": (2, 0),
        "households": (400, 0),
    }
    update_post(
        actor=reg.owner,
        project_id=reg.second.pk,
        text="Done",
        progress="100",
        actuals={"households": "100", "communities": "1"},
    )
    reg.parent.refresh_from_db()
    assert reg.parent.progress == Decimal("40.00")  # (20*3 + 100*1) / 4
    assert {i.code: (i.target, i.actual) for i in reg.parent.indicators.all()} == {
        "communities": (2, 1),
        "households": (400, 100),
    }
    event = Event.objects.filter(subject_id=str(reg.parent.pk), event_type=EventType.PROJECT_ROLLED_UP).last()
    assert event.old_state == "30.00" and event.new_state == "40.00"
    assert event.extra["changed"]["households"] == ["0.00", "100.00"]


def test_a_roll_up_with_nothing_changed_records_nothing(reg):
    before = Event.objects.count()
    roll_up(project_id=reg.parent.pk, actor=None)
    assert Event.objects.count() == before


def test_a_days_roll_ups_are_one_entry_of_the_parents_timeline_and_one_point_of_its_chart(reg):
    from banshi.projects.selectors import project_page, timeline

    for progress in ("30", "40", "50"):
        update_post(actor=reg.owner, project_id=reg.second.pk, text="More", progress=progress)
    rolled = [entry.text for entry in timeline(reg.parent) if entry.event_type == EventType.PROJECT_ROLLED_UP]
    assert rolled == ["Progress from its parts: 27.50%"]  # (20*3 + 50*1) / 4, the day's last
    page = project_page(viewer=reg.resident, project_id=reg.parent.pk)
    assert [value for _day, value in page.chart["progress"]] == [27.5]
