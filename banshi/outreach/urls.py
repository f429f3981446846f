from banshi.outreach.urls_lectures import lectures_urls

app_name = "outreach"
urlpatterns: list[object] = [*lectures_urls]
