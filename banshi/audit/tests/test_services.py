from datetime import UTC, datetime

from banshi.accounts.models import User
from banshi.audit.models import Event
from banshi.audit.services import event_build, event_record

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def test_a_built_event_is_not_saved_until_its_change_writes_it(db):
    user = User.objects.create_user(username="someone")
    event = event_build(
        actor=user, subject=user, event_type="test.moved", old_state="a", new_state="b", extra={"n": 1}, at=AT
    )
    assert event.pk is None and not Event.objects.exists()
    Event.objects.bulk_create([event])
    saved = Event.objects.get()
    assert (saved.actor, saved.subject_type, saved.subject_id) == (user, "accounts.user", str(user.pk))
    assert (saved.event_type, saved.old_state, saved.new_state, saved.extra, saved.created_at) == (
        "test.moved",
        "a",
        "b",
        {"n": 1},
        AT,
    )


def test_an_event_without_a_saved_actor_has_no_actor(db):
    user = User.objects.create_user(username="someone")
    assert event_build(actor=None, subject=user, event_type="test.happened").actor is None
    assert event_build(actor=User(username="unsaved"), subject=user, event_type="test.happened").actor is None


def test_a_recorded_event_is_the_built_one_saved(db):
    user = User.objects.create_user(username="someone")
    event = event_record(actor=user, subject=user, event_type="test.happened", reason="why", at=AT)
    assert Event.objects.get() == event
    assert (event.reason, event.created_at, event.extra) == ("why", AT, {})
