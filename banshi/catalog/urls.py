from django.urls import path

from banshi.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("bundles/<slug:code>/", views.bundle_start, name="bundle_start"),
    path("bundles/<slug:code>/checklist/", views.bundle_checklist, name="checklist"),
]
