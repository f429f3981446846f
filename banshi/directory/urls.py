from django.urls import path

from banshi.directory import views

app_name = "directory"
urlpatterns = [
    path("start/", views.landing, name="landing"),
]
