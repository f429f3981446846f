"""Consultations on a draft plan (comments within the dates, staff replies, the final plan and what the
opinions changed, PDF documents and re-encoded images), and on-site office sessions whose problems are
filed as residents' problem reports in one click."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from banshi.audit.models import Event
from banshi.conftest import pdf_bytes
from banshi.directory.models import Agency, Area
from banshi.lib.errors import Conflict, FieldErrors, NotFound
from banshi.problems.models import Report
from banshi.projects.models import Comment, Consultation, ConsultationFile, SessionProblem
from banshi.projects.services import consultations as services

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
CLOSES = datetime(2026, 11, 16, 18, 0, tzinfo=CHINA)
DURING = datetime(2026, 11, 5, 10, 0, tzinfo=CHINA)


@pytest.fixture
def consultation(round_officer, banan_housing):
    return services.consultation_open(
        actor=round_officer,
        title="鱼洞街道老旧小区改造方案（征求意见稿）",
        draft="拟改造雨污管网、加装电梯 12 部、新增停车位 80 个。",
        opens_at=OPENS,
        closes_at=CLOSES,
        organiser=banan_housing,
        area=Area.objects.get(code="500113"),
    )


def test_residents_comment_within_the_dates_and_staff_reply(consultation, residents, round_officer):
    with time_machine.travel(DURING, tick=False):
        agree = services.comment_add(
            actor=residents[0], consultation_id=consultation.pk, stance="agree", text="支持加装电梯"
        )
        services.comment_add(
            actor=residents[1], consultation_id=consultation.pk, stance="disagree", text="停车位太少"
        )
        services.comment_reply(actor=round_officer, comment_id=agree.pk, reply="谢谢，电梯将优先安排。")
    agree.refresh_from_db()
    assert agree.reply == "谢谢，电梯将优先安排。" and agree.replied_by == round_officer
    assert sorted(Comment.objects.values_list("stance", flat=True)) == ["agree", "disagree"]
    assert Event.objects.filter(event_type="projects.consultation_commented").count() == 2
    assert Event.objects.filter(event_type="projects.consultation_replied").count() == 1


@pytest.mark.parametrize("moment", [OPENS - timedelta(minutes=1), CLOSES])
def test_a_comment_outside_the_dates_is_refused(consultation, residents, moment):
    with time_machine.travel(moment, tick=False), pytest.raises(Conflict, match="not open"):
        services.comment_add(actor=residents[0], consultation_id=consultation.pk, stance="agree", text="支持")
    assert not Comment.objects.exists()


def test_a_comment_without_a_stance_is_refused_naming_the_field(consultation, residents):
    with time_machine.travel(DURING, tick=False), pytest.raises(FieldErrors) as refused:
        services.comment_add(actor=residents[0], consultation_id=consultation.pk, stance="maybe", text="")
    assert refused.value.errors == {"stance": "say whether you agree or disagree", "text": "is required"}
    assert not Comment.objects.exists()


def test_a_resident_cannot_reply_finalise_or_add_files(consultation, residents, other_officer):
    with time_machine.travel(DURING, tick=False):
        comment = services.comment_add(
            actor=residents[0], consultation_id=consultation.pk, stance="agree", text="好"
        )
        for person in (residents[1], other_officer):
            with pytest.raises(NotFound):
                services.comment_reply(actor=person, comment_id=comment.pk, reply="我来回复")
            with pytest.raises(NotFound):
                services.consultation_finalise(
                    actor=person, consultation_id=consultation.pk, final_plan="x", changes="y"
                )
            with pytest.raises(NotFound):
                services.consultation_file_add(
                    actor=person,
                    consultation_id=consultation.pk,
                    file=SimpleUploadedFile("a.pdf", pdf_bytes()),
                )
    comment.refresh_from_db()
    consultation.refresh_from_db()
    assert comment.reply == "" and consultation.status == Consultation.Status.OPEN
    assert not ConsultationFile.objects.exists()


def test_the_final_plan_records_what_the_opinions_changed_and_closes_the_consultation(
    consultation, residents, round_officer
):
    with time_machine.travel(CLOSES + timedelta(days=1), tick=False):
        services.consultation_finalise(
            actor=round_officer,
            consultation_id=consultation.pk,
            final_plan="改造雨污管网、加装电梯 12 部、新增停车位 120 个。",
            changes="停车位由 80 个增加到 120 个（居民意见）。",
        )
        with pytest.raises(Conflict):
            services.consultation_finalise(
                actor=round_officer, consultation_id=consultation.pk, final_plan="x", changes="y"
            )
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.FINALISED
    assert consultation.changes == "停车位由 80 个增加到 120 个（居民意见）。"
    assert list(
        Event.objects.filter(event_type="projects.consultation_finalised").values_list(
            "old_state", "new_state"
        )
    ) == [("open", "finalised")]
    with time_machine.travel(DURING, tick=False), pytest.raises(Conflict):
        services.comment_add(actor=residents[0], consultation_id=consultation.pk, stance="agree", text="晚了")


def test_a_document_must_be_a_pdf_and_an_image_is_stored_without_its_metadata(consultation, round_officer):
    stored = services.consultation_file_add(
        actor=round_officer, consultation_id=consultation.pk, file=SimpleUploadedFile("方案.pdf", pdf_bytes())
    )
    assert stored.kind == "pdf" and bytes(stored.data).startswith(b"%PDF-")
    with pytest.raises(FieldErrors) as refused:
        services.consultation_file_add(
            actor=round_officer,
            consultation_id=consultation.pk,
            file=SimpleUploadedFile("方案.pdf.docx", b"PK\x03\x04 a word document"),
        )
    assert refused.value.errors == {"file": "is not a PDF document, a JPEG or a PNG image"}
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "A camera maker"
    Image.new("RGB", (64, 48), (200, 10, 10)).save(photo, "JPEG", exif=exif.tobytes())
    image = services.consultation_file_add(
        actor=round_officer,
        consultation_id=consultation.pk,
        file=SimpleUploadedFile("现场.jpg", photo.getvalue()),
    )
    assert image.kind == "image"
    with Image.open(io.BytesIO(bytes(image.data))) as reopened:
        assert reopened.size == (64, 48) and not reopened.getexif()
    assert ConsultationFile.objects.count() == 2
    assert Event.objects.filter(event_type="projects.consultation_file_added").count() == 2


# --- on-site office sessions ------------------------------------------------------------------


@pytest.fixture
def session(round_officer, banan_housing):
    return services.session_record(
        actor=round_officer,
        title="鱼洞街道老旧小区现场办公",
        place="巴南区鱼洞街道新市街社区广场",
        held_at=DURING,
        organiser=banan_housing,
        units=[banan_housing, Agency.objects.get(code="civil_affairs")],
        area=Area.objects.get(code="500113"),
    )


def test_a_problem_raised_on_site_is_filed_as_a_problem_report_once(session, round_officer):
    from banshi.problems.models import Category, Tier

    tier = Tier.objects.first()
    Category.objects.get_or_create(
        code="old_community", defaults={"name_zh": "老旧小区维修", "name_en": "Old communities", "tier": tier}
    )
    raised = services.session_problem_record(
        actor=round_officer, session_id=session.pk, problem="3 栋外墙脱落", answer="住建委两周内排危"
    )
    filed = services.session_problem_file(actor=round_officer, problem_id=raised.pk, category="old_community")
    report = Report.objects.get(number=filed.report_number)
    assert report.category.code == "old_community" and report.district.code == "500113"
    assert "3 栋外墙脱落" in report.description and report.address == session.place
    assert Event.objects.filter(event_type="problem.filed", subject_id=str(report.pk)).exists()
    with pytest.raises(Conflict, match="already been filed"):
        services.session_problem_file(actor=round_officer, problem_id=raised.pk, category="old_community")
    assert Report.objects.count() == 1
    assert list(session.units.values_list("code", flat=True).order_by("code")) == [
        "banan_housing",
        "civil_affairs",
    ]


def test_a_problem_filed_with_an_unknown_category_writes_nothing(session, round_officer):
    raised = services.session_problem_record(
        actor=round_officer, session_id=session.pk, problem="路灯不亮", answer=""
    )
    with pytest.raises(FieldErrors):
        services.session_problem_file(actor=round_officer, problem_id=raised.pk, category="no_such_category")
    assert not Report.objects.exists()
    assert SessionProblem.objects.get().report_number == ""


def test_a_resident_cannot_record_or_file_a_session_problem(session, round_officer, residents):
    raised = services.session_problem_record(
        actor=round_officer, session_id=session.pk, problem="路灯不亮", answer=""
    )
    with pytest.raises(NotFound):
        services.session_problem_record(
            actor=residents[0], session_id=session.pk, problem="我也要记录", answer=""
        )
    with pytest.raises(NotFound):
        services.session_problem_file(actor=residents[0], problem_id=raised.pk, category="old_community")
    assert SessionProblem.objects.count() == 1 and not Report.objects.exists()


def test_anyone_reads_the_consultation_and_its_opinions_with_the_authors_masked(
    client, consultation, residents
):
    residents[0].display_name = "张丽华"
    residents[0].save(update_fields=["display_name"])
    with time_machine.travel(DURING, tick=False):
        services.comment_add(
            actor=residents[0], consultation_id=consultation.pk, stance="disagree", text="停车位太少"
        )
        page = client.get(f"/projects/consultations/{consultation.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "停车位太少" in text and "0 agree, 1 disagree." in text
    assert "张丽华" not in text
    assert "/accounts/login/?next=" in text
