from django.urls import path

from banshi.directory import views

app_name = "directory"
urlpatterns = [
    path("start/", views.landing, name="landing"),
    path("areas/children/", views.area_children, name="area_children"),
    path("areas/options/", views.area_options, name="area_options"),
]
