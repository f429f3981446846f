from banshi.outreach.urls_videos import urlpatterns as videos_urls

app_name = "outreach"
lectures_urls: list[object] = []
urlpatterns = [*lectures_urls, *videos_urls]
