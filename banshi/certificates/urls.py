from django.urls import path

from banshi.certificates import views

app_name = "certificates"
urlpatterns = [
    path("certificates/<str:number>.pdf", views.certificate_download, name="download"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    # `path`, so that even a number with a slash in it gets the clear answer rather than a bare 404.
    path("verify/<path:number>", views.verify, name="verify"),
]
