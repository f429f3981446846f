from django.urls import path

from banshi.ui import views

app_name = "ui"
urlpatterns = [
    path("large-text/", views.large_text, name="large_text"),
]
