"""Uploads nothing uses are deleted, file and row, a day after they arrived: by the sweep and by
`manage.py purge_uploads`, in one audit event. What an application, a pre-review or a call's shared
application holds stays."""

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from banshi.audit.models import Event
from banshi.cases.models import Upload
from banshi.cases.services import upload_create
from banshi.cases.services.materials import upload_path, uploads_purge
from banshi.cases.services.sweep import sweep_run
from banshi.conftest import ANSWERS, newborn_values, png_bytes
from banshi.directory.models import Area, Membership, Window
from banshi.remote.models import CallSession, PreReview

pytestmark = pytest.mark.django_db

# A Wednesday morning in Chongqing.
UPLOADED = datetime(2026, 3, 4, 9, 30, tzinfo=timezone.get_default_timezone())


def upload(owner, color: str):
    return upload_create(owner=owner, file=SimpleUploadedFile(f"{color}.png", png_bytes(color)))


def purged_events():
    return Event.objects.filter(event_type="upload.purged")


@pytest.fixture
def uploaded(resident, other_resident, catalog):
    """At UPLOADED: four uploads in use in their ways, and two that nothing uses."""
    from banshi.cases.services import application_submit
    from banshi.conftest import _user

    with time_machine.travel(UPLOADED, tick=False):
        materials = {
            key: upload(resident, color).pk
            for key, color in zip(
                ["mother_id_card", "father_id_card", "hukou_book", "marriage_certificate"],
                ["red", "green", "blue", "yellow"],
                strict=True,
            )
        }
        application_submit(
            actor=resident,
            applicant=resident,
            bundle_code="newborn",
            answers=ANSWERS,
            values=newborn_values(),
            materials=materials,
        )
        window = Window.objects.create(
            name="视频窗口", kind=Window.Kind.VIDEO, area=Area.objects.get(code="500103")
        )
        clerk = _user("video-clerk")
        Membership.objects.create(user=clerk, role=Membership.Role.CLERK, window=window)
        shared = upload(other_resident, "purple")
        CallSession.objects.create(
            window=window,
            clerk=clerk,
            resident=other_resident,
            created_at=UPLOADED,
            draft={"bundle": "newborn", "answers": {}, "values": {}, "materials": {"hukou_book": shared.pk}},
        )
        reviewed_call = CallSession.objects.create(
            window=window, clerk=clerk, resident=other_resident, created_at=UPLOADED, draft={}
        )
        reviewed = upload(other_resident, "orange")
        PreReview.objects.create(
            session=reviewed_call,
            material="hukou_book",
            upload=reviewed,
            verdict=PreReview.Verdict.ACCEPTED,
            reviewed_by=clerk,
            reviewed_at=UPLOADED,
        )
        unused = [upload(resident, "black"), upload(other_resident, "white")]
    return {"attached": materials, "shared": shared, "reviewed": reviewed, "unused": unused}


def test_an_unused_upload_is_kept_for_a_day_then_deleted_with_its_file(
    uploaded, django_capture_on_commit_callbacks
):
    unused = uploaded["unused"]
    paths = [upload_path(one) for one in unused]
    with time_machine.travel(UPLOADED + timedelta(hours=23, minutes=59), tick=False):
        assert uploads_purge(now=timezone.now()) == 0
    assert Upload.objects.filter(pk__in=[one.pk for one in unused]).count() == 2
    assert all(path.is_file() for path in paths)
    assert not purged_events().exists()

    with (
        time_machine.travel(UPLOADED + timedelta(hours=24, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert uploads_purge(now=timezone.now()) == 2
    assert not Upload.objects.filter(pk__in=[one.pk for one in unused]).exists()
    assert not any(path.exists() for path in paths)
    event = purged_events().get()
    assert event.actor is None
    assert event.extra["count"] == 2 and sorted(event.extra["uploads"]) == sorted(one.pk for one in unused)
    assert event.created_at == UPLOADED + timedelta(hours=24, minutes=1)


def test_what_an_application_a_pre_review_or_a_shared_draft_holds_is_never_purged(
    uploaded, django_capture_on_commit_callbacks
):
    kept = [*uploaded["attached"].values(), uploaded["shared"].pk, uploaded["reviewed"].pk]
    with (
        time_machine.travel(UPLOADED + timedelta(days=40), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert uploads_purge(now=timezone.now()) == 2
        assert uploads_purge(now=timezone.now()) == 0
    assert sorted(Upload.objects.values_list("pk", flat=True)) == sorted(kept)
    assert all(upload_path(one).is_file() for one in Upload.objects.all())
    assert purged_events().count() == 1


def test_a_shared_draft_lets_its_uploads_go_once_the_call_s_application_is_sent(uploaded, submit):
    CallSession.objects.filter(draft__has_key="materials").update(application=submit())
    with time_machine.travel(UPLOADED + timedelta(days=2), tick=False):
        assert uploads_purge(now=timezone.now()) == 3
    assert not Upload.objects.filter(pk=uploaded["shared"].pk).exists()


def test_the_sweep_and_the_command_purge_and_the_same_file_uploaded_again_is_stored_anew(uploaded, resident):
    with time_machine.travel(UPLOADED + timedelta(days=1, hours=1), tick=False):
        sweep_run(now=timezone.now())
    assert purged_events().get().extra["count"] == 2
    assert not Upload.objects.filter(pk=uploaded["unused"][0].pk).exists()

    with time_machine.travel(UPLOADED + timedelta(days=2), tick=False):
        again = upload(resident, "black")
        old_copy = upload(resident, "red")  # attached to the application two days ago: not reused
    assert again.pk != uploaded["unused"][0].pk and upload_path(again).is_file()
    assert old_copy.pk not in uploaded["attached"].values()
    with time_machine.travel(UPLOADED + timedelta(days=3, hours=1), tick=False):
        out = io.StringIO()
        call_command("purge_uploads", stdout=out)
    assert out.getvalue().strip() == "2 unused uploads deleted"
    assert purged_events().count() == 2
