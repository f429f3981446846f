from banshi.outreach.urls_lectures import lectures_urls
from banshi.outreach.urls_videos import urlpatterns as videos_urls

app_name = "outreach"
urlpatterns: list[object] = [*lectures_urls, *videos_urls]
