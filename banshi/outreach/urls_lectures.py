"""The addresses of lecture programmes' pages, under /outreach/."""

from django.urls import path

from banshi.outreach.views import lectures as views

lectures_urls = [
    path("", views.schedule, name="schedule"),
    path("lectures/<int:lecture_id>/", views.lecture_detail, name="lecture"),
    path("lectures/<int:lecture_id>/register/", views.lecture_register, name="lecture_register"),
    path("lectures/<int:lecture_id>/rate/", views.lecture_rate, name="lecture_rate"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("programmes/<int:programme_id>.ics", views.programme_feed, name="programme_feed"),
    path("areas/<str:area_code>.ics", views.area_feed, name="area_feed"),
    path("organise/", views.organiser_programmes, name="organiser_programmes"),
    path("organise/programmes/<int:programme_id>/", views.organiser_programme, name="organiser_programme"),
    path("organise/programmes/<int:programme_id>/speakers/", views.speaker_add, name="speaker_add"),
    path("organise/programmes/<int:programme_id>/quotas/", views.quota_set, name="quota_set"),
    path(
        "organise/programmes/<int:programme_id>/lectures/new/",
        views.lecture_schedule,
        name="lecture_schedule",
    ),
    path("organise/lectures/<int:lecture_id>/", views.organiser_lecture, name="organiser_lecture"),
    path("organise/lectures/<int:lecture_id>/qr.png", views.lecture_qr, name="lecture_qr"),
    path("organise/lectures/<int:lecture_id>/checkin/", views.organiser_checkin, name="organiser_checkin"),
    path("organise/lectures/<int:lecture_id>/close/", views.lecture_close, name="lecture_close"),
    path("organise/lectures/<int:lecture_id>/cancel/", views.lecture_cancel, name="lecture_cancel"),
    path(
        "organise/lectures/<int:lecture_id>/photos/<int:photo_id>/", views.lecture_photo, name="lecture_photo"
    ),
    path("supervise/quotas/", views.supervisor_quotas, name="supervisor_quotas"),
]
