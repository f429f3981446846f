"""Writes to the catalogue are audited: a new current version of a bundle, and opening or closing it."""

import pytest

from banshi.audit.models import Event
from banshi.catalog.models import Bundle
from banshi.catalog.selectors import bundle_open
from banshi.catalog.services import bundle_close_for_applications, bundle_open_for_applications, catalog_load
from banshi.catalog.tests.test_loader import NEWBORN, broken, write_bundle
from banshi.lib.errors import NotFound

CHANGELIST = "/admin/catalog/bundle/"


def bundle_events(bundle, event_type=None):
    events = Event.objects.filter(subject_type="catalog.bundle", subject_id=str(bundle.pk))
    return events.filter(event_type=event_type) if event_type else events


def test_a_new_current_version_is_audited_with_the_one_it_replaces(catalog, admin_user, tmp_path):
    bundle = Bundle.objects.get(code="newborn")
    first = bundle.current
    write_bundle(tmp_path, broken(**{"promise/working_days": 2}))
    assert catalog_load(actor=admin_user, directory=tmp_path) == ["newborn"]
    bundle.refresh_from_db()
    event = bundle_events(bundle, "bundle.version_set").get()
    assert event.actor == admin_user
    assert event.extra == {
        "version": bundle.current_id,
        "digest": bundle.current.digest,
        "new_version": True,
        "previous_version": first.pk,
        "previous_digest": first.digest,
    }


def test_loading_unchanged_files_writes_no_event(catalog, tmp_path):
    write_bundle(tmp_path, NEWBORN)
    assert catalog_load(directory=tmp_path) == []
    assert not Event.objects.exists()


def test_going_back_to_an_earlier_version_stores_nothing_new_and_is_audited(catalog, tmp_path):
    bundle = Bundle.objects.get(code="newborn")
    first = bundle.current
    write_bundle(tmp_path, broken(**{"promise/working_days": 2}))
    catalog_load(directory=tmp_path)
    write_bundle(tmp_path, NEWBORN)
    assert catalog_load(directory=tmp_path) == ["newborn"]
    bundle.refresh_from_db()
    assert bundle.current == first
    latest = bundle_events(bundle, "bundle.version_set").last()
    assert (latest.actor, latest.extra["version"], latest.extra["new_version"]) == (None, first.pk, False)


def test_closing_and_opening_a_bundle_is_audited_once_per_change(catalog, admin_user):
    bundle = Bundle.objects.get(code="newborn")
    bundle_close_for_applications(actor=admin_user, bundle_id=bundle.pk)
    bundle_close_for_applications(actor=admin_user, bundle_id=bundle.pk)
    assert bundle_open(code="newborn") is None
    bundle_open_for_applications(actor=admin_user, bundle_id=bundle.pk)
    assert bundle_open(code="newborn") == bundle
    assert list(bundle_events(bundle).values_list("event_type", "old_state", "new_state", "actor")) == [
        ("bundle.closed", "open", "closed", admin_user.pk),
        ("bundle.opened", "closed", "open", admin_user.pk),
    ]


def test_an_unknown_bundle_cannot_be_closed(catalog, admin_user):
    with pytest.raises(NotFound):
        bundle_close_for_applications(actor=admin_user, bundle_id=0)


def test_the_admin_closes_and_opens_bundles_through_the_audited_services(catalog, admin_client, admin_user):
    bundle = Bundle.objects.get(code="newborn")
    close = {"action": "close_for_applications", "_selected_action": [bundle.pk]}
    assert admin_client.post(CHANGELIST, close).status_code == 302
    bundle.refresh_from_db()
    assert not bundle.active
    assert bundle_events(bundle, "bundle.closed").get().actor == admin_user
    admin_client.post(CHANGELIST, {"action": "open_for_applications", "_selected_action": [bundle.pk]})
    bundle.refresh_from_db()
    assert bundle.active and bundle_events(bundle, "bundle.opened").count() == 1


def test_the_admin_cannot_change_a_bundle_without_an_event(catalog, admin_client):
    bundle = Bundle.objects.get(code="newborn")
    changelist = admin_client.get(CHANGELIST).content.decode()
    assert 'name="form-0-active"' not in changelist  # no editable column
    admin_client.post(f"{CHANGELIST}{bundle.pk}/change/", {"code": "renamed", "active": ""})
    bundle.refresh_from_db()
    assert (bundle.code, bundle.active) == ("newborn", True)
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert not Event.objects.exists()
