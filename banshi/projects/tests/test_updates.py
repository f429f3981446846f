import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from banshi.audit.models import Event
from banshi.lib.errors import FieldErrors
from banshi.projects.events import EventType
from banshi.projects.models import Indicator, Milestone, ProjectReport, Update, UpdateDocument, UpdatePhoto
from banshi.projects.selectors import timeline
from banshi.projects.services.register import milestone_done, update_post

from .conftest import jpeg, pdf


def _nothing_written(reg, events_before):
    assert not Update.objects.exists()
    assert not UpdatePhoto.objects.exists()
    assert Event.objects.count() == events_before
    assert Indicator.objects.get(project=reg.first, code="households").actual == 0


@pytest.mark.parametrize(
    ("value", "problem"),
    [("-5", "cannot be negative"), ("lots", "must be a number"), ("NaN", "must be a number")],
)
def test_an_indicator_actual_that_is_negative_or_no_number_is_refused_naming_the_field(reg, value, problem):
    before = Event.objects.count()
    with pytest.raises(FieldErrors) as refused:
        update_post(actor=reg.owner, project_id=reg.first.pk, text="Work", actuals={"households": value})
    assert refused.value.errors == {"actual_households": problem}
    _nothing_written(reg, before)


def test_a_progress_over_100_is_refused(reg):
    with pytest.raises(FieldErrors) as refused:
        update_post(actor=reg.owner, project_id=reg.first.pk, text="Work", progress="101")
    assert "progress" in refused.value.errors


def test_an_owner_posts_text_photos_a_pdf_and_actuals_all_on_the_timeline(reg):
    posted = update_post(
        actor=reg.owner,
        project_id=reg.first.pk,
        text="Pipes replaced",
        progress="45",
        actuals={"households": "150"},
        photos=[jpeg()],
        documents=[pdf()],
    )
    update = posted.update
    assert update.readings == [
        {"code": "households", "name": "Households", "unit": "households", "old": "0.00", "new": "150.00"}
    ]
    assert update.photos.count() == 1 and update.documents.get().pages == 1
    reg.first.refresh_from_db()
    assert reg.first.progress == 45
    texts = [entry.text for entry in timeline(reg.first)]
    assert texts[-2:] == ["Households: 150.00", "Progress reported"]


def test_a_document_that_is_not_a_pdf_is_refused_whatever_its_name(reg):
    before = Event.objects.count()
    fake = jpeg("plan.pdf")
    with pytest.raises(FieldErrors) as refused:
        update_post(actor=reg.owner, project_id=reg.first.pk, text="Work", documents=[fake])
    assert refused.value.errors["documents"].startswith("is not a PDF")
    _nothing_written(reg, before)
    assert not UpdateDocument.objects.exists()


def test_a_photo_that_is_no_image_is_refused(reg):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(FieldErrors) as refused:
        update_post(
            actor=reg.owner,
            project_id=reg.first.pk,
            text="Work",
            photos=[SimpleUploadedFile("a.jpg", b"not an image at all", content_type="image/jpeg")],
        )
    assert "photos" in refused.value.errors
    assert not Update.objects.exists()


@pytest.mark.parametrize("who", ["resident", "other_owner", "supervisor"])
def test_a_resident_another_projects_owner_or_a_supervisor_cannot_post_and_nothing_is_written(reg, who):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        update_post(
            actor=getattr(reg, who), project_id=reg.first.pk, text="Work", actuals={"households": "10"}
        )
    _nothing_written(reg, before)
    milestone = Milestone.objects.get()
    with pytest.raises(PermissionDenied):
        milestone_done(actor=getattr(reg, who), milestone_id=milestone.pk)
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_the_resident_is_refused_every_editing_page_and_nothing_is_written(reg, client):
    client.force_login(reg.resident)
    milestone = Milestone.objects.get()
    before = Event.objects.count()
    pages = [
        ("get", reverse("projects:update_new", args=[reg.first.pk]), {}),
        (
            "post",
            reverse("projects:update_new", args=[reg.first.pk]),
            {"text": "x", "actual_households": "5"},
        ),
        ("post", reverse("projects:milestone_done", args=[milestone.pk]), {}),
        ("post", reverse("projects:move", args=[reg.first.pk]), {"status": "completed"}),
        ("post", reverse("projects:link_report", args=[reg.first.pk]), {"number": "SQ2026"}),
        ("get", reverse("projects:import"), {}),
    ]
    for method, url, data in pages:
        assert getattr(client, method)(url, data).status_code == 403, url
    assert client.get(reverse("projects:behind")).status_code == 403
    _nothing_written(reg, before)
    assert not ProjectReport.objects.exists()
    reg.first.refresh_from_db()
    assert reg.first.status == "in_progress"
    page = client.get(reverse("projects:detail", args=[reg.first.pk]))
    assert page.status_code == 200 and b'id="post-update"' not in page.content


def test_the_owner_marks_a_milestone_done_once_and_it_is_on_the_timeline(reg, client):
    client.force_login(reg.owner)
    milestone = Milestone.objects.get()
    assert client.post(reverse("projects:milestone_done", args=[milestone.pk])).status_code == 302
    client.post(reverse("projects:milestone_done", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_by == reg.owner
    assert Event.objects.filter(event_type=EventType.PROJECT_MILESTONE_DONE).count() == 1
    # The page's request left its own language active; the timeline is read here in English.
    with translation.override("en"):
        assert "Milestone reached: Pipes replaced" in [e.text for e in timeline(reg.first)]


def test_the_update_page_shows_a_bad_actual_beside_its_field(reg, client):
    client.force_login(reg.owner)
    response = client.post(
        reverse("projects:update_new", args=[reg.first.pk]),
        {"text": "Work", "actual_households": "-3"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Households cannot be negative" in response.content.decode()
    assert not Update.objects.exists()
