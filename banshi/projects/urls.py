from banshi.projects.urls_participation import urlpatterns as participation_urls

app_name = "projects"
urlpatterns: list[object] = [*participation_urls]
