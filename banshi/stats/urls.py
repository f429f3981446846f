from django.urls import path

from banshi.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("counter/", views.counter, name="counter"),
    path("supervise/", views.supervise_dashboard, name="supervise"),
    path("supervise/lists/<slug:code>/", views.drill, name="drill"),
]
