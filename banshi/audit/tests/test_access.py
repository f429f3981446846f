from datetime import UTC, datetime

import pytest

from banshi.accounts.models import User
from banshi.audit.models import Access, AppendOnlyError
from banshi.audit.selectors import accesses, viewers_of_application
from banshi.audit.services import access_record

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _look(actor: User, resident: User, **kwargs) -> Access:
    return access_record(
        actor=actor, resident_id=resident.pk, kind=Access.Kind.CASE, purpose=Access.Purpose.TASK, **kwargs
    )


def test_an_access_record_can_be_neither_changed_nor_deleted(db):
    officer, resident = User.objects.create_user(username="o"), User.objects.create_user(username="r")
    record = _look(officer, resident, task_id=7)
    record.task_id = 8
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        Access.objects.filter(pk=record.pk).update(task_id=8)
    with pytest.raises(AppendOnlyError):
        Access.objects.all().delete()
    assert Access.objects.get(pk=record.pk).task_id == 7


def test_an_unknown_kind_or_purpose_is_refused_and_nothing_is_written(db):
    officer = User.objects.create_user(username="o")
    with pytest.raises(ValueError):
        access_record(actor=officer, resident_id=None, kind="gossip", purpose=Access.Purpose.TASK)
    with pytest.raises(ValueError):
        access_record(actor=officer, resident_id=None, kind=Access.Kind.CASE, purpose="curiosity")
    assert not Access.objects.exists()


def test_records_are_found_by_resident_viewer_and_time_newest_first(db):
    officer, colleague = User.objects.create_user(username="o"), User.objects.create_user(username="c")
    resident, other = User.objects.create_user(username="r"), User.objects.create_user(username="r2")
    early = _look(officer, resident, at=datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    late = _look(officer, other, at=AT)
    by_colleague = _look(colleague, resident, at=AT)
    assert list(accesses()) == [by_colleague, late, early]
    assert list(accesses(resident_id=resident.pk)) == [by_colleague, early]
    assert list(accesses(actor_id=officer.pk)) == [late, early]
    assert list(accesses(since=AT)) == [by_colleague, late]
    assert list(accesses(until=AT)) == [early]


def test_an_applications_viewers_are_counted_once_per_viewer_and_place(db):
    officer, resident = User.objects.create_user(username="o"), User.objects.create_user(username="r")
    _look(officer, resident, application_id=1, agency_id=3, at=datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    _look(officer, resident, application_id=1, agency_id=3, at=AT)
    _look(officer, resident, application_id=2, agency_id=3, at=AT)
    assert viewers_of_application(application_id=1) == [
        {"actor_id": officer.pk, "agency_id": 3, "window_id": None, "last": AT, "times": 2}
    ]


def test_the_admin_lists_the_records_and_cannot_add_change_or_delete_them(db, client):
    admin = User.objects.create_superuser(username="admin", password="x")
    resident = User.objects.create_user(username="r")
    record = _look(admin, resident, task_id=7)
    client.force_login(admin)
    assert client.get("/admin/audit/access/").status_code == 200
    assert client.get("/admin/audit/access/add/").status_code == 403
    assert client.post(f"/admin/audit/access/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    changed = client.post(f"/admin/audit/access/{record.pk}/change/", {"task_id": "8"})
    assert changed.status_code == 403
    assert Access.objects.get(pk=record.pk).task_id == 7
