from django.urls import path

from banshi.problems.views import stats as stats_views

app_name = "problems"

urlpatterns = [
    path("stats/", stats_views.stats, name="stats"),
]
