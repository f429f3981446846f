from django.urls import path

from banshi.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/<str:number>/", views.application_detail, name="application_detail"),
]
