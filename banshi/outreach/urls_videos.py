"""The story videos' addresses (mounted at /outreach/ with the rest of the app)."""

from django.urls import path

from banshi.outreach import tus
from banshi.outreach.views import videos

urlpatterns = [
    path("campaigns/", videos.campaigns, name="campaigns"),
    path("campaigns/<slug:slug>/", videos.campaign_detail, name="campaign_detail"),
    path("campaigns/<slug:slug>/send/", videos.start, name="video_start"),
    path("videos/mine/", videos.my_videos, name="my_videos"),
    path("videos/moderation/", videos.moderation, name="moderation"),
    path("videos/<str:key>/", videos.video_detail, name="video_detail"),
    path("videos/<str:key>/state/", videos.video_state, name="video_state"),
    path("videos/<str:key>/approve/", videos.approve, name="video_approve"),
    path("videos/<str:key>/reject/", videos.reject, name="video_reject"),
    path("videos/<str:key>/withdraw/", videos.withdraw, name="video_withdraw"),
    path("videos/<str:key>/video.mp4", videos.video_mp4, name="video_mp4"),
    path("videos/<str:key>/poster.jpg", videos.video_poster, name="video_poster"),
    path("tus/", tus.uploads, name="tus_uploads"),
    path("tus/<str:key>/", tus.upload, name="tus_upload"),
]
