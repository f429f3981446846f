import pytest

from banshi.accounts.models import User
from banshi.audit.models import AppendOnlyError, Event
from banshi.audit.services import event_record


def test_an_audit_event_can_be_neither_changed_nor_deleted(db):
    user = User.objects.create_user(username="u", password="x")
    event = event_record(actor=user, subject=user, event_type="test.happened")
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    assert Event.objects.get(pk=event.pk).reason == ""
